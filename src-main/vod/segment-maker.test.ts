import fs from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessRegistry } from '../transcode/process-registry.js';
import { decodeErrors, ffmpeg, ffprobeJson } from '../test-support/ffmpeg-tools.js';
import os from 'node:os';

import { probeMedia } from './media-probe.js';
import { makeSegment } from './segment-maker.js';
import { buildInitSegment } from '../formats/fmp4/index.js';
import { gridSegments, keyframeSegments, planVariants, segmentSpan, type VodVariant } from './vod-plan.js';
import type { ProbedMedia } from '../contract/library-api.js';

let dir = '';
const tempDir = () => dir;
const processes = new ProcessRegistry(pino({ level: 'silent' }));

/**
 * The largest jump of the second difference of a decoded 440 Hz tone near each boundary,
 * over the same measure inside segments: a click is a step or a gap in the waveform,
 * which a smooth sine never has.
 */
function clickRatio(samples: Int16Array, rate: number, boundaries: readonly number[]): { atBoundaries: number; inside: number } {
  const second = (n: number) => Math.abs(samples[n + 1]! - 2 * samples[n]! + samples[n - 1]!);
  let inside = 0;
  for (let n = 1; n < samples.length - 1; n++) {
    const t = n / rate;
    if (boundaries.some((b) => Math.abs(t - b) < 0.05) || t < 0.1 || t > samples.length / rate - 0.1) continue;
    inside = Math.max(inside, second(n));
  }
  let atBoundaries = 0;
  for (const b of boundaries) {
    const centre = Math.round(b * rate);
    for (let n = Math.max(1, centre - Math.round(0.05 * rate)); n < Math.min(samples.length - 1, centre + Math.round(0.05 * rate)); n++) atBoundaries = Math.max(atBoundaries, second(n));
  }
  return { atBoundaries, inside };
}

async function joined(file: string, media: ProbedMedia, variant: VodVariant, starts: readonly number[], out: string) {
  const parts: Buffer[] = [];
  for (let k = 0; k < starts.length; k++) {
    const span = segmentSpan(starts, media.duration, k)!;
    const made = await makeSegment(processes, 'ffmpeg', { file, variant, ...span, last: k === starts.length - 1, encoder: 'libx264', startTime: media.startTime, sequence: k + 1 });
    // fMP4: the init segment first, built from the tracks as the service builds it.
    if (k === 0 && variant.kind === 'remux' && variant.container === 'fmp4') parts.push(Buffer.from(buildInitSegment(made.tracks)));
    parts.push(made.bytes);
  }
  await fs.writeFile(out, Buffer.concat(parts));
}

async function pcm(file: string): Promise<Int16Array> {
  const { stdout } = await ffmpeg(['-i', file, '-map', '0:a:0', '-ac', '1', '-ar', '48000', '-f', 's16le', 'pipe:1']);
  return new Int16Array(stdout.buffer, stdout.byteOffset, stdout.byteLength / 2);
}

describe('VOD segments made one at a time', () => {
  let source: string;
  let media: ProbedMedia;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fh-vod-'));
    source = path.join(tempDir(), 'tone.mp4');
    // 44.1 kHz in, 48 kHz out: the grid has to survive a resampler too.
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '11', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '45', '-c:a', 'aac', '-b:a', '192k', source]);
    media = (await probeMedia(processes, 'ffprobe', source)) as ProbedMedia;
  }, 60_000);
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('join into one clean stream: no click where transcoded segments meet, no timestamp jump, the whole length', async () => {
    const variant = planVariants(media).find((v) => v.name === '240p')!;
    expect(variant).toMatchObject({ kind: 'transcode', width: 426, height: 240 });
    const starts = gridSegments(media.duration);
    expect(starts).toEqual([0, 2, 6, 10]);
    const out = path.join(tempDir(), 'joined.ts');
    await joined(source, media, variant, starts, out);
    expect(await decodeErrors(out)).toBe('');
    const samples = await pcm(out);
    expect(samples.length / 48_000).toBeCloseTo(11, 1);
    const { atBoundaries, inside } = clickRatio(samples, 48_000, starts.slice(1));
    // AAC's own noise moves the second difference a little inside; a click would be many times that.
    expect(atBoundaries).toBeLessThan(inside * 1.5);
    // Every picture 1/30 s after the one before, across every boundary.
    const probed = await ffprobeJson<{ frames: { pts_time: string }[] }>(['-select_streams', 'v:0', '-show_entries', 'frame=pts_time', out]);
    const times = probed.frames.map((f) => Number(f.pts_time));
    expect(times).toHaveLength(330);
    const steps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.max(...steps)).toBeLessThan(1 / 30 + 0.002);
    expect(Math.min(...steps)).toBeGreaterThan(1 / 30 - 0.002);
  }, 120_000);

  it('copies the original between keyframes: every frame once, audio frames neither lost nor doubled', async () => {
    const variant = planVariants(media).find((v) => v.kind === 'remux')!;
    expect(variant).toMatchObject({ name: 'source', width: 640, height: 360, codecs: expect.stringMatching(/^avc1\.[0-9a-f]{6},mp4a\.40\.2$/) });
    const keyframes = [0, 1.5, 3, 4.5, 6, 7.5, 9, 10.5];
    const starts = keyframeSegments(keyframes, media.duration);
    expect(starts).toEqual([0, 3, 7.5]);
    const out = path.join(tempDir(), 'copied.ts');
    await joined(source, media, variant, starts, out);
    expect(await decodeErrors(out)).toBe('');
    const packets = async (file: string) =>
      (await ffprobeJson<{ streams: { codec_type: string; nb_read_packets: string }[] }>(['-count_packets', '-show_entries', 'stream=codec_type,nb_read_packets', file])).streams.map((st) => `${st.codec_type} ${st.nb_read_packets}`);
    expect(await packets(out)).toEqual(await packets(source));
  }, 120_000);

  it('remuxes HEVC 10-bit to fMP4 with its AC-3 encoded to AAC: every picture once, evenly spaced, no click, no decode error', async () => {
    const hevc = path.join(tempDir(), 'hevc10-ac3.mkv');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '8', '-c:v', 'libx265', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p10le', '-x265-params', 'log-level=error:keyint=50', '-c:a', 'ac3', hevc]);
    const hevcMedia = (await probeMedia(processes, 'ffprobe', hevc)) as ProbedMedia;
    const variant = planVariants(hevcMedia)[0]!;
    expect(variant).toMatchObject({ name: 'source', kind: 'remux', container: 'fmp4', audioCopy: false });
    const keyframes = (await ffprobeJson<{ packets: { pts_time: string; flags: string }[] }>(['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', hevc])).packets.filter((p) => p.flags.startsWith('K')).map((p) => Number(p.pts_time) - hevcMedia.startTime);
    const starts = keyframeSegments(keyframes, hevcMedia.duration);
    expect(starts.map((t) => Math.round(t))).toEqual([0, 2, 6]);
    const out = path.join(tempDir(), 'joined.mp4');
    await joined(hevc, hevcMedia, variant, starts, out);
    expect(await decodeErrors(out)).toBe('');
    const probed = await ffprobeJson<{ frames: { pts_time: string }[] }>(['-select_streams', 'v:0', '-show_entries', 'frame=pts_time', out]);
    const times = probed.frames.map((f) => Number(f.pts_time));
    expect(times).toHaveLength(200);
    const steps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.max(...steps)).toBeLessThan(1 / 25 + 0.002);
    expect(Math.min(...steps)).toBeGreaterThan(1 / 25 - 0.002);
    const samples = await pcm(out);
    expect(samples.length / 48_000).toBeCloseTo(8, 1);
    const { atBoundaries, inside } = clickRatio(samples, 48_000, starts.slice(1));
    expect(atBoundaries).toBeLessThan(inside * 1.5);
  }, 120_000);
});
