import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index.js';
import { buildInitSegment, buildMediaSegment } from '../formats/fmp4/index.js';
import type { Frame, Track } from '../media/index.js';
import { createStudio } from '../studio.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { initFile, segmentFile } from './archive-paths.js';
import { ArchiveStore } from './archive-store.js';
import { DvrIndex } from './dvr-index.js';

const tempDir = useTempDir();

const audio: Track = { kind: 'audio', id: 0, codec: 'aac', timescale: 48000, config: Uint8Array.of(0x11, 0x90), sampleRate: 48000, channels: 2, profile: 'LC' };
const init = buildInitSegment([audio]);
const hash = createHash('sha256').update(init).digest('hex');
const samples: Frame[] = Array.from({ length: 4 }, (_, i) => ({ trackId: 0, dts: i * 1024, pts: i * 1024, keyframe: true, data: new Uint8Array(64), arrivedAt: 0 }));
const fragment = buildMediaSegment({ sequenceNumber: 1, tracks: [audio], samples, baseDecodeTimes: new Map([[0, 0]]) }).bytes;
const t0 = Date.UTC(2026, 0, 1);

/** A log that keeps its JSON lines, to check that each skipped entry is named with its reason. */
function capturingLog() {
  const lines: { msg: string; file?: string; reason?: string }[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) });
  return { log, lines };
}

async function put(root: string, relative: string, bytes: Uint8Array | string): Promise<void> {
  await fs.mkdir(path.dirname(path.join(root, relative)), { recursive: true });
  await fs.writeFile(path.join(root, relative), bytes);
}

/** Registers the stream's init (as the recorder does) and writes it. */
async function withInit(root: string, index: DvrIndex, stream: string): Promise<void> {
  await put(root, initFile(stream, hash), init);
  index.initId(stream, hash, initFile(stream, hash), JSON.stringify([{ id: 0, kind: 'audio', timescale: 48000 }]));
}

const exists = (file: string) =>
  fs.lstat(file).then(
    () => true,
    () => false,
  );

describe('archive reconciliation over hostile leftovers', () => {
  it('skips folders named like partial files, broken links, FIFOs and garbage, logging each; indexes the good segments', async () => {
    const root = path.join(tempDir(), 'dvr');
    const db = openDatabase(path.join(tempDir(), 'framehouse.db'));
    const index = new DvrIndex(db);
    await withInit(root, index, 'live/cam');
    // A stream named like a temporary file (published before names were checked): its folder holds real recordings.
    await withInit(root, index, 'live/x.partial');
    const good = segmentFile('live/cam', t0, hash);
    await put(root, good, fragment);
    const inPartialStream = segmentFile('live/x.partial', t0, hash);
    await put(root, inPartialStream, fragment);
    // A folder where a half-written segment would be, with something in it; and an empty one.
    const partialFolder = `${segmentFile('live/cam', t0 + 2000, hash)}.partial`;
    await put(root, `${partialFolder}/inside.bin`, 'x');
    await fs.mkdir(path.join(root, 'live/cam/junk.partial'), { recursive: true });
    // A broken link and a named pipe under segment names (a pipe would block a read for ever).
    const broken = segmentFile('live/cam', t0 + 4000, hash);
    await fs.symlink(path.join(root, 'nowhere.m4s'), path.join(root, broken));
    const fifo = segmentFile('live/cam', t0 + 6000, hash);
    execFileSync('mkfifo', [path.join(root, fifo)]);
    const linkToFifo = segmentFile('live/cam', t0 + 8000, hash);
    await fs.symlink(path.join(root, fifo), path.join(root, linkToFifo));
    // Garbage under a segment's name, and a garbage half-written segment.
    const garbage = segmentFile('live/cam', t0 + 10_000, hash);
    await put(root, garbage, 'not a fragment at all');
    const garbagePartial = `${segmentFile('live/cam', t0 + 12_000, hash)}.partial`;
    await put(root, garbagePartial, 'torn');
    // An indexed segment whose file became a folder: the row no longer points at media.
    const folderRow = segmentFile('live/cam', t0 + 14_000, hash);
    await fs.mkdir(path.join(root, folderRow, 'x'), { recursive: true });
    index.add({ stream: 'live/cam', startMs: t0 + 14_000, durationMs: 2000, bytes: 10, file: folderRow, initId: 1, firstKeyframe: true, discontinuity: false });

    const { log, lines } = capturingLog();
    const report = await new ArchiveStore({ root, index }).reconcile(log);

    expect(report).toMatchObject({ indexed: 2, deletedPartials: 1, removedRows: 1 });
    expect(index.segments('live/cam', 0, t0 + 60_000).map((s) => s.file)).toEqual([good]);
    expect(index.segments('live/x.partial', 0, t0 + 60_000).map((s) => s.file)).toEqual([inPartialStream]);
    // Nothing but our own torn file was removed.
    for (const kept of [partialFolder, 'live/cam/junk.partial', broken, fifo, linkToFifo, garbage, folderRow]) expect(await exists(path.join(root, kept))).toBe(true);
    expect(await exists(path.join(root, garbagePartial))).toBe(false);
    const skipped = lines.filter((l) => l.msg.startsWith('dvr: left ')).map((l) => [path.relative(root, l.file!), l.reason]);
    expect(skipped).toEqual(
      expect.arrayContaining([
        [broken, expect.stringContaining('a broken link (ENOENT')],
        [linkToFifo, 'a link to something that is not a file'],
      ]),
    );
    db.close();
  });

  it('does not keep createStudio().start() from starting over folders named x.partial and seg.m4s.partial', async () => {
    const dataDir = tempDir();
    const root = path.join(dataDir, 'dvr');
    // What publishing to live/x.partial left behind before names were checked, and a stray folder named like a torn segment.
    await fs.mkdir(path.join(root, 'live/x.partial/2026/01/01/00'), { recursive: true });
    await put(root, `live/cam/2026/01/01/00/${t0}-${hash.slice(0, 24)}.m4s.partial/leftover`, 'x');
    await fs.mkdir(path.join(root, 'seg.m4s.partial'), { recursive: true });
    const studio = await createStudio({ dataDir, adminToken: null, cli: { httpPort: 0, rtmpPort: 0, srtPort: 0 }, env: {}, logToConsole: false });
    try {
      const urls = await studio.start();
      const health = await fetch(new URL('/api/health', urls.http));
      expect(health.status).toBe(200);
    } finally {
      await studio.stop();
    }
    expect(await exists(path.join(root, 'live/x.partial'))).toBe(true);
    expect(await exists(path.join(root, 'seg.m4s.partial'))).toBe(true);
  });
});
