// A benchmark's scratch folder and the things it started (studio, ffmpeg, nginx), all
// stopped and removed at the end, on an error, or on Ctrl-C.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stopHttpLoads } from './http-load.js';

export type Cleanups = (() => Promise<unknown>)[];

export async function withBenchWorkspace(name: string, body: (work: string, cleanups: Cleanups) => Promise<void>): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), `framehouse-bench-${name}-`));
  const cleanups: Cleanups = [];
  let cleaned: Promise<void> | null = null;
  const cleanup = () =>
    (cleaned ??= (async () => {
      stopHttpLoads();
      for (const step of cleanups.reverse()) await step().catch(() => undefined);
      await fs.rm(work, { recursive: true, force: true });
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${name} bench: ${signal}, stopping the studio, ffmpeg and nginx…\n`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await body(work, cleanups);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}
