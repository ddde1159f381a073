import fs from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index.js';
import { migrations } from '../db/migrations.js';
import { parseSegmentTables, SampleStore, type SegmentTables, type TrackRun } from '../formats/fmp4/segment-tables.js';
import { encodeSource, inMilliseconds, openArchive, record, type Archive, type EncodedSource } from '../export/testing/archive-fixture.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import { ArchiveStore } from './archive-store.js';
import { DvrIndex } from './dvr-index.js';
import { decodeSampleTables, encodeSampleTables, SampleTablesBlobError } from './sample-tables.js';

const t0 = Date.UTC(2026, 5, 1, 12);
let dir: string;
let cleanup: () => Promise<void>;
let archive: Archive;
let source: EncodedSource;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('framehouse-archive-store-'));
  source = await encodeSource(path.join(dir, 'source.ts'), [
    '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25', '-f', 'lavfi', '-i', 'sine=sample_rate=44100', '-t', '7',
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-bf', '2', '-pix_fmt', 'yuv420p', '-c:a', 'aac',
  ]);
  archive = await openArchive(path.join(dir, 'studio'));
  await record(archive, 'live/ts', source, t0);
  // RTMP's 1 ms clock: durations of 40 and 23 ms that vary (23.2 ms of AAC).
  await record(archive, 'live/rtmp', inMilliseconds(source), t0);
}, 60_000);

afterAll(async () => {
  archive?.close();
  await cleanup?.();
});

/** Every row of `tables` in `store`, per track, as plain values to compare. */
function rowsOf(tables: SegmentTables, store: SampleStore) {
  return tables.runs.map((run) => ({
    trackId: run.trackId,
    baseDecodeTime: run.baseDecodeTime,
    duration: run.duration,
    hasCompositionOffsets: run.hasCompositionOffsets,
    samples: Array.from({ length: run.count }, (_, k) => {
      const i = run.start + k;
      return [store.durations[i], store.sizes[i], store.offsets[i], store.compositionOffsets[i], store.sync[i]];
    }),
  }));
}

describe('archive store', () => {
  it('keeps, for every segment the recorder writes, the sample tables its moof holds', async () => {
    for (const stream of ['live/ts', 'live/rtmp']) {
      const rows = archive.store.segmentsWithTables(stream, t0, t0 + 60_000);
      expect(rows.length).toBeGreaterThanOrEqual(3);
      for (const segment of rows) {
        const bytes = (await archive.store.readSegment(segment))!;
        const { sampleDefaults } = await archive.store.readInit(segment.initId);
        const fromFile = new SampleStore(16);
        const parsed = parseSegmentTables(bytes, bytes.length, sampleDefaults, fromFile);
        if (!('runs' in parsed)) throw new Error('a whole segment parses');
        const kept = new SampleStore(16);
        expect(rowsOf(decodeSampleTables(segment.sampleTables!, kept), kept), `${stream} ${segment.file}`).toEqual(rowsOf(parsed, fromFile));
      }
    }
  });

  it('packs tables losslessly, leaving out only the columns that say nothing, and refuses a damaged BLOB without touching the store', () => {
    const store = new SampleStore(4);
    const fill = (rows: [number, number, number, number, number][]): TrackRun => {
      const start = store.count;
      store.reserve(rows.length);
      for (const [d, size, offset, cto, sync] of rows) {
        store.durations[store.count] = d;
        store.sizes[store.count] = size;
        store.offsets[store.count] = offset;
        store.compositionOffsets[store.count] = cto;
        store.sync[store.count] = sync;
        store.count++;
      }
      return { trackId: 0, baseDecodeTime: 0, start, count: rows.length, duration: rows.reduce((n, r) => n + r[0], 0), hasCompositionOffsets: rows.some((r) => r[3] !== 0) };
    };
    const video = { ...fill([[3000, 900, 100, 3000, 1], [3003, 20, 1000, -3000, 0], [2997, 35, 1030, 0, 0]]), trackId: 0, baseDecodeTime: 2 ** 40 };
    const audio = { ...fill([[1024, 300, 5000, 0, 1], [1024, 310, 5300, 0, 1]]), trackId: 1, baseDecodeTime: 48_000 };
    const empty = { ...fill([]), trackId: 2 };
    const blob = encodeSampleTables(store, [video, audio, empty]);
    // 2 + 3 track headers of 25; video: 3 durations, sizes, offsets (a hole before the third), composition offsets, sync; audio: one duration, sizes; empty: one duration.
    expect(blob.length).toBe(2 + 3 * 25 + 3 * (4 + 4 + 8 + 4 + 1) + (4 + 2 * 4) + 4);
    const out = new SampleStore(4);
    const decoded = decodeSampleTables(blob, out);
    expect(rowsOf(decoded, out)).toEqual(rowsOf({ runs: [video, audio, empty] }, store));

    for (const damaged of [blob.subarray(0, blob.length - 1), blob.subarray(0, 1), Uint8Array.of(9, 0), Uint8Array.from([...blob, 0])]) {
      const before = out.count;
      expect(() => decodeSampleTables(damaged, out)).toThrow(SampleTablesBlobError);
      expect(out.count).toBe(before);
    }
  });

  it('reads tables from the file for a segment without them or with a damaged row, fills the rows, and gives an Error for a file that is gone', async () => {
    const rows = archive.store.segmentsWithTables('live/ts', t0, t0 + 60_000);
    const [first, second, third] = rows;
    archive.db.prepare('DELETE FROM dvr_sample_tables WHERE stream = ? AND start_ms IN (?, ?)').run('live/ts', first!.startMs, third!.startMs);
    archive.db.prepare('UPDATE dvr_sample_tables SET tables = ? WHERE stream = ? AND start_ms = ?').run(Buffer.from([1, 1, 0]), 'live/ts', second!.startMs);
    const gone = path.join(dir, 'gone.m4s');
    await fs.rename(archive.store.segmentPath(third!), gone);
    try {
      const store = new SampleStore();
      const found = await archive.store.sampleTables(archive.store.segmentsWithTables('live/ts', t0, t0 + 60_000), store);
      expect(found.slice(0, 2).every((t) => !(t instanceof Error))).toBe(true);
      expect((found[2] as NodeJS.ErrnoException).code).toBe('ENOENT');
      const after = archive.store.segmentsWithTables('live/ts', t0, t0 + 60_000);
      expect(after.map((r) => r.sampleTables && Buffer.from(r.sampleTables).toString('hex'))).toEqual(rows.map((r, i) => (i === 2 ? null : Buffer.from(r.sampleTables!).toString('hex'))));
    } finally {
      await fs.rename(gone, archive.store.segmentPath(third!));
    }
  });

  it('serves an init only to its own stream, and reads it once', async () => {
    const [segment] = archive.store.segments('live/ts', t0, t0 + 60_000);
    expect(archive.store.initPath('live/ts', segment!.initId)).toBe(path.join(archive.root, archive.index.initFile(segment!.initId)!));
    expect(archive.store.initPath('live/rtmp', segment!.initId)).toBeNull();
    expect(archive.store.initPath('live/ts', 999)).toBeNull();
    expect(await archive.store.readInit(segment!.initId)).toBe(await archive.store.readInit(segment!.initId));
    await expect(archive.store.readInit(999)).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('finds the segment covering a time; retention deletes a segment’s file and its row takes its tables along', async () => {
    const segments = archive.store.segments('live/rtmp', t0, t0 + 60_000);
    const middle = segments[1]!;
    expect(archive.store.covering('live/rtmp', middle.startMs + 1)).toEqual(middle);
    expect(archive.store.covering('live/rtmp', t0 - 1)).toBeNull();
    const last = segments.at(-1)!;
    await archive.store.deleteSegmentFile(last);
    await archive.store.deleteSegmentFile(last);
    expect(await archive.store.readSegment(last)).toBeNull();
    archive.index.remove([last]);
    expect(archive.db.prepare('SELECT count(*) AS n FROM dvr_sample_tables WHERE stream = ? AND start_ms = ?').get('live/rtmp', last.startMs)).toEqual({ n: 0 });
  });

  it('upgrades a database from before the tables: its segments stay, without tables, until read', async () => {
    const file = path.join(dir, 'old.db');
    const old = openDatabase(file, migrations.filter((m) => m.version < 9));
    old.prepare("INSERT INTO dvr_inits (id, stream, hash, file, tracks_json, created_at) VALUES (1, 'cam', 'h', 'cam/init/h.mp4', '[]', 0)").run();
    old.prepare("INSERT INTO dvr_segments (stream, start_ms, duration_ms, bytes, file, init_id, first_keyframe, discontinuity) VALUES ('cam', 1000, 2000, 10, 'cam/x.m4s', 1, 1, 0)").run();
    old.close();
    const db = openDatabase(file);
    try {
      const store = new ArchiveStore({ root: path.join(dir, 'old-dvr'), index: new DvrIndex(db), log: pino({ level: 'silent' }) });
      expect(store.segmentsWithTables('cam', 0, 10_000)).toMatchObject([{ file: 'cam/x.m4s', sampleTables: null }]);
    } finally {
      db.close();
    }
  });
});
