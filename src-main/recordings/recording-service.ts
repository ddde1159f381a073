// Recording streams to plain files on demand (WCS's recording, OBS's "Start Recording"):
// per stream a writer on its hub while recording is on, a row per file in SQLite, and a
// finisher that turns each closed working file into the file asked for and runs the
// user's handler on it. Recording stays on while a stream is offline: a new file starts
// when it publishes again. Several streams started together form a session, to be
// mixed later.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { Problem } from '../contract/problem.js';
import type { RecordFormat, RecordingFile, RecordingSession, RecordingSessionStart, RecordingStatus, RecordRotate, RecordStart } from '../contract/recording-api.js';
import type { StudioEvents } from '../events/studio-events.js';
import type { StreamHub } from '../streams/stream-hub.js';
import type { SinkAttachment } from '../streams/frame-sink.js';
import type { ProcessRegistry } from '../transcode/process-registry.js';
import { checkTemplate, defaultRecordTemplate, recordingPath } from './name-template.js';
import { finishRecordingFile, runRecordingHandler } from './recording-finish.js';
import type { RecordingRow, RecordingStore } from './recording-store.js';
import { RecordingWriter, type ClosedFile, type OpenedFile } from './recording-writer.js';

export interface RecordingServiceDeps {
  store: RecordingStore;
  /** The recordings folder now (the setting, or <data-dir>/recordings). */
  root: () => string;
  hub: (name: string) => StreamHub | undefined;
  /** Whether a stream of this name exists (configured, or publishing now). */
  streamKnown: (name: string) => boolean;
  processes: ProcessRegistry;
  ffmpegPath: () => string | null;
  command: () => { path: string; timeoutSeconds: number } | null;
  /** Below this much free space a recording is not started. */
  minFreeBytes: () => number;
  events: Pick<StudioEvents, 'publish'>;
  log: Logger;
}

interface Recording {
  stream: string;
  always: boolean;
  format: RecordFormat;
  template: string;
  rotate: RecordRotate | null;
  session: string | null;
  since: Date;
  root: string;
  writer: RecordingWriter;
  attachment: SinkAttachment | null;
  hub: StreamHub | null;
  /** DB row of each file the writer has open. */
  rows: Map<number, number>;
  error: string | null;
}

/** Recordings at once: each holds a writer and, per file, an open handle. */
const maxRecordings = 64;
/** How long a shutdown waits for files to be finished; the rest are finished at the next start. */
const closeWaitMs = 15_000;

export class RecordingService {
  private readonly recordings = new Map<string, Recording>();
  private readonly finishing = new Set<Promise<void>>();
  /** Streams whose start is checking the disk (not yet in `recordings`). */
  private readonly starting = new Set<string>();
  /** Stops remuxes still running when a shutdown can wait no longer: their files are finished at the next start. */
  private readonly shutdown = new AbortController();
  private closed = false;

  constructor(private readonly deps: RecordingServiceDeps) {}

  /**
   * Finishes what a crash (or a shutdown that could not wait) left: working files become
   * finished files. The rows are taken at once, before any recording of this run can
   * start; the work waits for `ready` (ffmpeg known).
   */
  async recover(ready: Promise<unknown> = Promise.resolve()): Promise<void> {
    const leftovers = this.deps.store.unfinished();
    await ready;
    for (const row of leftovers) {
      const size = await fs.stat(row.workPath).then(
        (s) => s.size,
        () => null,
      );
      if (size === null) {
        this.deps.store.finished(row.id, { path: relative(row.root, row.workPath), bytes: 0, state: 'failed', error: 'the working file was gone after a restart' });
        continue;
      }
      this.deps.log.info({ stream: row.stream }, `recordings: finishing ${row.workPath}, left by the last run`);
      const endedMs = await fs.stat(row.workPath).then((s) => s.mtimeMs, () => row.startedMs);
      // One at a time: each remux copies a whole file.
      await this.finish(row, { bytes: size, durationMs: endedMs - row.startedMs, endedMs, error: null });
      if (this.closed) return;
    }
  }

  start(stream: string, request: RecordStart, session: string | null = null): Promise<RecordingStatus> {
    return this.begin([stream], request, session).then((s) => s[0]!);
  }

  /**
   * A stream that always records (its recordFiles setting): started, restarted with new
   * options, or stopped to match. A recording started on demand is left as it is.
   */
  syncAlways(stream: string, wanted: RecordStart | null): void {
    const current = this.recordings.get(stream);
    if (this.closed || (current && !current.always)) return;
    const same = current && wanted && current.format === (wanted.format ?? 'mp4') && current.template === (wanted.template ?? defaultRecordTemplate) && JSON.stringify(current.rotate) === JSON.stringify(wanted.rotate ?? null);
    if (same || (!current && !wanted)) return;
    const stopped = current ? this.stop(stream) : Promise.resolve(null);
    void stopped
      .then(() => (wanted && !this.recordings.has(stream) ? this.begin([stream], wanted, null, true) : null))
      .catch((err: unknown) => {
        const reason = `could not record ${stream} as its setting asks: ${(err as Error).message}`;
        this.deps.log.error({ stream }, `recordings: ${reason}`);
        this.deps.events.publish('recording_error', { stream, reason });
      });
  }

  async startSession(request: RecordingSessionStart): Promise<RecordingSession> {
    const session = crypto.randomBytes(6).toString('hex');
    const streams = await this.begin(request.streams, { ...(request.format ? { format: request.format } : {}), ...(request.template ? { template: request.template } : {}), ...(request.rotate ? { rotate: request.rotate } : {}) }, session);
    return { session, streams };
  }

  /** Checks every stream before starting any, so a session starts whole or not at all. */
  private async begin(streams: readonly string[], request: RecordStart, session: string | null, always = false): Promise<RecordingStatus[]> {
    if (this.closed) throw new Problem('unavailable', 'Stopping', 'the studio is stopping');
    const template = request.template ?? defaultRecordTemplate;
    checkTemplate(template);
    for (const stream of streams) {
      if (!this.deps.streamKnown(stream)) throw new Problem('not-found', 'No such stream', `${stream} is neither configured nor publishing`);
      if (this.recordings.has(stream) || this.starting.has(stream)) throw new Problem('conflict', 'Already recording', `${stream} is already recording to files; stop it first`);
    }
    if (this.recordings.size + this.starting.size + streams.length > maxRecordings) throw new Problem('too-large', 'Too many recordings', `at most ${maxRecordings} streams record to files at once`);
    // Held from here until the recordings exist: a second start while the disk is looked at is refused, not doubled.
    for (const stream of streams) this.starting.add(stream);
    try {
      const root = path.resolve(this.deps.root());
      await fs.mkdir(root, { recursive: true }).catch((err: unknown) => {
        throw new Problem('unavailable', 'Recordings folder not usable', `${root}: ${(err as Error).message}`);
      });
      const free = await fs.statfs(root).then(
        (s) => s.bavail * s.bsize,
        () => Infinity,
      );
      if (free < this.deps.minFreeBytes()) throw new Problem('unavailable', 'Disk nearly full', `${Math.round(free / 2 ** 20)} MB free in ${root}, less than the minimum kept free`);
      if (this.closed) throw new Problem('unavailable', 'Stopping', 'the studio is stopping');
      return this.created(streams, request, template, session, root, always);
    } finally {
      for (const stream of streams) this.starting.delete(stream);
    }
  }

  private created(streams: readonly string[], request: RecordStart, template: string, session: string | null, root: string, always: boolean): RecordingStatus[] {
    return streams.map((stream) => {
      const recording = this.create(stream, request.format ?? 'mp4', template, request.rotate ?? null, session, root, always);
      this.recordings.set(stream, recording);
      const hub = this.deps.hub(stream);
      if (hub) this.watch(hub);
      const status = this.status(stream);
      this.deps.events.publish('recording_changed', status);
      this.deps.log.info({ stream, format: recording.format, session }, 'recordings: started');
      return status;
    });
  }

  private create(stream: string, format: RecordFormat, template: string, rotate: RecordRotate | null, session: string | null, root: string, always: boolean): Recording {
    const rows = new Map<number, number>();
    // eslint-disable-next-line prefer-const -- the writer's callbacks refer to it; none runs before it is set
    let recording: Recording;
    const writer = new RecordingWriter({
      stream,
      format,
      rotate,
      fileFor: (opened: OpenedFile) => {
        // The working name says it is being recorded; the finished name comes from the template.
        const planned = recordingPath(template, { stream, start: opened.startedAt, end: null, durationSeconds: 0, sequence: opened.sequence, session }, format);
        const stem = planned.replace(/\.[^./]+$/, '');
        const provisional = path.join(root, `${stem}.recording`);
        const id = this.deps.store.opened({ stream, session, format, workPath: provisional, root, template, sequence: opened.sequence, startedMs: opened.startedAt.getTime() });
        const workPath = `${provisional}-${id}.${format === 'ts' ? 'ts' : 'mp4'}`;
        this.deps.store.setWorkPath(id, workPath);
        rows.set(opened.sequence, id);
        // A new file of a recording that is on (a rotation, the stream back): the window shows it.
        queueMicrotask(() => {
          if (this.recordings.get(stream) === recording) this.deps.events.publish('recording_changed', this.status(stream));
        });
        return workPath;
      },
      onClosed: (closed: ClosedFile) => {
        const id = rows.get(closed.sequence);
        rows.delete(closed.sequence);
        if (id === undefined) return;
        const row: RecordingRow = { id, stream, session, format, workPath: closed.file, root, template, sequence: closed.sequence, startedMs: closed.startedAt.getTime(), state: 'finishing' };
        this.finish(row, { bytes: closed.bytes, durationMs: closed.durationSeconds * 1000, endedMs: closed.endedAt.getTime(), error: closed.error });
      },
      onProblem: (reason) => {
        recording.error = reason;
        this.deps.log.error({ stream }, `recordings: ${reason}`);
        this.deps.events.publish('recording_error', { stream, reason });
      },
    });
    recording = { stream, always, format, template, rotate, session, since: new Date(), root, attachment: null, hub: null, rows, error: null, writer };
    return recording;
  }

  async stop(stream: string): Promise<RecordingStatus> {
    const recording = this.recordings.get(stream);
    if (!recording) throw new Problem('conflict', 'Not recording', `${stream} is not recording to files`);
    this.recordings.delete(stream);
    await recording.writer.stop();
    recording.attachment?.detach();
    const status = this.status(stream);
    this.deps.events.publish('recording_changed', status);
    this.deps.log.info({ stream }, 'recordings: stopped');
    return status;
  }

  async stopSession(session: string): Promise<RecordingStatus[]> {
    const streams = [...this.recordings.values()].filter((r) => r.session === session).map((r) => r.stream);
    if (streams.length === 0) throw new Problem('not-found', 'No such session', `no stream records in session ${session}`);
    return Promise.all(streams.map((s) => this.stop(s)));
  }

  /** Called for every hub the registry makes: a recording that is on attaches to it. */
  watch(hub: StreamHub): void {
    const recording = this.recordings.get(hub.name);
    if (!recording || recording.hub === hub) return;
    recording.attachment?.detach();
    recording.hub = hub;
    recording.attachment = hub.attach(recording.writer);
  }

  forget(name: string, hub?: StreamHub): void {
    const recording = this.recordings.get(name);
    if (!recording || (hub && recording.hub !== hub)) return;
    recording.attachment?.detach();
    recording.attachment = null;
    recording.hub = null;
  }

  recording(stream: string): boolean {
    return this.recordings.has(stream);
  }

  status(stream: string): RecordingStatus {
    const r = this.recordings.get(stream);
    if (!r) return { stream, recording: false, always: false, format: null, template: null, rotate: null, session: null, since: null, file: null, error: null };
    const open = r.writer.file;
    const id = open ? r.rows.get(open.opened.sequence) : undefined;
    const row = id === undefined ? null : this.deps.store.get(id);
    const file: RecordingFile | null = row && open ? { ...row, bytes: open.bytes, durationSeconds: Math.round(open.durationSeconds * 1000) / 1000 } : null;
    return { stream, recording: true, always: r.always, format: r.format, template: r.template, rotate: r.rotate, session: r.session, since: r.since.toISOString(), file, error: r.error };
  }

  statuses(): RecordingStatus[] {
    return [...this.recordings.keys()].map((s) => this.status(s));
  }

  list(query: { stream?: string; session?: string; limit: number; offset: number }): { total: number; files: RecordingFile[] } {
    return this.deps.store.list(query);
  }

  /** A finished file's absolute path (downloads, send to Library); a Problem otherwise. */
  fileOf(id: number): { file: string; meta: RecordingFile } {
    const meta = this.deps.store.get(id);
    const where = this.deps.store.location(id);
    if (!meta || !where) throw new Problem('not-found', 'No such recording file', `recording file ${id} is not known or not finished`);
    const file = path.resolve(where.root, where.path);
    if (relative(where.root, file).startsWith('..')) throw new Problem('not-found', 'No such recording file', `recording file ${id} is outside its folder`);
    return { file, meta };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.recordings.keys()].map((s) => this.stop(s).catch(() => undefined)));
    // Finishing a long MP4 copies it: a shutdown waits a while, then leaves the rest to the next start (the rows say which).
    const waited = Promise.all(this.finishing);
    await Promise.race([waited, new Promise((resolve) => setTimeout(resolve, closeWaitMs).unref())]);
    // What is still finishing stops now and leaves its row and working file as they are, for recover().
    this.shutdown.abort();
    await waited;
  }

  private published(id: number): void {
    const file = this.deps.store.get(id);
    if (file) this.deps.events.publish('recording_finished', file);
  }

  private finish(row: RecordingRow, closed: { bytes: number; durationMs: number; endedMs: number; error: string | null }): Promise<void> {
    this.deps.store.closed(row.id, closed);
    const values = { stream: row.stream, start: new Date(row.startedMs), end: new Date(closed.endedMs), durationSeconds: closed.durationMs / 1000, sequence: row.sequence, session: row.session };
    const wanted = path.join(row.root, recordingPath(row.template, values, row.format));
    const work = (async () => {
      if (closed.bytes === 0) {
        await fs.rm(row.workPath, { force: true });
        this.deps.store.finished(row.id, { path: relative(row.root, row.workPath), bytes: 0, state: 'failed', error: closed.error ?? 'nothing was written' });
        this.published(row.id);
        return;
      }
      try {
        const done = await finishRecordingFile({ processes: this.deps.processes, ffmpegPath: this.deps.ffmpegPath, signal: this.shutdown.signal, partialTag: String(row.id) }, row.workPath, row.format, wanted);
        if (!done) return;
        const error = [closed.error, done.note].filter(Boolean).join('; ') || null;
        this.deps.store.finished(row.id, { path: relative(row.root, done.file), bytes: done.bytes, state: 'done', error });
        this.published(row.id);
        await runRecordingHandler({ processes: this.deps.processes, command: this.deps.command, log: (level, line) => this.deps.log[level]({ stream: row.stream }, line), signal: this.shutdown.signal }, done.file);
      } catch (err) {
        if (this.shutdown.signal.aborted) return;
        const reason = `could not be finished: ${(err as Error).message}`;
        this.deps.store.finished(row.id, { path: relative(row.root, row.workPath), bytes: closed.bytes, state: 'failed', error: reason });
        this.deps.log.error({ stream: row.stream, err }, `recordings: ${row.workPath} ${reason}`);
        this.published(row.id);
      }
    })().finally(() => this.finishing.delete(work));
    this.finishing.add(work);
    return work;
  }
}

function relative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}
