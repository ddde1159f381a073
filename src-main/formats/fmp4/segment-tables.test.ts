import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fmp4ParseError } from './errors.js';
import { readFragmentFrames, readInitSegment } from './index.js';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { parseSegmentTables, SampleStore, type SegmentTables } from './segment-tables.js';
import { encodeSource, openArchive, record, type Archive } from '../../export/testing/archive-fixture.js';
import { seeded } from '../../export/testing/mp4-checks.js';

let dir: string;
let cleanup: () => Promise<void>;
let archive: Archive;
let files: { path: string; size: number }[];
let defaults: ReturnType<typeof readInitSegment>['sampleDefaults'];

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('framehouse-segment-tables-'));
  // 60 fps in 10 s segments: moofs of ~17 KB, more than the first read of a segment's head.
  const source = await encodeSource(path.join(dir, 'source.ts'), [
    '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=60', '-f', 'lavfi', '-i', 'sine=sample_rate=48000', '-t', '21',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60', '-bf', '0', '-c:a', 'aac',
  ]);
  archive = await openArchive(path.join(dir, 'studio'));
  const t0 = Date.UTC(2026, 2, 1, 10);
  await record(archive, 'live/big', source, t0, 10_000);
  const segments = archive.index.segments('live/big', t0, t0 + 60_000);
  files = segments.map((s) => ({ path: path.join(archive.root, s.file), size: s.bytes }));
  defaults = readInitSegment(await fs.readFile(path.join(archive.root, archive.index.initFile(segments[0]!.initId)!))).sampleDefaults;
}, 60_000);

afterAll(async () => {
  archive?.close();
  await cleanup?.();
});

describe('segment sample tables', () => {
  it('read from the moof alone match every sample the fragment reader finds, from the whole file or from a short head read again longer', async () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
    // The moof (after the styp) is bigger than a 12 KB first read: the parser asks for more.
    const head = await fs.readFile(files[0]!.path);
    expect(head.toString('latin1', head.readUInt32BE(0) + 4, head.readUInt32BE(0) + 8)).toBe('moof');
    expect(head.readUInt32BE(head.readUInt32BE(0))).toBeGreaterThan(12 << 10);
    const whole = new SampleStore(16);
    const headed = new SampleStore(16);
    for (const file of files) {
      const bytes = new Uint8Array(await fs.readFile(file.path));
      const frames = readFragmentFrames(bytes, defaults);
      const fromWhole = parseSegmentTables(bytes, bytes.length, defaults, whole);
      let fromHead = parseSegmentTables(bytes.subarray(0, 12 << 10), bytes.length, defaults, headed);
      if (!('runs' in fromHead)) fromHead = parseSegmentTables(bytes.subarray(0, fromHead.needBytes), bytes.length, defaults, headed);
      for (const [tables, store] of [[fromWhole, whole], [fromHead, headed]] as const) {
        if (!('runs' in tables)) throw new Error('the tables need more than the file');
        const rows = (tables as SegmentTables).runs.flatMap((run) =>
          Array.from({ length: run.count }, (_, k) => ({ trackId: run.trackId, size: store.sizes[run.start + k]!, sync: store.sync[run.start + k] === 1, offset: store.offsets[run.start + k]! })),
        );
        expect(rows.length).toBe(frames.length);
        rows.forEach((row, k) => {
          const frame = frames[k]!;
          expect([row.trackId, row.size, row.sync]).toEqual([frame.trackId, frame.data.length, frame.keyframe]);
          expect(bytes.subarray(row.offset, row.offset + row.size)).toEqual(frame.data);
        });
        for (const run of (tables as SegmentTables).runs) {
          const own = frames.filter((f) => f.trackId === run.trackId);
          expect(run.baseDecodeTime).toBe(own[0]!.dts);
          expect(run.baseDecodeTime + run.duration).toBeGreaterThan(own.at(-1)!.dts);
        }
      }
    }
  });

  it('truncated, corrupted or foreign heads give Fmp4ParseError and leave nothing in the store', async () => {
    const bytes = new Uint8Array(await fs.readFile(files[0]!.path));
    const random = seeded(5);
    for (let k = 0; k < 400; k++) {
      const copy = bytes.slice(0, 1 + Math.floor(random() * 20_000));
      for (let n = Math.floor(random() * 6); n > 0; n--) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
      const store = new SampleStore(16);
      try {
        const result = parseSegmentTables(copy, k % 2 ? copy.length : bytes.length, defaults, store);
        if (!('runs' in result)) expect(result.needBytes).toBeGreaterThan(0);
      } catch (error) {
        expect(error).toBeInstanceOf(Fmp4ParseError);
        expect(store.count).toBe(0);
      }
    }
  });
});
