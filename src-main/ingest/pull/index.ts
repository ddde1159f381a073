import type { SourceRunner } from '../../streams/stream-registry.js';
import { PullSupervisor, type PullDeps } from './pull-supervisor.js';

export { resolveSourceUrl, maskCredentials, SourceUrlError } from './source-url.js';

/** Pulls configured sources (and plays files as live) through ffmpeg. */
export function ffmpegSourceRunner(deps: PullDeps): SourceRunner {
  return { start: (hub, config) => new PullSupervisor(hub, config, deps) };
}
