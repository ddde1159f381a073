import fs from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index.js';
import { StudioEvents } from '../events/studio-events.js';
import { diskUsage } from '../system/system-status.js';
import { useTempDir } from '../test-support/temp-dir.js';
import type { StudioEvent } from '../api/contract.js';
import { DvrIndex } from './dvr-index.js';
import { Retention, type RetentionLimits } from './retention.js';
import { parseDepth, parseSize } from './retention-limits.js';
import { segmentFile } from './archive-paths.js';

const tempDir = useTempDir();
const minute = 60_000;

async function archive(limits: RetentionLimits, streamLimits: Record<string, { depth: string; maxSize: string }> = {}) {
  const root = path.join(tempDir(), 'dvr');
  const db = openDatabase(path.join(tempDir(), 'framehouse.db'));
  const index = new DvrIndex(db);
  const events = new StudioEvents();
  const seen: StudioEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const current = { ...limits };
  const retention = new Retention({
    index,
    events,
    log: pino({ level: 'silent' }),
    root,
    limits: () => current,
    streamLimits: (s) => streamLimits[s] ?? { depth: '', maxSize: '' },
  });
  const hash = 'a'.repeat(64);
  const initId = index.initId('cams/a', hash, 'cams/a/init/x.mp4', '[]');
  /** A real 1 MB file and its row, for a 1-minute segment starting at `startMs`. */
  const add = async (stream: string, startMs: number, bytes = 1 << 20) => {
    const file = segmentFile(stream, startMs, hash);
    await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await fs.writeFile(path.join(root, file), Buffer.alloc(bytes));
    index.add({ stream, startMs, durationMs: minute, bytes, file, initId, firstKeyframe: true, discontinuity: false });
    return file;
  };
  const exists = (file: string) => fs.access(path.join(root, file)).then(() => true, () => false);
  return { index, retention, seen, add, exists, current, db };
}

describe('retention', () => {
  it('deletes what is older than the depth, file and row, keeping locked ranges', async () => {
    const now = Date.UTC(2026, 10, 21, 12);
    const a = await archive({ depth: '1h', maxSize: '', minFreeBytes: 0 });
    const files: string[] = [];
    for (let i = 0; i < 180; i += 10) files.push(await a.add('cams/a', now - (180 - i) * minute));
    a.index.addLock('cams/a', now - 170 * minute, now - 150 * minute);
    await a.retention.run(now);
    const kept = a.index.segments('cams/a', 0, now).map((s) => (now - s.startMs) / minute);
    expect(kept).toEqual([170, 160, 60, 50, 40, 30, 20, 10]);
    for (const file of files) {
      const rowKept = a.index.segments('cams/a', 0, now).some((s) => s.file === file);
      expect(await a.exists(file)).toBe(rowKept);
    }
    const deleted = a.seen.find((e) => e.type === 'dvr_deleted');
    expect(deleted?.type === 'dvr_deleted' && deleted.data).toMatchObject({ stream: 'cams/a', segments: 10, reason: 'older than 1h' });
  });

  it('trims to the size limit, oldest unlocked first, per stream and overall', async () => {
    const now = Date.UTC(2026, 10, 21, 12);
    const a = await archive({ depth: '', maxSize: '10M', minFreeBytes: 0 }, { 'cams/b': { depth: '', maxSize: '3M' } });
    for (let i = 0; i < 8; i++) await a.add('cams/a', now - (100 - i) * minute);
    for (let i = 0; i < 8; i++) await a.add('cams/b', now - (50 - i) * minute);
    a.index.addLock('cams/a', now - 100 * minute, now - 98 * minute); // the two oldest of cams/a
    await a.retention.run(now);
    expect(a.index.totals('cams/b').bytes).toBe(3 << 20);
    expect(a.index.totals().bytes).toBeLessThanOrEqual(10 << 20);
    const keptA = a.index.segments('cams/a', 0, now).map((s) => (now - s.startMs) / minute);
    expect(keptA.slice(0, 2)).toEqual([100, 99]); // locked ones survive although they are the oldest
    expect(a.index.totals().bytes).toBe(10 << 20);
  });

  it('stops recording below the minimum free disk space and resumes above it (real free space, measured)', async () => {
    const a = await archive({ depth: '', maxSize: '', minFreeBytes: 0 });
    await a.retention.run();
    expect(a.retention.recordingAllowed).toBe(true);
    const { freeBytes } = await diskUsage(tempDir());
    a.current.minFreeBytes = freeBytes + (1 << 30);
    await a.retention.run();
    expect(a.retention.recordingAllowed).toBe(false);
    const low = a.seen.find((e) => e.type === 'dvr_disk_low');
    expect(low?.type === 'dvr_disk_low' && low.data.message).toBe('Not enough available disk space');
    a.current.minFreeBytes = 1 << 20;
    await a.retention.run();
    expect(a.retention.recordingAllowed).toBe(true);
  });

  it('reads depths and sizes as people write them', () => {
    expect(parseDepth('7d')).toBe(7 * 86_400_000);
    expect(parseDepth('12h')).toBe(12 * 3_600_000);
    expect(parseDepth('')).toBeNull();
    expect(parseSize('500G', 0)).toBe(500 * 2 ** 30);
    expect(parseSize('1.5TB', 0)).toBe(Math.floor(1.5 * 2 ** 40));
    expect(parseSize('20%', 1000)).toBe(200);
    expect(parseSize('', 1000)).toBeNull();
  });
});

describe('locks', () => {
  it('are cut out of, trimmed and split by unlock', async () => {
    const a = await archive({ depth: '', maxSize: '', minFreeBytes: 0 });
    a.index.addLock('cams/a', 0, 100_000);
    a.index.removeLockRange('cams/a', 40_000, 60_000);
    expect(a.index.locks('cams/a').map((l) => [l.fromMs, l.toMs])).toEqual([
      [0, 40_000],
      [60_000, 100_000],
    ]);
    a.index.removeLockRange('cams/a', 0, 50_000);
    expect(a.index.locks('cams/a').map((l) => [l.fromMs, l.toMs])).toEqual([[60_000, 100_000]]);
  });
});
