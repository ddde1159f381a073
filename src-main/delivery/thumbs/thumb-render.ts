// The ffmpeg runs behind thumbnails: one picture of a clip to JPEG, every picture of a
// clip to raw tiles, and raw pixels to JPEG. Each goes through the ProcessRegistry, so
// stopping the studio stops them; background work runs under `nice` where there is one.
import fs from 'node:fs';
import type { ProcessRegistry } from '../../transcode/index.js';

export interface RenderContext {
  ffmpeg: string;
  processes: ProcessRegistry;
  /** Run at the lowest CPU priority (sprites in the background). */
  low?: boolean;
  signal?: AbortSignal;
}

const niceBinary = (() => {
  if (process.platform === 'win32') return null;
  for (const candidate of ['/usr/bin/nice', '/bin/nice']) if (fs.existsSync(candidate)) return candidate;
  return null;
})();

const base = ['-hide_banner', '-nostdin', '-loglevel', 'error'];

async function run(c: RenderContext, label: string, args: string[], input: Uint8Array, expect?: number): Promise<Buffer> {
  const [file, argv] = c.low && niceBinary ? [niceBinary, ['-n', '19', c.ffmpeg, ...args]] : [c.ffmpeg, args];
  const child = c.processes.start(file, argv, { label, timeoutMs: 60_000, keepBytes: 4096, stdin: input, signal: c.signal });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const result = await child.exited;
  const out = Buffer.concat(chunks);
  if (result.code !== 0 || (expect === undefined ? out.length === 0 : false)) {
    const why = result.timedOut ? 'took too long' : (result.stderr.trim().split('\n').at(-1) ?? `exit ${result.code ?? result.signal}`);
    throw new Error(`${label} failed: ${why || `exit ${result.code ?? result.signal}`}`);
  }
  return out;
}

/** Width in pixels, kept even (4:2:0 JPEGs need it) and within [16, 1920]. */
export const evenWidth = (w: number) => Math.max(16, Math.min(1920, Math.round(w / 2) * 2));

/** The `position`-th picture (presentation order) of an MP4 clip, `width` pixels wide, as JPEG. */
export function clipPictureJpeg(c: RenderContext, clip: Uint8Array, position: number, width: number): Promise<Buffer> {
  const filters = [...(position > 0 ? [`select=eq(n\\,${position})`] : []), `scale=${evenWidth(width)}:-2`, 'setsar=1'];
  return run(c, 'thumbnail', [...base, '-f', 'mp4', '-i', 'pipe:0', '-map', '0:v:0', '-vf', filters.join(','), '-frames:v', '1', '-q:v', '3', '-f', 'image2pipe', '-c:v', 'mjpeg', 'pipe:1'], clip);
}

/**
 * Every picture of a keyframe clip as raw RGB tiles of exactly width × height (scaled
 * to fit, letterboxed): the tiles decoded, in order; fewer than asked when some did not decode.
 */
export async function clipTilesRgb(c: RenderContext, clip: Uint8Array, width: number, height: number): Promise<Buffer[]> {
  const vf = `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:-1:-1:color=black,setsar=1,format=rgb24`;
  const raw = await run(c, 'sprite tiles', [...base, '-f', 'mp4', '-i', 'pipe:0', '-map', '0:v:0', '-vf', vf, '-f', 'rawvideo', 'pipe:1'], clip, 0);
  const size = width * height * 3;
  const tiles: Buffer[] = [];
  for (let at = 0; at + size <= raw.length; at += size) tiles.push(raw.subarray(at, at + size));
  return tiles;
}

/** An RGB picture to JPEG. */
export function rgbJpeg(c: RenderContext, rgb: Uint8Array, width: number, height: number): Promise<Buffer> {
  return run(c, 'sprite encode', [...base, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', 'pipe:0', '-frames:v', '1', '-q:v', '4', '-f', 'image2pipe', '-c:v', 'mjpeg', 'pipe:1'], rgb);
}
