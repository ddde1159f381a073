// Saved exports as jobs: a small queue (one or two at a time) writing MP4 exports into
// the exports folder or a folder the desktop app chose. A file is written as
// `<name>.partial` and renamed when whole; a name already taken gets " (1)", " (2)", …
// and nothing is ever overwritten. A cancel, a failure or a full disk removes the partial.
// While a job runs, its range is held against retention (protectRange), so the segments
// it reads cannot be deleted under it; the hold ends with the job, or with the process.
//
// Jobs live in memory (the running and queued ones, and the last 50 finished): a job
// cannot outlive the process that writes it, and what lasts, the finished files, is in
// the folder. SQLite would only keep a history of files the user can see in the folder.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { ExportJob, ExportRequest } from '../contract/export-api.js';
import { Problem } from '../contract/problem.js';
import type { DvrIndex } from '../dvr/dvr-index.js';
import type { StudioEvents } from '../events/studio-events.js';
import { streamNameProblem } from '../contract/stream-name.js';
import { generatedSource, type MixRenderRequest } from '../contract/mixer-api.js';
import { renderLayout, type MixRender, type MixRenderSpec } from './mix-render.js';
import type { ExportPlanRequest, Mp4ExportPlan } from './mp4-export.js';

export type { ExportPlanRequest } from './mp4-export.js';

export interface ExportJobsDeps {
  /** Plans the file (planMp4Export with the studio's index, ffmpeg and length limit). */
  plan: (o: ExportPlanRequest) => Promise<Mp4ExportPlan>;
  /** The exports folder now (the setting, or <data-dir>/exports); created when missing. */
  exportsDir: () => string;
  events: Pick<StudioEvents, 'publish'>;
  log: Logger;
  /** Refuses a request at once (an Problem) when it cannot work: an unknown stream, nothing recorded, too long. */
  check?: (request: ExportRequest) => void;
  /** Plans an offline mix (planMixRender with the studio's index and ffmpeg); without it, mixes are refused. */
  planMix?: (spec: MixRenderSpec, signal: AbortSignal) => Promise<MixRender>;
  /** Refuses a mix request at once, as `check` does an export. */
  checkMix?: (request: MixRenderRequest) => void;
  /** Jobs writing at once (default 1). */
  concurrency?: number;
  /** Opens the output file, failing if it exists (tests put a failing disk here). */
  openFile?: (file: string) => Promise<Writable>;
  /** Progress events per job at most this often (default 250 ms: 4 a second). */
  progressIntervalMs?: number;
  /**
   * Keeps retention off the job's range while it runs (DvrIndex.hold); returns the release.
   * Taken before the plan reads the index, released when the job is done, failed or canceled.
   */
  protectRange?: (stream: string, fromMs: number, toMs: number, owner: string) => () => void;
}

/** What a job writes, whichever kind it is. */
interface Product {
  fileName: string;
  /** Known before writing (a lossless export) or only after (a render). */
  size: number | null;
  gaps: number;
  note: string | null;
  /** Writes into `out` or, for ffmpeg, into `file` (the partial `out` was opened on); a note to add when done. */
  write(out: Writable, file: string, signal: AbortSignal, onProgress: (bytes: number, fraction: number) => void): Promise<string | null>;
  dispose(): Promise<void>;
}

interface JobEntry {
  job: ExportJob;
  /** A mix's layout; null for a recording's export. */
  mix: MixRenderRequest | null;
  /** Into the exports folder (created when missing), not a folder the user chose. */
  exportsFolder: boolean;
  controller: AbortController;
  /** Settles when a started job has finished cleaning up. */
  settled: Promise<void> | null;
}

/** Finished jobs kept in the list. */
const keepFinished = 50;
/** A name's " (n)" suffixes tried before giving up. */
const maxSuffix = 999;

const finishedStates = new Set<ExportJob['state']>(['done', 'failed', 'canceled']);

export const isFinished = (job: ExportJob) => finishedStates.has(job.state);

/** `name.mp4` → `name (n).mp4` */
export function suffixed(fileName: string, n: number): string {
  if (n === 0) return fileName;
  const ext = path.extname(fileName);
  return `${fileName.slice(0, fileName.length - ext.length)} (${n})${ext}`;
}

/** A disk error in the words a user needs, naming the folder. */
export function diskProblem(error: unknown, folder: string): string | null {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk is full: free some space on the disk of ${folder} (or choose another folder) and export again`;
    case 'EACCES':
    case 'EPERM':
      return `cannot write to ${folder}: permission denied`;
    case 'EROFS':
      return `cannot write to ${folder}: the disk is read-only`;
    case 'ENOENT':
    case 'ENOTDIR':
      return `cannot write to ${folder}: the folder does not exist`;
    case 'EIO':
      return `cannot write to ${folder}: the disk reported an input/output error`;
    default:
      return null;
  }
}

async function openExclusive(file: string): Promise<Writable> {
  const out = fs.createWriteStream(file, { flags: 'wx' });
  await new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', reject);
  });
  return out;
}

/**
 * Checks a folder chosen in the desktop app: absolute, existing, a folder, and one a file
 * can really be created in (as root, permission bits say nothing: a read-only disk does).
 * 400 with the reason otherwise.
 */
export async function checkChosenFolder(folder: string): Promise<string> {
  if (!path.isAbsolute(folder)) throw new Problem('invalid', 'Invalid path', `path must be an absolute folder, not "${folder}"`);
  if (folder.includes('\0')) throw new Problem('invalid', 'Invalid path', 'path contains a NUL character');
  const resolved = path.resolve(folder);
  const stat = await fsp.stat(resolved).catch(() => null);
  if (!stat) throw new Problem('invalid', 'Invalid path', `the folder ${resolved} does not exist`);
  if (!stat.isDirectory()) throw new Problem('invalid', 'Invalid path', `${resolved} is not a folder`);
  const probe = path.join(resolved, `.framehouse-write-test-${crypto.randomBytes(4).toString('hex')}`);
  try {
    await fsp.writeFile(probe, '', { flag: 'wx' });
  } catch (error) {
    throw new Problem('invalid', 'Folder not writable', diskProblem(error, resolved) ?? `cannot write to ${resolved}: ${(error as Error).message}`);
  }
  await fsp.rm(probe, { force: true });
  return resolved;
}

/**
 * What can be refused before a job is queued, with the reason: a bad or unknown stream
 * name, FROM in the future, a range over the length limit, a range with no recording.
 */
export function checkExportRequest(deps: { streamKnown: (name: string) => boolean; index: Pick<DvrIndex, 'ranges'>; maxSeconds: () => number }, request: ExportRequest): void {
  const problem = streamNameProblem(request.stream);
  if (problem) throw new Problem('invalid', 'Invalid stream name', problem);
  if (!deps.streamKnown(request.stream)) throw new Problem('not-found', 'Unknown stream', `no stream named ${request.stream}`);
  if (request.from > Date.now() / 1000) throw new Problem('invalid', 'Invalid range', 'from is in the future');
  const maxSeconds = deps.maxSeconds();
  if (request.duration > maxSeconds) throw new Problem('invalid', 'Range too long', `duration is over the export limit of ${maxSeconds} s (setting exportMaxSeconds); export shorter ranges`);
  const fromMs = Math.round(request.from * 1000);
  const toMs = Math.round((request.from + request.duration) * 1000);
  if (deps.index.ranges(request.stream, fromMs, toMs).length === 0) {
    throw new Problem('not-found', 'Nothing recorded', `${request.stream} has no recording between ${new Date(fromMs).toISOString()} and ${new Date(toMs).toISOString()}`);
  }
}

export class ExportJobs {
  private readonly jobs = new Map<string, JobEntry>();
  private readonly queue: JobEntry[] = [];
  /** Final and partial file paths that running jobs hold: two jobs never pick one name. */
  private readonly reserved = new Set<string>();
  private running = 0;
  private closed = false;

  constructor(private readonly deps: ExportJobsDeps) {}

  /** Queues an export; the folder is checked now (400), the range when the job runs (the job fails with the reason). */
  async create(request: ExportRequest): Promise<ExportJob> {
    if (this.closed) throw new Problem('unavailable', 'Stopping', 'the studio is stopping');
    this.deps.check?.(request);
    return this.queueJob({ kind: 'recording', stream: request.stream, sources: [request.stream], from: request.from, duration: request.duration, precise: request.precise ?? false }, request.path, null);
  }

  /** Queues an offline mix of recordings: checked as an export is, rendered in its turn. */
  async createMix(request: MixRenderRequest): Promise<ExportJob> {
    if (this.closed) throw new Problem('unavailable', 'Stopping', 'the studio is stopping');
    if (!this.deps.planMix) throw new Problem('unavailable', 'No mixer', 'this studio cannot render mixes');
    this.deps.checkMix?.(request);
    return this.queueJob({ kind: 'mix', stream: request.name, sources: [...new Set(request.inputs.map((i) => i.source).filter((source) => !generatedSource(source)))], from: request.from, duration: request.duration, precise: true }, request.path, request);
  }

  private async queueJob(what: Pick<ExportJob, 'kind' | 'stream' | 'sources' | 'from' | 'duration' | 'precise'>, chosen: string | undefined, mix: MixRenderRequest | null): Promise<ExportJob> {
    const folder = chosen !== undefined ? await checkChosenFolder(chosen) : path.resolve(this.deps.exportsDir());
    const job: ExportJob = {
      id: crypto.randomUUID(),
      ...what,
      state: 'queued',
      progress: 0,
      bytes: 0,
      totalBytes: null,
      folder,
      fileName: null,
      file: null,
      gaps: null,
      note: null,
      error: null,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
    };
    const entry: JobEntry = { job, mix, exportsFolder: chosen === undefined, controller: new AbortController(), settled: null };
    this.jobs.set(job.id, entry);
    this.queue.push(entry);
    this.next();
    return { ...job };
  }

  /** Running and queued jobs first, then the finished ones; newest first within each. */
  list(): ExportJob[] {
    const all = [...this.jobs.values()].map((e) => ({ ...e.job }));
    return all.sort((a, b) => Number(isFinished(a)) - Number(isFinished(b)) || b.createdAt.localeCompare(a.createdAt));
  }

  get(id: string): ExportJob | null {
    const entry = this.jobs.get(id);
    return entry ? { ...entry.job } : null;
  }

  /**
   * Cancels a queued or running job (its partial file is gone when this resolves), or
   * forgets a finished one (its file stays). null for an unknown id.
   */
  async cancel(id: string): Promise<{ action: 'canceled' | 'forgotten'; job: ExportJob } | null> {
    const entry = this.jobs.get(id);
    if (!entry) return null;
    if (isFinished(entry.job)) {
      this.jobs.delete(id);
      return { action: 'forgotten', job: { ...entry.job } };
    }
    entry.controller.abort();
    const queued = this.queue.indexOf(entry);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finish(entry, 'canceled', null);
    }
    await entry.settled;
    return { action: 'canceled', job: { ...entry.job } };
  }

  /** The finished file of a done job, or null. */
  file(id: string): { path: string; fileName: string } | null {
    const job = this.jobs.get(id)?.job;
    return job?.state === 'done' && job.file && job.fileName ? { path: job.file, fileName: job.fileName } : null;
  }

  /** Cancels everything and waits for the running jobs to clean up. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.jobs.values()].filter((e) => !isFinished(e.job));
    await Promise.all(all.map((e) => this.cancel(e.job.id)));
  }

  private next(): void {
    while (!this.closed && this.running < (this.deps.concurrency ?? 1) && this.queue.length > 0) {
      const entry = this.queue.shift()!;
      this.running++;
      entry.settled = this.run(entry).finally(() => {
        this.running--;
        this.next();
      });
    }
  }

  private async run(entry: JobEntry): Promise<void> {
    const { job, controller } = entry;
    const signal = controller.signal;
    job.state = 'running';
    job.startedAt = new Date().toISOString();
    const progress = this.progressPublisher(entry);
    progress(true);
    let product: Product | null = null;
    let partial: string | null = null;
    let reservedFinal: string | null = null;
    let outError: Error | null = null;
    let out: Writable | null = null;
    const releases: (() => void)[] = [];
    try {
      const fromMs = Math.round(job.from * 1000);
      const durationMs = Math.round(job.duration * 1000);
      for (const stream of job.sources) {
        const release = this.deps.protectRange?.(stream, fromMs, fromMs + durationMs, `export ${job.id}`);
        if (release) releases.push(release);
      }
      product = await this.product(entry, fromMs, durationMs, signal);
      signal.throwIfAborted();
      job.totalBytes = product.size;
      job.gaps = product.gaps;
      job.note = product.note;
      if (entry.exportsFolder) await makeFolder(job.folder);
      const opened = await this.openPartial(job.folder, product.fileName);
      partial = opened.partial;
      reservedFinal = path.join(job.folder, opened.fileName);
      out = opened.out;
      // A write error (ENOSPC) may surface between two writes: kept here so the job names it, never left unhandled.
      out.on('error', (e: Error) => (outError ??= e));
      job.fileName = opened.fileName;
      progress(true);
      const note = await product.write(out, partial, signal, (bytes, fraction) => {
        job.bytes = bytes;
        job.progress = Math.min(1, fraction);
        progress(false);
      });
      if (note) job.note = job.note ? `${job.note}; ${note}` : note;
      out.end();
      await finished(out);
      out = null;
      await syncFile(partial);
      const size = (await fsp.stat(partial)).size;
      signal.throwIfAborted();
      const final = await this.rename(partial, job.folder, opened.fileName, (name) => (job.fileName = name));
      this.reserved.delete(partial);
      partial = null;
      job.file = final;
      job.bytes = size;
      job.totalBytes = size;
      job.progress = 1;
      this.finish(entry, 'done', null);
      this.deps.log.info({ job: job.id, file: final, bytes: size }, `export: ${job.stream} written to ${final}`);
    } catch (thrown) {
      const error = outError ?? thrown;
      if (out) {
        out.destroy();
        await finished(out).catch(() => undefined);
      }
      if (partial) {
        await fsp.rm(partial, { force: true }).catch(() => undefined);
        this.reserved.delete(partial);
      }
      if (signal.aborted) {
        this.finish(entry, 'canceled', null);
      } else {
        // ffmpeg (a mix's encoder) says a full disk in words, not a code.
        const disk = /No space left on device/i.test((error as Error).message) ? diskProblem(Object.assign(new Error(), { code: 'ENOSPC' }), job.folder) : diskProblem(error, job.folder);
        const reason = error instanceof Problem ? error.detail : (disk ?? (error as Error).message);
        if (!(error instanceof Problem)) this.deps.log.warn({ job: job.id, err: error }, `export of ${job.stream} failed: ${reason}`);
        this.finish(entry, 'failed', reason);
      }
    } finally {
      if (reservedFinal) this.reserved.delete(reservedFinal);
      await product?.dispose().catch(() => undefined);
      for (const release of releases) release();
    }
  }

  /** The job's file, planned: a recording's lossless export, or a mix's render. */
  private async product(entry: JobEntry, fromMs: number, durationMs: number, signal: AbortSignal): Promise<Product> {
    const { job, mix } = entry;
    if (mix) {
      const render = await this.deps.planMix!({ name: mix.name, layout: renderLayout(mix), fromMs, durationMs }, signal);
      return {
        fileName: render.fileName,
        size: null,
        gaps: render.gaps,
        note: render.note,
        write: async (_out, file, jobSignal, onProgress) => (await render.write(file, jobSignal, (fraction) => onProgress(0, fraction))).note,
        dispose: () => render.dispose(),
      };
    }
    const plan: Mp4ExportPlan = await this.deps.plan({ stream: job.stream, fromMs, durationMs, precise: job.precise, signal });
    return {
      fileName: plan.fileName,
      size: plan.size,
      gaps: plan.gaps,
      note: plan.endsEarly ? `the file ends at ${new Date(plan.endsEarly.atMs).toISOString()}: ${plan.endsEarly.reason}` : null,
      write: async (out, _file, jobSignal, onProgress) => {
        await plan.write(out, undefined, jobSignal, (bytes) => onProgress(bytes, plan.size > 0 ? bytes / plan.size : 1));
        return null;
      },
      dispose: () => plan.dispose(),
    };
  }

  /** Opens `<name>.partial` under the first name no file, partial or other job holds. */
  private async openPartial(folder: string, fileName: string): Promise<{ partial: string; fileName: string; out: Writable }> {
    const open = this.deps.openFile ?? openExclusive;
    for (let n = 0; n <= maxSuffix; n++) {
      const name = suffixed(fileName, n);
      const final = path.join(folder, name);
      const partial = `${final}.partial`;
      if (this.reserved.has(final) || this.reserved.has(partial)) continue;
      if (await exists(final)) continue;
      this.reserved.add(final);
      this.reserved.add(partial);
      try {
        return { partial, fileName: name, out: await open(partial) };
      } catch (error) {
        this.reserved.delete(final);
        this.reserved.delete(partial);
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
    }
    throw new Error(`every name from ${fileName} to ${suffixed(fileName, maxSuffix)} is taken in ${folder}`);
  }

  /**
   * Gives the partial its final name without ever replacing a file: a hard link fails if
   * the name was taken meanwhile (then the next suffix is tried); where links do not
   * exist (FAT, exFAT) a checked rename does.
   */
  private async rename(partial: string, folder: string, fileName: string, renamed: (name: string) => void): Promise<string> {
    for (let n = 0; n <= maxSuffix; n++) {
      const name = suffixed(fileName, n);
      const final = path.join(folder, name);
      // The name this job reserved is its own to take; any other must be free.
      if (n > 0 && (this.reserved.has(final) || (await exists(final)))) continue;
      try {
        await fsp.link(partial, final);
        await fsp.rm(partial, { force: true });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV' && code !== 'ENOSYS') throw error;
        if (await exists(final)) continue;
        await fsp.rename(partial, final);
      }
      renamed(name);
      return final;
    }
    throw new Error(`every name from ${fileName} on is taken in ${folder}`);
  }

  private progressPublisher(entry: JobEntry): (force: boolean) => void {
    const interval = this.deps.progressIntervalMs ?? 250;
    let last = 0;
    return (force) => {
      const now = Date.now();
      if (!force && now - last < interval) return;
      last = now;
      this.deps.events.publish('export_progress', { ...entry.job });
    };
  }

  private finish(entry: JobEntry, state: 'done' | 'failed' | 'canceled', error: string | null): void {
    const { job } = entry;
    job.state = state;
    job.error = error;
    job.finishedAt = new Date().toISOString();
    this.deps.events.publish('export_finished', { ...job });
    // Only the last 50 finished jobs are listed.
    const done = [...this.jobs.values()].filter((e) => isFinished(e.job)).sort((a, b) => a.job.finishedAt!.localeCompare(b.job.finishedAt!));
    for (const old of done.slice(0, Math.max(0, done.length - keepFinished))) this.jobs.delete(old.job.id);
  }
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir never returns under a folder
 * that refuses new entries with ENOENT (/proc), where this fails with that error.
 */
export async function makeFolder(folder: string): Promise<void> {
  const missing: string[] = [];
  for (let at = folder; !(await exists(at)); at = path.dirname(at)) {
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  for (const level of missing) {
    await fsp.mkdir(level).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}

async function exists(file: string): Promise<boolean> {
  return fsp.lstat(file).then(
    () => true,
    () => false,
  );
}

/** The file's bytes on the disk before it gets its final name (a crash never leaves a short file under it). */
async function syncFile(file: string): Promise<void> {
  const handle = await fsp.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
