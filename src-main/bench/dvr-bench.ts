import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../db/index.js';
import { DvrIndex } from '../dvr/dvr-index.js';
import { TsDemuxer } from '../formats/mpegts/index.js';
import { buildInitSegment, buildMediaSegment } from '../formats/fmp4/index.js';
import type { Frame, Track } from '../media/index.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { ffmpeg } from '../test-support/ffmpeg-tools.js';
import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { ArchiveStore } from '../dvr/archive-store.js';
import { initFile, segmentFile } from '../dvr/archive-paths.js';

const time = async <T>(fn: () => T | Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
};

async function indexBench(dir: string): Promise<void> {
  const db = openDatabase(path.join(dir, 'bench.db'));
  const index = new DvrIndex(db);
  const initId = index.initId('live/bench', 'x'.repeat(64), 'init.mp4', '[]');
  const days = 30;
  const start = Date.UTC(2026, 9, 1);
  const count = (days * 86_400_000) / 2000;
  const [, insertMs] = await time(() => {
    const add = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        // A one-minute gap every 6 hours, so ranges have something to find.
        if (i % 10_800 < 30) continue;
        index.add({ stream: 'live/bench', startMs: start + i * 2000, durationMs: 2000, bytes: 1_500_000, file: `f${i}.m4s`, initId, firstKeyframe: true, discontinuity: false });
      }
    });
    for (let i = 0; i < count; i += 100_000) add(i, Math.min(count, i + 100_000));
  });
  const rows = index.totals('live/bench').segments;
  process.stdout.write(`index: ${rows.toLocaleString('en')} segments (30 days of 2 s) inserted in ${(insertMs / 1000).toFixed(1)} s\n`);
  const end = start + days * 86_400_000;
  const samples = 50;
  const [, hourMs] = await time(() => {
    for (let k = 0; k < samples; k++) {
      const from = start + Math.floor(Math.random() * (days * 24 - 1)) * 3_600_000;
      index.segments('live/bench', from, from + 3_600_000);
    }
  });
  const [ranges, rangesMs] = await time(() => index.ranges('live/bench', start, end));
  const [, dayRangesMs] = await time(() => index.ranges('live/bench', start + 86_400_000, start + 2 * 86_400_000));
  const [, summaryMs] = await time(() => index.summary('live/bench', start, end, 60_000));
  const [, summaryHourMs] = await time(() => index.summary('live/bench', start, end, 3_600_000));
  const [, fineMs] = await time(() => index.summary('live/bench', start + 86_400_000, start + 86_400_000 + 3_600_000, 10_000));
  process.stdout.write(
    [
      `segments in a 1 h window (1 800 rows): ${(hourMs / samples).toFixed(2)} ms`,
      `ranges over 30 days (${ranges.length} ranges from ${rows.toLocaleString('en')} rows): ${rangesMs.toFixed(0)} ms; over 1 day: ${dayRangesMs.toFixed(1)} ms`,
      `summary 30 days, 60 s steps (43 200 buckets): ${summaryMs.toFixed(1)} ms; 1 h steps: ${summaryHourMs.toFixed(1)} ms`,
      `summary 1 h, 10 s steps (from segments): ${fineMs.toFixed(1)} ms`,
    ].join('\n') + '\n',
  );
  db.close();
}

async function writeBench(dir: string): Promise<void> {
  const ts = path.join(os.tmpdir(), 'framehouse-bench-6mbit.ts');
  if (!(await fs.access(ts).then(() => true, () => false))) {
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30', '-f', 'lavfi', '-i', 'sine', '-t', '20', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '6M', '-g', '60', '-c:a', 'aac', '-f', 'mpegts', ts]);
  }
  let tracks: readonly Track[] = [];
  const frames: Frame[] = [];
  const demuxer = new TsDemuxer({ onTracks: (t) => (tracks = t), onFrame: (f) => frames.push(f), onError: () => undefined });
  demuxer.push(await fs.readFile(ts), Date.now());
  demuxer.end();
  const video = tracks.find((t) => t.kind === 'video')!;
  // Cut at keyframes, as the recorder does.
  const groups: Frame[][] = [];
  for (const f of frames) {
    if (f.trackId === video.id && f.keyframe && groups.at(-1)?.length) groups.push([]);
    if (groups.length === 0) groups.push([]);
    groups.at(-1)!.push(f);
  }
  buildInitSegment(tracks);
  const payload = frames.reduce((n, f) => n + f.data.length, 0);
  const segments: Uint8Array[] = [];
  const [, muxMs] = await time(() => {
    let sequence = 1;
    for (const group of groups) {
      const baseDecodeTimes = new Map<number, number>();
      for (const f of group) if (!baseDecodeTimes.has(f.trackId)) baseDecodeTimes.set(f.trackId, f.dts);
      segments.push(buildMediaSegment({ sequenceNumber: sequence++, tracks, samples: group, baseDecodeTimes }).bytes);
    }
  });
  const written = segments.reduce((n, s) => n + s.length, 0);
  const out = path.join(dir, 'segments');
  await fs.mkdir(out);
  const [, writeMs] = await time(async () => {
    for (let i = 0; i < segments.length; i++) await writeFileAtomic(path.join(out, `${i}.m4s`), segments[i]!, 0o644, path.join(out, `${i}.m4s.partial`));
  });
  const plainOut = path.join(dir, 'plain');
  await fs.mkdir(plainOut);
  const [, plainMs] = await time(async () => {
    for (let i = 0; i < segments.length; i++) await fs.writeFile(path.join(plainOut, `${i}.bin`), segments[i]!);
  });
  const syncedOut = path.join(dir, 'synced');
  await fs.mkdir(syncedOut);
  const [, syncedMs] = await time(async () => {
    for (let i = 0; i < segments.length; i++) {
      const handle = await fs.open(path.join(syncedOut, `${i}.bin`), 'w');
      await handle.writeFile(segments[i]!);
      await handle.sync();
      await handle.close();
    }
  });
  const mb = written / 1e6;
  process.stdout.write(
    [
      `segmenter: ${segments.length} segments, ${mb.toFixed(1)} MB, overhead ${(((written - payload) / payload) * 100).toFixed(2)}% over the media payload`,
      `  building CMAF fragments: ${(mb / (muxMs / 1000)).toFixed(0)} MB/s`,
      `  durable write (temp + fsync + rename + dir fsync): ${(mb / (writeMs / 1000)).toFixed(0)} MB/s`,
      `  plain fs.writeFile of the same bytes (no fsync): ${(mb / (plainMs / 1000)).toFixed(0)} MB/s; with one fsync per file: ${(mb / (syncedMs / 1000)).toFixed(0)} MB/s`,
      `  recording cost vs plain copy: ${((muxMs + writeMs) / plainMs).toFixed(2)}x the time`,
    ].join('\n') + '\n',
  );
}

/** 100 000 segments on disk: reconciling with an empty index (a lost database), then with a healthy one. */
async function reconcileBench(dir: string): Promise<void> {
  const root = path.join(dir, 'archive');
  const db = openDatabase(path.join(dir, 'reconcile.db'));
  const index = new DvrIndex(db);
  const audio: Track = { kind: 'audio', id: 0, codec: 'aac', timescale: 48000, config: Uint8Array.of(0x11, 0x90), sampleRate: 48000, channels: 2, profile: 'LC' };
  const init = buildInitSegment([audio]);
  const hash = createHash('sha256').update(init).digest('hex');
  await fs.mkdir(path.join(root, 'live/bench/init'), { recursive: true });
  await fs.writeFile(path.join(root, initFile('live/bench', hash)), init);
  index.initId('live/bench', hash, initFile('live/bench', hash), JSON.stringify([{ id: 0, kind: 'audio', timescale: 48000 }]));
  const start = Date.UTC(2026, 9, 1);
  const count = 100_000;
  const samples: Frame[] = Array.from({ length: 4 }, (_, i) => ({ trackId: 0, dts: i * 1024, pts: i * 1024, keyframe: true, data: new Uint8Array(64), arrivedAt: 0 }));
  const bytes = buildMediaSegment({ sequenceNumber: 1, tracks: [audio], samples, baseDecodeTimes: new Map([[0, 0]]) }).bytes;
  const made = new Set<string>();
  for (let i = 0; i < count; i++) {
    const file = path.join(root, segmentFile('live/bench', start + i * 2000, hash));
    const folder = path.dirname(file);
    if (!made.has(folder)) {
      await fs.mkdir(folder, { recursive: true });
      made.add(folder);
    }
    await fs.writeFile(file, bytes);
  }
  const log = pino({ level: 'silent' });
  const archive = new ArchiveStore({ root, index });
  const lost = await archive.reconcile(log);
  const healthy = await archive.reconcile(log);
  process.stdout.write(
    `reconcile 100 000 segments: ${(lost.ms / 1000).toFixed(1)} s with an empty index (${lost.indexed} indexed), ${(healthy.ms / 1000).toFixed(2)} s with a healthy one\n`,
  );
  db.close();
}

export async function benchDvr(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'framehouse-bench-dvr-'));
  try {
    await indexBench(dir);
    await writeBench(dir);
    await reconcileBench(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
