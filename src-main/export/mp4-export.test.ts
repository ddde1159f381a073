import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Problem } from '../contract/problem.js';
import type { Frame } from '../media/index.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import { ProcessRegistry } from '../transcode/process-registry.js';
import { planMp4Export, type Mp4ExportDeps, type Mp4ExportPlan } from './mp4-export.js';
import { encodeSource, inMilliseconds, openArchive, record, type Archive, type EncodedSource } from './testing/archive-fixture.js';
import { frameHashes, grayFrames, meanDifference, packets, probe, seeded, topLevelBoxes } from './testing/mp4-checks.js';
import { decodeErrors } from '../test-support/ffmpeg-tools.js';

// testsrc draws a frame counter, so every picture differs from its neighbours; 25 fps, 1 s GOPs,
// two B-frames (composition offsets), AAC at 48 kHz. Recorded in 2 s segments from t0.
const t0 = Date.UTC(2026, 2, 1, 10);
const frameMs = 40;
const seconds = 16;
const size = { width: 320, height: 240 };
const sourceArgs = (s: number, picture = `${size.width}x${size.height}`) => [
  '-f', 'lavfi', '-i', `testsrc=size=${picture}:rate=25`, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(s),
  '-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-bf', '2', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k',
];

let dir: string;
let cleanup: () => Promise<void>;
let archive: Archive;
let deps: Mp4ExportDeps;
let processes: ProcessRegistry;
let source: EncodedSource;
let sourceHashes: string[];
let sourceGray: Uint8Array[];

/** The frames of the first `s` seconds of a source (each track by its own clock). */
function firstSeconds(src: EncodedSource, s: number): Frame[] {
  const first = new Map<number, number>();
  const scale = new Map(src.tracks.map((t) => [t.id, t.timescale]));
  return src.frames.filter((f) => {
    if (!first.has(f.trackId)) first.set(f.trackId, f.dts);
    return (f.dts - first.get(f.trackId)!) / scale.get(f.trackId)! < s;
  });
}

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('framehouse-mp4-export-'));
  source = await encodeSource(path.join(dir, 'source.ts'), sourceArgs(seconds));
  const small = await encodeSource(path.join(dir, 'small.ts'), sourceArgs(4, '160x120'));
  archive = await openArchive(path.join(dir, 'studio'));
  processes = new ProcessRegistry(pino({ level: 'silent' }));
  deps = { archive: archive.store, ffmpegPath: () => 'ffmpeg', processes };
  // The same pictures on the 90 kHz clock of MPEG-TS ingest and on RTMP's 1 ms clock.
  await record(archive, 'live/ts', source, t0);
  await record(archive, 'live/rtmp', inMilliseconds(source), t0);
  // 6 s, a 4 s gap, 6 s more (the publisher came back), then a new picture size.
  const six = { tracks: source.tracks, frames: firstSeconds(source, 6) };
  await record(archive, 'live/gap', six, t0);
  await record(archive, 'live/gap', six, t0 + 10_000);
  await record(archive, 'live/gap', small, t0 + 20_000);
  sourceHashes = await frameHashes(source.file);
  sourceGray = await grayFrames(source.file, size.width, size.height);
  expect(sourceHashes.length).toBe(seconds * 25);
}, 60_000);

afterAll(async () => {
  await processes?.killAll();
  archive?.close();
  await cleanup?.();
});

async function writeFile(plan: Mp4ExportPlan, name: string): Promise<string> {
  const file = path.join(dir, name);
  const out = fs.createWriteStream(file);
  await plan.write(out);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  expect(fs.statSync(file).size).toBe(plan.size);
  return file;
}

async function planError(o: Parameters<typeof planMp4Export>[1]): Promise<Problem> {
  const error = await planMp4Export(deps, o).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Problem);
  return error as Problem;
}

/** Checks an export of [fromMs, fromMs + durationMs) of a recording of `source` started at t0. */
async function checkExport(stream: string, fromMs: number, durationMs: number, precise: boolean): Promise<void> {
  const label = `${stream} from +${fromMs - t0} ms for ${durationMs} ms${precise ? ', precise' : ''}`;
  const plan = await planMp4Export(deps, { stream, fromMs, durationMs, precise });
  const file = await writeFile(plan, `${stream.replace('/', '_')}-${fromMs}-${durationMs}-${precise}.mp4`);
  const shown = Math.floor((fromMs - t0) / frameMs);
  const startMs = t0 + shown * frameMs;
  expect(plan.startMs, label).toBe(startMs);
  expect(plan.gaps, label).toBe(0);

  const probed = await probe(file);
  expect(probed.format.format_name, label).toContain('mp4');
  expect(await topLevelBoxes(file), label).toEqual(['ftyp', 'moov', 'mdat']);
  // The file starts on the picture shown at FROM: at most one frame earlier than FROM.
  expect(Math.abs(Number(probed.format.duration) * 1000 - durationMs), label).toBeLessThanOrEqual(frameMs + 1);
  expect(Math.abs(plan.recordedMs - (fromMs + durationMs - startMs)), label).toBeLessThanOrEqual(1);
  expect(probed.streams.map((s) => s.codec_type), label).toEqual(['video', 'audio']);
  expect(await decodeErrors(file), label).toBe('');

  const hashes = await frameHashes(file);
  expect(Math.abs(hashes.length - Math.ceil((fromMs + durationMs - startMs) / frameMs)), label).toBeLessThanOrEqual(1);
  if (!precise) {
    // Lossless: every picture is the archive's own, from the one shown at FROM on.
    expect(hashes, label).toEqual(sourceHashes.slice(shown, shown + hashes.length));
    return;
  }
  // Precise: up to the next keyframe the pictures are re-encoded (close to, not equal to, the
  // originals); from it on they are the archive's own. Players that ignore edit lists start on FROM's picture too.
  const nextKey = Math.ceil(shown / 25) * 25;
  expect(hashes.slice(nextKey - shown), label).toEqual(sourceHashes.slice(nextKey, shown + hashes.length));
  for (const options of [[], ['-ignore_editlist', '1']]) {
    const [first] = await grayFrames(file, size.width, size.height, options, 1);
    const differences = [-1, 0, 1].map((d) => (sourceGray[shown + d] ? meanDifference(first!, sourceGray[shown + d]!) : Infinity));
    expect(differences[1], `${label} ${options.join(' ')}`).toBeLessThan(1.5);
    expect(differences[1], `${label} ${options.join(' ')}`).toBeLessThan(Math.min(differences[0]!, differences[2]!));
  }
}

describe('MP4 export of an archive range', () => {
  it('is a progressive MP4 of the archive’s own pictures from the one shown at FROM, at random ranges (90 kHz and 1 ms clocks)', async () => {
    const random = seeded(20260301);
    for (const stream of ['live/ts', 'live/rtmp']) {
      for (let k = 0; k < 4; k++) {
        const durationMs = 1000 + Math.floor(random() * 7000);
        const fromMs = t0 + Math.floor(random() * (seconds * 1000 - durationMs - 100));
        await checkExport(stream, fromMs, durationMs, false);
      }
      // On a keyframe, at the very start, and up to the very end.
      await checkExport(stream, t0 + 4000, 2000, false);
      await checkExport(stream, t0, 3000, false);
      await checkExport(stream, t0 + 13_020, 2960, false);
    }
  }, 120_000);

  it('precise=true re-encodes only FROM’s GOP up to the next keyframe and starts on FROM’s picture even without the edit list', async () => {
    const random = seeded(7);
    for (const stream of ['live/ts', 'live/rtmp']) {
      for (let k = 0; k < 3; k++) {
        const durationMs = 1500 + Math.floor(random() * 5000);
        const fromMs = t0 + Math.floor(random() * (seconds * 1000 - durationMs - 100));
        await checkExport(stream, fromMs, durationMs, true);
      }
    }
    // A range that ends inside the re-encoded GOP.
    await checkExport('live/ts', t0 + 5_480, 300, true);
  }, 120_000);

  it('audio is trimmed to the same start and end, and keeps its place across segments', async () => {
    const plan = await planMp4Export(deps, { stream: 'live/rtmp', fromMs: t0 + 2_510, durationMs: 9_000, precise: false });
    const file = await writeFile(plan, 'audio.mp4');
    const probed = await probe(file);
    const audio = probed.streams.find((s) => s.codec_type === 'audio')!;
    expect(Math.abs(Number(audio.duration) - 9.01)).toBeLessThan(0.03);
    // 1 ms ticks and 21.33 ms AAC frames: each frame still follows the previous one, with no drift over 9 s.
    const audioPackets = (await packets(file)).filter((p) => p.stream_index === 1);
    for (let k = 1; k < audioPackets.length; k++) {
      const step = audioPackets[k]!.dts - audioPackets[k - 1]!.dts;
      expect(step).toBeGreaterThanOrEqual(21);
      expect(step).toBeLessThanOrEqual(22);
    }
    const span = (audioPackets.at(-1)!.dts - audioPackets[0]!.dts) / 1000;
    expect(Math.abs(span - (audioPackets.length - 1) * (1024 / 48000))).toBeLessThan(0.003);
  });

  it('closes gaps with a clean join, counts them, and ends where the picture size changes', async () => {
    const plan = await planMp4Export(deps, { stream: 'live/gap', fromMs: t0 + 1_000, durationMs: 24_000, precise: false });
    expect(plan.gaps).toBe(1);
    expect(plan.endsEarly?.atMs).toBe(t0 + 20_000);
    expect(plan.endsEarly?.reason).toMatch(/codec configuration/);
    // 5 s of the first recording and 6 s of the second.
    expect(plan.recordedMs).toBe(11_000);
    const file = await writeFile(plan, 'gap.mp4');
    const probed = await probe(file);
    expect(Math.abs(Number(probed.format.duration) - 11)).toBeLessThan(0.05);
    expect(probed.streams.find((s) => s.codec_type === 'video')!.width).toBe(320);
    expect(await decodeErrors(file)).toBe('');
    const all = await packets(file);
    for (const index of [0, 1]) {
      const dts = all.filter((p) => p.stream_index === index).map((p) => p.dts);
      for (let k = 1; k < dts.length; k++) expect(dts[k]).toBeGreaterThan(dts[k - 1]!);
    }
    const hashes = await frameHashes(file);
    expect(hashes).toEqual([...sourceHashes.slice(25, 150), ...sourceHashes.slice(0, 150)]);
    // After the change: the new picture size, as its own file.
    const after = await planMp4Export(deps, { stream: 'live/gap', fromMs: t0 + 20_000, durationMs: 4_000, precise: false });
    expect(after.endsEarly).toBeNull();
    const small = await probe(await writeFile(after, 'after.mp4'));
    expect(small.streams.find((s) => s.codec_type === 'video')!.width).toBe(160);
  }, 60_000);

  it('serves any byte range of the file, to any writable, and stops when cancelled', async () => {
    const plan = await planMp4Export(deps, { stream: 'live/ts', fromMs: t0 + 1_234, durationMs: 8_000, precise: true });
    const whole = fs.readFileSync(await writeFile(plan, 'ranges.mp4'));
    const collect = async (range?: { start: number; end: number }) => {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (c: Buffer) => chunks.push(c));
      await plan.write(out, range);
      out.end();
      return Buffer.concat(chunks);
    };
    expect((await collect()).equals(whole)).toBe(true);
    const random = seeded(99);
    for (let k = 0; k < 20; k++) {
      const start = Math.floor(random() * plan.size);
      const end = Math.min(plan.size - 1, start + Math.floor(random() * 300_000));
      expect((await collect({ start, end })).equals(whole.subarray(start, end + 1))).toBe(true);
    }
    expect((await collect({ start: plan.size - 1, end: plan.size - 1 })).equals(whole.subarray(-1))).toBe(true);

    const stop = new AbortController();
    const slow = new PassThrough({ highWaterMark: 1024 });
    const writing = plan.write(slow, undefined, stop.signal);
    setTimeout(() => stop.abort(), 20);
    await expect(writing).rejects.toThrow(/cancel|abort/i);
    const closing = new PassThrough({ highWaterMark: 1024 });
    const closed = plan.write(closing);
    setTimeout(() => closing.destroy(), 20);
    await expect(closed).rejects.toThrow(/closed/);
  });

  it('refuses ranges outside the archive, empty or too long ones, gaps only, and precise cuts it cannot make', async () => {
    expect((await planError({ stream: 'live/ts', fromMs: t0 - 3_600_000, durationMs: 60_000, precise: false })).kind).toBe('invalid');
    expect((await planError({ stream: 'live/ts', fromMs: t0 + 60_000, durationMs: 60_000, precise: false })).detail).toMatch(/outside the archive/);
    expect((await planError({ stream: 'live/ts', fromMs: t0, durationMs: 0, precise: false })).kind).toBe('invalid');
    expect((await planError({ stream: 'live/ts', fromMs: t0, durationMs: -5000, precise: false })).kind).toBe('invalid');
    const long = await planError({ stream: 'live/ts', fromMs: t0, durationMs: 7_200_000, precise: false, maxDurationMs: 3_600_000 });
    expect([long.kind, long.detail]).toEqual(['invalid', expect.stringMatching(/limit of 3600 s/)]);
    const gapOnly = await planError({ stream: 'live/gap', fromMs: t0 + 7_000, durationMs: 2_000, precise: false });
    expect([gapOnly.kind, gapOnly.title]).toEqual(['not-found', 'Nothing recorded']);
    expect((await planError({ stream: 'live/none', fromMs: t0, durationMs: 2_000, precise: false })).kind).toBe('not-found');
    const noFfmpeg = await planMp4Export({ ...deps, ffmpegPath: () => null }, { stream: 'live/ts', fromMs: t0 + 500, durationMs: 2_000, precise: true }).catch((e: unknown) => e as Problem);
    expect((noFfmpeg as Problem).kind).toBe('unavailable');
  });

  it('copies HEVC losslessly; a precise HEVC cut is refused with the reason', async () => {
    const hevc = await encodeSource(path.join(dir, 'hevc.ts'), [
      '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '4', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'keyint=25:min-keyint=25:log-level=error', '-pix_fmt', 'yuv420p',
    ]);
    await record(archive, 'live/hevc', hevc, t0);
    const plan = await planMp4Export(deps, { stream: 'live/hevc', fromMs: t0 + 1_480, durationMs: 2_000, precise: false });
    const file = await writeFile(plan, 'hevc.mp4');
    expect((await probe(file)).streams[0]!.codec_name).toBe('hevc');
    expect(await decodeErrors(file)).toBe('');
    expect(await frameHashes(file)).toEqual((await frameHashes(hevc.file)).slice(37, 87));
    const refused = await planError({ stream: 'live/hevc', fromMs: t0 + 1_480, durationMs: 2_000, precise: true });
    expect([refused.kind, refused.detail]).toEqual(['invalid', 'precise cut supports H.264 only']);
  }, 60_000);
});
