// Planning an export reads the archive's sample tables from SQLite, not the segment files;
// segments recorded before those tables were kept are read once and filled in.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../test-support/temp-dir.js';
import { ProcessRegistry } from '../transcode/process-registry.js';
import { planMp4Export, type Mp4ExportDeps, type Mp4ExportPlan } from './mp4-export.js';
import { encodeSource, openArchive, record, type Archive } from './testing/archive-fixture.js';

const t0 = Date.UTC(2026, 4, 1, 8);
let dir: string;
let cleanup: () => Promise<void>;
let archive: Archive;
let deps: Mp4ExportDeps;
let processes: ProcessRegistry;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('framehouse-mp4-plan-'));
  // B-frames (composition offsets) and AAC, 2 s segments.
  const source = await encodeSource(path.join(dir, 'source.ts'), [
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=sample_rate=48000', '-t', '9',
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-bf', '2', '-pix_fmt', 'yuv420p', '-c:a', 'aac',
  ]);
  archive = await openArchive(path.join(dir, 'studio'));
  processes = new ProcessRegistry(pino({ level: 'silent' }));
  deps = { archive: archive.store, ffmpegPath: () => 'ffmpeg', processes };
  await record(archive, 'live/new', source, t0);
  await record(archive, 'live/old', source, t0);
}, 60_000);

afterAll(async () => {
  await processes?.killAll();
  archive?.close();
  await cleanup?.();
});

const range = (stream: string) => ({ stream, fromMs: t0 + 1300, durationMs: 6000, precise: false });

async function bodyHash(plan: Mp4ExportPlan): Promise<string> {
  const out = new PassThrough();
  const hash = createHash('sha256');
  out.on('data', (chunk: Buffer) => hash.update(chunk));
  await plan.write(out);
  return hash.digest('hex');
}

/** Runs `work` with the stream's segment files moved out of the archive (its inits stay). */
async function withoutSegmentFiles<T>(stream: string, work: () => Promise<T>): Promise<T> {
  const year = path.join(archive.root, stream, String(new Date(t0).getUTCFullYear()));
  const away = path.join(dir, `away-${stream.replace('/', '_')}`);
  await fs.rename(year, away);
  try {
    return await work();
  } finally {
    await fs.rename(away, year);
  }
}

const tableRows = (stream: string) => (archive.db.prepare('SELECT count(*) AS n FROM dvr_sample_tables WHERE stream = ?').get(stream) as { n: number }).n;
const tableBlobs = (stream: string) => archive.db.prepare('SELECT start_ms, tables FROM dvr_sample_tables WHERE stream = ? ORDER BY start_ms').all(stream) as { start_ms: number; tables: Uint8Array }[];

describe('MP4 export planning', () => {
  it('opens no segment file: the plan comes from the index alone, and writes the same bytes', async () => {
    const segments = archive.index.segments('live/new', t0, t0 + 60_000);
    expect(segments.length).toBeGreaterThanOrEqual(4);
    expect(tableRows('live/new')).toBe(segments.length);
    const withFiles = await planMp4Export(deps, range('live/new'));
    const withoutFiles = await withoutSegmentFiles('live/new', async () => {
      await expect(fs.access(archive.store.segmentPath(segments[0]!))).rejects.toThrow(/ENOENT/);
      return planMp4Export(deps, range('live/new'));
    });
    expect([withoutFiles.size, withoutFiles.etag, withoutFiles.recordedMs, withoutFiles.startMs]).toEqual([withFiles.size, withFiles.etag, withFiles.recordedMs, withFiles.startMs]);
    // The payload is still read from the files when the body is written.
    expect(await bodyHash(withoutFiles)).toBe(await bodyHash(withFiles));
  });

  it('reads the segments of a recording made before the tables were kept once, fills in their rows, and plans the same file', async () => {
    const before = await planMp4Export(deps, range('live/old'));
    const recorded = tableBlobs('live/old');
    // As after the migration: segment rows without sample tables.
    archive.db.prepare('DELETE FROM dvr_sample_tables WHERE stream = ?').run('live/old');
    expect(tableRows('live/old')).toBe(0);

    const backfilled = await planMp4Export(deps, range('live/old'));
    expect([backfilled.size, backfilled.etag]).toEqual([before.size, before.etag]);
    // The range's segments (those starting before its end) have their rows back: what their moofs say is what the recorder kept, byte for byte.
    expect(tableBlobs('live/old')).toEqual(recorded.filter((r) => r.start_ms < t0 + 1300 + 6000));
    // From now on, the files are not needed to plan.
    const again = await withoutSegmentFiles('live/old', () => planMp4Export(deps, range('live/old')));
    expect(again.etag).toBe(before.etag);
    expect(await bodyHash(backfilled)).toBe(await bodyHash(before));
  });
});
