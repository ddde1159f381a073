import fs from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../contract/studio-api.js';
import { openDatabase, type StudioDatabase } from '../db/index.js';
import { segmentFile } from '../dvr/archive-paths.js';
import { ArchiveStore } from '../dvr/archive-store.js';
import { DvrIndex } from '../dvr/dvr-index.js';
import { Retention } from '../dvr/retention.js';
import { StudioEvents } from '../events/studio-events.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { until } from '../test-support/wait.js';
import { ExportJobs } from './export-jobs.js';
import type { Mp4ExportPlan } from './mp4-export.js';

const dir = useTempDir();
const log = pino({ level: 'silent' });
const minute = 60_000;
const hash = 'c'.repeat(64);
const now = Date.UTC(2026, 10, 21, 12);
const opened: StudioDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
});

/** A plan that writes a few bytes, then waits for `release` (or a cancel), or fails when told. */
function gatedPlan(gate: Promise<'write' | 'fail'>): Mp4ExportPlan {
  return {
    size: 4,
    fileName: 'cams_a.mp4',
    gaps: 0,
    recordedMs: 10 * minute,
    startMs: 0,
    kinds: ['video'],
    endsEarly: null,
    etag: '"x"',
    async write(out: Writable, _range, signal) {
      signal?.throwIfAborted();
      const aborted = new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
      if ((await Promise.race([gate, aborted])) === 'fail') throw new Error('the disk went away');
      out.write(Buffer.from('mp4!'));
    },
    dispose: async () => undefined,
  };
}

/** An archive of 1-minute segments of cams/a from 3 h ago, retention at a 1 h depth, and export jobs holding their range in the same index. */
async function setup() {
  const root = path.join(dir(), 'dvr');
  const dbFile = path.join(dir(), 'framehouse.db');
  const db = openDatabase(dbFile);
  opened.push(db);
  const index = new DvrIndex(db);
  const events = new StudioEvents();
  const seen: StudioEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const initId = index.initId('cams/a', hash, 'cams/a/init/x.mp4', '[]');
  for (let i = 0; i < 20; i++) {
    const startMs = now - (180 - i) * minute;
    const file = segmentFile('cams/a', startMs, hash);
    await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await fs.writeFile(path.join(root, file), Buffer.alloc(100));
    index.add({ stream: 'cams/a', startMs, durationMs: minute, bytes: 100, file, initId, firstKeyframe: true, discontinuity: false });
  }
  const retention = new Retention({ archive: new ArchiveStore({ root, index }), events, log, limits: () => ({ depth: '1h', maxSize: '', minFreeBytes: 0 }), streamLimits: () => ({ depth: '', maxSize: '' }) });
  let release: (how: 'write' | 'fail') => void = () => undefined;
  const jobs = new ExportJobs({
    plan: async () => gatedPlan(new Promise((resolve) => (release = resolve))),
    exportsDir: () => path.join(dir(), 'exports'),
    events,
    log,
    protectRange: (stream, fromMs, toMs, owner) => {
      const id = index.hold(stream, fromMs, toMs, owner);
      return () => index.releaseHold(id);
    },
  });
  const kept = () => index.segments('cams/a', 0, now).map((s) => (now - s.startMs) / minute);
  const finished = (id: string) => until(`job ${id} to finish`, async () => seen.some((e) => e.type === 'export_finished' && e.data.id === id));
  const running = (id: string) => until(`job ${id} to run`, async () => jobs.get(id)?.state === 'running' && index.holds().length > 0);
  return { db, dbFile, index, retention, jobs, kept, finished, running, release: (how: 'write' | 'fail') => release(how) };
}

// The export covers 170..165 minutes ago: segments starting 170, 169, 168, 167 and 166 minutes ago.
const exported = { stream: 'cams/a', from: (now - 170 * minute) / 1000, duration: 4 * 60 + 30 };

describe('a saved export holds its range against retention', () => {
  it('keeps retention off the range while the job writes, and lets go when it is done', async () => {
    const s = await setup();
    const job = await s.jobs.create(exported);
    await s.running(job.id);
    expect(s.index.holds()).toEqual([{ id: expect.any(Number) as number, stream: 'cams/a', fromMs: now - 170 * minute, toMs: now - 170 * minute + 270_000, owner: `export ${job.id}` }]);

    await s.retention.run(now);
    expect(s.kept()).toEqual([170, 169, 168, 167, 166]);

    s.release('write');
    await s.finished(job.id);
    expect(s.jobs.get(job.id)?.state).toBe('done');
    expect(s.index.holds()).toEqual([]);
    await s.retention.run(now);
    expect(s.kept()).toEqual([]);
  });

  it('is apart from the user locks: unlocking the range keeps the hold, and the end of the job keeps the lock', async () => {
    const s = await setup();
    s.index.addLock('cams/a', now - 175 * minute, now - 160 * minute);
    const job = await s.jobs.create(exported);
    await s.running(job.id);
    expect(s.index.removeLockRange('cams/a', now - 180 * minute, now)).toBe(1);
    expect(s.index.locks('cams/a')).toEqual([]);
    await s.retention.run(now);
    expect(s.kept()).toEqual([170, 169, 168, 167, 166]);

    s.index.addLock('cams/a', now - 170 * minute, now - 168 * minute);
    s.release('write');
    await s.finished(job.id);
    expect(s.index.locks('cams/a').map((l) => [l.fromMs, l.toMs])).toEqual([[now - 170 * minute, now - 168 * minute]]);
    await s.retention.run(now);
    expect(s.kept()).toEqual([170, 169]);
  });

  it('lets go when the job fails or is canceled', async () => {
    const s = await setup();
    const failing = await s.jobs.create(exported);
    await s.running(failing.id);
    s.release('fail');
    await s.finished(failing.id);
    expect(s.jobs.get(failing.id)).toMatchObject({ state: 'failed', error: 'the disk went away' });
    expect(s.index.holds()).toEqual([]);

    const canceled = await s.jobs.create(exported);
    await s.running(canceled.id);
    await s.jobs.cancel(canceled.id);
    expect(s.jobs.get(canceled.id)?.state).toBe('canceled');
    expect(s.index.holds()).toEqual([]);
  });

  it('does not outlive the process: after a crash the range is free again', async () => {
    const s = await setup();
    s.index.hold('cams/a', now - 180 * minute, now, 'export that never finished');
    await s.retention.run(now);
    expect(s.kept()).toHaveLength(20);
    // What a crash leaves: the database file, without the connection that held the range.
    s.db.close();
    const reopened = openDatabase(s.dbFile);
    opened.push(reopened);
    const index = new DvrIndex(reopened);
    expect(index.holds()).toEqual([]);
    expect(index.deletable(100, { beforeMs: now })).toHaveLength(20);
  });
});
