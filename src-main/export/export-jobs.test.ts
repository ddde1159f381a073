import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { StudioEvent } from '../contract/studio-api.js';
import type { ExportJob } from '../contract/export-api.js';
import { Problem } from '../contract/problem.js';
import { StudioEvents } from '../events/studio-events.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { until } from '../test-support/wait.js';
import { checkChosenFolder, ExportJobs, suffixed, type ExportJobsDeps } from './export-jobs.js';
import type { Mp4ExportPlan } from './mp4-export.js';

const dir = useTempDir();
const log = pino({ level: 'silent' });

interface FakeOptions {
  size?: number;
  fileName?: string;
  /** Pause between 64 kB pieces. */
  pauseMs?: number;
  /** Write one piece, then wait until canceled. */
  hang?: boolean;
}

function fakePlan(o: FakeOptions = {}): Mp4ExportPlan {
  const size = o.size ?? 1 << 20;
  return {
    size,
    fileName: o.fileName ?? 'live_cam-20260101T000000Z-10s.mp4',
    gaps: 0,
    recordedMs: 10_000,
    startMs: 0,
    kinds: ['video'],
    endsEarly: null,
    etag: '"x"',
    async write(out: Writable, _range, signal, onProgress) {
      let written = 0;
      while (written < size) {
        signal?.throwIfAborted();
        const piece = Buffer.alloc(Math.min(64 << 10, size - written), written & 0xff);
        const more = out.write(piece);
        written += piece.length;
        onProgress?.(written);
        if (!more) {
          await new Promise<void>((resolve, reject) => {
            out.once('drain', resolve);
            out.once('error', reject);
            out.once('close', () => reject(new Error('the output closed before the export was written')));
          });
        }
        if (o.hang) await new Promise((_, reject) => signal!.addEventListener('abort', () => reject(signal!.reason as Error), { once: true }));
        if (o.pauseMs) await new Promise((r) => setTimeout(r, o.pauseMs));
      }
    },
    dispose: async () => undefined,
  };
}

function jobsWith(plan: (n: number) => Mp4ExportPlan | Promise<Mp4ExportPlan>, extra: Partial<ExportJobsDeps> = {}) {
  const events = new StudioEvents();
  const seen: StudioEvent[] = [];
  events.subscribe((e) => seen.push(e));
  let n = 0;
  const jobs = new ExportJobs({ plan: async () => plan(n++), exportsDir: () => path.join(dir(), 'exports'), events, log, ...extra });
  const finishedJob = (id: string) =>
    until(`job ${id} to finish`, async () => {
      const e = seen.find((x) => x.type === 'export_finished' && x.data.id === id);
      return e?.type === 'export_finished' ? e.data : null;
    });
  return { jobs, seen, finishedJob };
}

const request = { stream: 'live/cam', from: 1_700_000_000, duration: 10 };
const files = async (folder: string) => (await fsp.readdir(folder).catch(() => [] as string[])).sort();

describe('export jobs', () => {
  it('writes through a .partial into the exports folder, with progress at most 4 a second', async () => {
    const { jobs, seen, finishedJob } = jobsWith(() => fakePlan({ size: 40 * (64 << 10), pauseMs: 25 }));
    const job = await jobs.create(request);
    expect(job).toMatchObject({ progress: 0, folder: path.join(dir(), 'exports') });
    expect(['queued', 'running']).toContain(job.state);
    await until('the partial file', async () => (await files(path.join(dir(), 'exports'))).some((f) => f.endsWith('.partial')));
    const done = await finishedJob(job.id);
    expect(done).toMatchObject({ state: 'done', progress: 1, bytes: 40 * (64 << 10), totalBytes: 40 * (64 << 10), fileName: 'live_cam-20260101T000000Z-10s.mp4', error: null });
    expect(done.file).toBe(path.join(dir(), 'exports', done.fileName!));
    expect(await files(path.join(dir(), 'exports'))).toEqual([done.fileName]);
    expect((await fsp.stat(done.file!)).size).toBe(40 * (64 << 10));
    const progress = seen.filter((e) => e.type === 'export_progress').map((e) => e.data as ExportJob);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    // About 1 s of writing: the two forced ones (start, file opened) and ≤ 4 a second after that.
    const span = (Date.parse(done.finishedAt!) - Date.parse(done.startedAt!)) / 1000;
    expect(progress.length).toBeLessThanOrEqual(2 + Math.ceil(span * 4) + 1);
    expect(progress.map((p) => p.progress)).toEqual([...progress.map((p) => p.progress)].sort((a, b) => a - b));
    expect(jobs.list()[0]).toMatchObject({ id: job.id, state: 'done' });
    expect(jobs.file(job.id)).toEqual({ path: done.file, fileName: done.fileName });
  });

  it('never overwrites: a taken name gets (1), (2), also between jobs running at once', async () => {
    const folder = path.join(dir(), 'exports');
    await fsp.mkdir(folder);
    await fsp.writeFile(path.join(folder, 'live_cam-20260101T000000Z-10s.mp4'), 'keep me');
    const { jobs, finishedJob } = jobsWith(() => fakePlan({ size: 300_000, pauseMs: 5 }), { concurrency: 2 });
    const a = await jobs.create(request);
    const b = await jobs.create(request);
    const [da, db] = await Promise.all([finishedJob(a.id), finishedJob(b.id)]);
    expect([da.fileName, db.fileName].sort()).toEqual(['live_cam-20260101T000000Z-10s (1).mp4', 'live_cam-20260101T000000Z-10s (2).mp4']);
    expect(await fsp.readFile(path.join(folder, 'live_cam-20260101T000000Z-10s.mp4'), 'utf8')).toBe('keep me');
    expect(await files(folder)).toHaveLength(3);
    expect(suffixed('a.b.mp4', 3)).toBe('a.b (3).mp4');
  });

  it('cancels a running job (the partial goes) and a queued one; forgets a finished one', async () => {
    const { jobs, seen } = jobsWith(() => fakePlan({ hang: true }));
    const running = await jobs.create(request);
    const queued = await jobs.create(request);
    const folder = path.join(dir(), 'exports');
    await until('the partial file', async () => (await files(folder)).some((f) => f.endsWith('.partial')));
    expect(jobs.get(queued.id)?.state).toBe('queued');
    expect(await jobs.cancel(queued.id)).toMatchObject({ action: 'canceled', job: { state: 'canceled' } });
    const canceled = await jobs.cancel(running.id);
    expect(canceled).toMatchObject({ action: 'canceled', job: { state: 'canceled', error: null } });
    expect(await files(folder)).toEqual([]);
    expect(seen.filter((e) => e.type === 'export_finished').map((e) => (e.data as ExportJob).state)).toEqual(['canceled', 'canceled']);
    expect(await jobs.cancel(running.id)).toMatchObject({ action: 'forgotten' });
    expect(jobs.get(running.id)).toBeNull();
    expect(await jobs.cancel('nope')).toBeNull();
  });

  it('ends a job on a full disk with "the disk is full" and removes the partial', async () => {
    const folder = path.join(dir(), 'exports');
    // A disk that fills after 200 kB: the partial is a real file, then writes fail with ENOSPC.
    const openFile = async (file: string) => {
      const real = fs.createWriteStream(file, { flags: 'wx' });
      await new Promise((r) => real.once('open', r));
      let bytes = 0;
      return new Writable({
        write(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          if (bytes > 200_000) return done(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
          real.write(chunk, done);
        },
        final(done) {
          real.end(done);
        },
        destroy(error, done) {
          real.destroy();
          done(error);
        },
      });
    };
    const { jobs, finishedJob } = jobsWith(() => fakePlan({ size: 1 << 20 }), { openFile });
    const job = await jobs.create(request);
    const failed = await finishedJob(job.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/^the disk is full/);
    expect(await files(folder)).toEqual([]);
  });

  it('fails cleanly into a folder it cannot write, and with the planner’s reason', async () => {
    const unwritable = fs.existsSync('/proc/self') ? '/proc/framehouse-exports' : path.join(dir(), 'ro', 'exports');
    if (!unwritable.startsWith('/proc')) {
      await fsp.mkdir(path.dirname(unwritable));
      await fsp.chmod(path.dirname(unwritable), 0o500);
    }
    const { jobs, finishedJob } = jobsWith(() => fakePlan(), { exportsDir: () => unwritable });
    const job = await jobs.create(request);
    const failed = await finishedJob(job.id);
    expect(failed).toMatchObject({ state: 'failed', fileName: null, file: null });
    expect(failed.error).toMatch(/^cannot write to /);

    const refused = jobsWith(() => Promise.reject(new Problem('not-found', 'Nothing recorded', 'live/cam has no recording between A and B')));
    const nothing = await refused.jobs.create(request);
    expect(await refused.finishedJob(nothing.id)).toMatchObject({ state: 'failed', error: 'live/cam has no recording between A and B' });
  });

  it('takes only absolute, existing, writable folders from the desktop app', async () => {
    await expect(checkChosenFolder('relative/folder')).rejects.toMatchObject({ kind: 'invalid', detail: /absolute folder/ });
    await expect(checkChosenFolder(path.join(dir(), 'missing'))).rejects.toMatchObject({ kind: 'invalid', detail: /does not exist/ });
    await fsp.writeFile(path.join(dir(), 'file.txt'), '');
    await expect(checkChosenFolder(path.join(dir(), 'file.txt'))).rejects.toMatchObject({ kind: 'invalid', detail: /is not a folder/ });
    if (fs.existsSync('/proc/self')) await expect(checkChosenFolder('/proc')).rejects.toMatchObject({ kind: 'invalid', detail: /cannot write to \/proc/ });
    expect(await checkChosenFolder(dir())).toBe(dir());
    expect(await files(dir())).toEqual(['file.txt']); // the write probe is gone
  });

  it('lists the last 50 finished jobs', async () => {
    const { jobs, finishedJob } = jobsWith(() => fakePlan({ size: 10 }));
    const ids: string[] = [];
    for (let i = 0; i < 53; i++) ids.push((await jobs.create(request)).id);
    await finishedJob(ids.at(-1)!);
    await until('all done', async () => jobs.list().every((j) => j.state === 'done'));
    expect(jobs.list()).toHaveLength(50);
    expect(jobs.get(ids[0]!)).toBeNull();
    await jobs.close();
  });
});
