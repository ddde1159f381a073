import fs from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index.js';
import { StudioEvents } from '../events/studio-events.js';
import { diskUsage } from '../system/system-status.js';
import { useTempDir } from '../test-support/temp-dir.js';
import type { StudioEvent } from '../contract/studio-api.js';
import { ArchiveStore } from './archive-store.js';
import { DvrIndex } from './dvr-index.js';
import { Retention, type RetentionLimits } from './retention.js';
import { parseDepth, parseSize } from './retention-limits.js';
import { segmentFile } from './archive-paths.js';

const tempDir = useTempDir();
const minute = 60_000;

async function archive(limits: RetentionLimits, streamLimits: Record<string, { depth: string; maxSize: string }> = {}, clock?: () => number) {
  const root = path.join(tempDir(), 'dvr');
  const db = openDatabase(path.join(tempDir(), 'framehouse.db'));
  const index = new DvrIndex(db);
  const events = new StudioEvents();
  const seen: StudioEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const current = { ...limits };
  const retention = new Retention({
    archive: new ArchiveStore({ root, index }),
    events,
    log: pino({ level: 'silent' }),
    limits: () => current,
    streamLimits: (s) => streamLimits[s] ?? { depth: '', maxSize: '' },
    ...(clock ? { clock } : {}),
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
  /**
   * Makes the segment's file undeletable, even for root: a folder with something in it
   * where the file was (unlink fails with EISDIR, EPERM on macOS, as a held file would on Windows).
   */
  const jam = async (file: string) => {
    await fs.rm(path.join(root, file));
    await fs.mkdir(path.join(root, file));
    await fs.writeFile(path.join(root, file, 'held'), 'x');
  };
  const unjam = (file: string) => fs.rm(path.join(root, file), { recursive: true });
  return { index, retention, seen, add, exists, current, db, jam, unjam, root };
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

describe('retention and files it cannot delete', () => {
  it('skips an undeletable segment (keeping its row), deletes the ones after it, reports it, and retries at most once a minute', async () => {
    const now = Date.UTC(2026, 10, 21, 12);
    let clock = now;
    const a = await archive({ depth: '1h', maxSize: '', minFreeBytes: 0 }, {}, () => clock);
    const files: string[] = [];
    for (let i = 0; i < 6; i++) files.push(await a.add('cams/a', now - (180 - i) * minute));
    await a.jam(files[1]!);
    await a.retention.run(now);

    expect(a.index.segments('cams/a', 0, now).map((s) => s.file)).toEqual([files[1]]);
    for (const f of [files[0], ...files.slice(2)]) expect(await a.exists(f!)).toBe(false);
    const deleted = a.seen.find((e) => e.type === 'dvr_deleted');
    expect(deleted?.type === 'dvr_deleted' && deleted.data.segments).toBe(5);
    const status = a.retention.status();
    expect(status).toMatchObject({ lastRunMs: now, lastError: null });
    expect(status.stuck).toEqual([{ stream: 'cams/a', path: path.join(a.root, files[1]!), error: expect.stringMatching(/^(EISDIR|EPERM)/) as string, since: now, attempts: 1 }]);
    const stuckEvents = () => a.seen.filter((e) => e.type === 'dvr_retention_stuck');
    expect(stuckEvents()).toHaveLength(1);

    // Passes every 5 s do not hammer the file: no new attempt within the minute, and no new event.
    clock = now + 30_000;
    await a.retention.run(now);
    expect(a.retention.status().stuck[0]!.attempts).toBe(1);
    clock = now + 61_000;
    await a.retention.run(now);
    expect(a.retention.status().stuck[0]!.attempts).toBe(2);
    expect(stuckEvents()).toHaveLength(1);

    // Once whatever held it lets go, the next due attempt deletes it and the report clears.
    await a.unjam(files[1]!);
    // A file somebody removed by hand is as good as deleted: its row goes, nothing is stuck.
    const vanished = await a.add('cams/a', now - 170 * minute);
    await fs.rm(path.join(a.root, vanished));
    clock = now + 122_000;
    await a.retention.run(now);
    expect(a.index.segments('cams/a', 0, now)).toEqual([]);
    expect(a.retention.status().stuck).toEqual([]);
    const last = stuckEvents().at(-1);
    expect(stuckEvents()).toHaveLength(2);
    expect(last?.type === 'dvr_retention_stuck' && last.data.stuck).toEqual([]);
  });

  it('trims to the size limit past stuck files: what cannot be deleted frees nothing, so the next ones go', async () => {
    const now = Date.UTC(2026, 10, 21, 12);
    const a = await archive({ depth: '', maxSize: '4M', minFreeBytes: 0 });
    const files: string[] = [];
    for (let i = 0; i < 8; i++) files.push(await a.add('cams/a', now - (100 - i) * minute));
    await a.jam(files[0]!);
    await a.jam(files[2]!);
    await a.retention.run(now);
    // 8 MB, 4 MB allowed: the two stuck ones stay, so four others go instead of two.
    expect(a.index.segments('cams/a', 0, now).map((s) => s.file)).toEqual([files[0], files[2], files[6], files[7]]);
    expect(a.retention.status().stuck.map((s) => s.path)).toEqual([path.join(a.root, files[0]!), path.join(a.root, files[2]!)]);
  });

  it('forgets a stuck file once it is no longer due for deletion (locked meanwhile)', async () => {
    const now = Date.UTC(2026, 10, 21, 12);
    let clock = now;
    const a = await archive({ depth: '1h', maxSize: '', minFreeBytes: 0 }, {}, () => clock);
    const file = await a.add('cams/a', now - 180 * minute);
    await a.jam(file);
    await a.retention.run(now);
    expect(a.retention.status().stuck).toHaveLength(1);
    a.index.addLock('cams/a', now - 181 * minute, now - 170 * minute);
    clock += 1000;
    await a.retention.run(now);
    expect(a.retention.status().stuck).toEqual([]);
    expect(a.index.segments('cams/a', 0, now)).toHaveLength(1);
  });
});
