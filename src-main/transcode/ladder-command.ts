// The ffmpeg command line of a ladder: one process per source, which decodes once,
// splits the picture, and scales and encodes each rendition into its own MPEG-TS pipe.
// Timestamps pass through untouched (-copyts, no mux delay), so every rendition keeps
// the source's timeline: a restarted job continues where the last one stopped, and
// a keyframe falls at the same instant in every rendition.
import { pipelineFor } from './gpu-pipeline.js';
import type { RenditionPlan } from './rendition-plan.js';
import { encoderFamily, videoEncodeArgs } from './video-encode.js';

export interface LadderCommand {
  /** Where the source comes from: `pipe:0` for frames the studio writes as MPEG-TS. */
  input: string;
  renditions: readonly RenditionPlan[];
  /** One ffmpeg encoder for every rendition of this job. */
  encoder: string;
  /** Decode on the GPU that encodes (false: software decode, then upload). */
  gpuDecode: boolean;
  vaapiDevice?: string;
  /** Output of rendition i: `pipe:${firstOutputFd + i}` by default. */
  outputs?: readonly string[];
  /** Frames a rendition may go without a keyframe when the source sends none. */
  maxGop?: number;
}

/** The child's first extra pipe: 0–2 are stdin, stdout and stderr. */
export const firstOutputFd = 3;

export function ladderArgs(c: LadderCommand): string[] {
  const family = encoderFamily(c.encoder);
  if (!family) throw new Error(`no argument mapping for encoder ${c.encoder}`);
  if (c.renditions.length === 0) throw new Error('a ladder needs at least one rendition');
  const pipeline = pipelineFor(family, { gpuDecode: c.gpuDecode, vaapiDevice: c.vaapiDevice });
  const n = c.renditions.length;
  const branches = n === 1 ? ['[0:v:0]'] : c.renditions.map((_, i) => `[s${i}]`);
  const graph: string[] = [];
  if (n > 1) graph.push(`[0:v:0]split=${n}${branches.join('')}`);
  c.renditions.forEach((r, i) => {
    const steps = [...(r.fps ? [frameRateCap(r.fps)] : []), pipeline.scale(r.height)];
    graph.push(`${branches[i]}${steps.join(',')}[v${i}]`);
  });
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-stats_period', '1', '-progress', 'pipe:1',
    // A second of probing at most. Not +nobuffer: it drops the frames read while probing.
    '-probesize', '1M', '-analyzeduration', '1000000',
    '-copyts',
    ...pipeline.inputArgs,
    // Frames the studio pipes in are MPEG-TS; a file names its own format.
    ...(c.input.startsWith('pipe:') ? ['-f', 'mpegts'] : []), '-i', c.input,
    '-filter_complex', graph.join(';'),
  ];
  c.renditions.forEach((r, i) => {
    args.push(
      '-map', `[v${i}]`, '-map', '0:a:0?',
      ...videoEncodeArgs({ encoder: c.encoder, bitrate: r.bitrate, maxRate: r.maxRate, bufSize: r.bufSize, profile: r.profile, maxGop: c.maxGop ?? 600 }),
      // The source's audio rides along unchanged in every rendition.
      '-c:a', 'copy',
      // Timestamps as they come (a capped rate leaves gaps): never duplicated to fill a grid.
      '-fps_mode:v', 'vfr',
      '-muxdelay', '0', '-muxpreload', '0', '-flush_packets', '1',
      '-f', 'mpegts', c.outputs?.[i] ?? `pipe:${firstOutputFd + i}`,
    );
  });
  return args;
}

/**
 * At most `fps` frames a second, but never without a source keyframe: the `fps` filter
 * keeps frames on its own grid and may drop the one a cut must fall on.
 */
export function frameRateCap(fps: number): string {
  const slot = (1 / fps - 0.0005).toFixed(4);
  return `select='key+isnan(prev_selected_t)+gte(t-prev_selected_t\\,${slot})'`;
}
