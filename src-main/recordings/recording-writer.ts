// Writes one stream into plain files as it arrives: a sink on the stream's hub. MP4 and MKV
// are written as fragmented MP4 (an init, then a moof+mdat per GOP), so a crash leaves a
// file every player opens; MPEG-TS is written as MPEG-TS. A new file begins on a keyframe
// when the rotation says so, and every frame goes into exactly one file: the cut is made
// in arrival order, never by time, so nothing is lost or repeated where files meet.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Frame, Track } from '../media/index.js';
import type { RecordFormat, RecordRotate } from '../contract/recording-api.js';
import { buildInitSegment, buildMediaSegmentParts, lastDurationsBefore } from '../formats/fmp4/index.js';
import { writeAll } from '../files/write-all.js';
import { TsMuxer } from '../formats/mpegts/index.js';
import type { FrameSink } from '../streams/frame-sink.js';

/** Bytes handed to the disk and not yet written, over all files of a writer; beyond it the recording fails rather than growing memory. */
const maxQueuedBytes = 64 << 20;
/** A GOP longer than this is written in pieces (a fragment may start on any frame). */
const maxFragmentBytes = 8 << 20;
/** Sound alone is written in fragments of about this long. */
const audioFragmentSeconds = 1;

export interface OpenedFile {
  sequence: number;
  /** Wall clock of the file's first frame (its arrival). */
  startedAt: Date;
}

export interface ClosedFile extends OpenedFile {
  file: string;
  bytes: number;
  durationSeconds: number;
  endedAt: Date;
  /** Why writing stopped early (the disk), or null. */
  error: string | null;
}

export interface RecordingWriterOptions {
  stream: string;
  format: RecordFormat;
  rotate: RecordRotate | null;
  /** Where the file opening now is written (absolute; its folder is made). */
  fileFor(opened: OpenedFile): string;
  /** The file is whole on disk (synced and closed): finish it. */
  onClosed(closed: ClosedFile): void;
  /** Something went wrong that the user should know about (a track left out, the disk). */
  onProblem(reason: string): void;
}

interface OpenFile {
  opened: OpenedFile;
  file: string;
  tracks: readonly Track[];
  clock: Track;
  handle: Promise<fs.FileHandle>;
  queue: Promise<void>;
  bytes: number;
  /** Bytes of whole fragments on disk: a write that fails is cut back to this, so the file ends on a whole fragment. */
  written: number;
  firstClockDts: number;
  /** The latest picture (or sound frame, without pictures) and the gap before it: the file's length. */
  lastClockDts: number | null;
  lastClockDuration: number;
  fragments: number;
  muxer: TsMuxer | null;
  /** The wall-clock slot it started in (aligned rotation). */
  slot: number;
  /** A write failed: nothing more is written to this file. */
  error: string | null;
  /** Too much waits for the disk: nothing new is taken, what waits is still written. */
  full: boolean;
}

const localSecondsOfDay = (ms: number) => {
  const d = new Date(ms);
  return d.getHours() * 3600 + d.getMinutes() * 60 + d.getSeconds();
};

export class RecordingWriter implements FrameSink {
  readonly label = 'recording';
  readonly passive = true;
  private tracks: readonly Track[] | null = null;
  private current: OpenFile | null = null;
  private pending: Frame[] = [];
  private pendingBytes = 0;
  private queuedBytes = 0;
  private sequence = 0;
  private stopped = false;
  private readonly closing = new Set<Promise<void>>();

  constructor(private readonly o: RecordingWriterOptions) {}

  /** The file being written, for the status. */
  get file(): { opened: OpenedFile; file: string; bytes: number; durationSeconds: number } | null {
    const c = this.current;
    return c ? { opened: c.opened, file: c.file, bytes: c.bytes + this.pendingBytes, durationSeconds: duration(c) } : null;
  }

  onTracks(tracks: readonly Track[]): void {
    // New tracks cannot go on in the same file (its init describes the old ones).
    this.closeFile(null);
    this.tracks = tracks.length > 0 ? tracks : null;
  }

  onFrame(frame: Frame): boolean {
    const tracks = this.tracks;
    if (!tracks || this.stopped) return true;
    const clock = tracks.find((t) => t.kind === 'video') ?? tracks[0]!;
    const onClock = frame.trackId === clock.id;
    const cutPoint = onClock && (clock.kind === 'video' ? frame.keyframe : this.pendingSpan(clock, frame) >= audioFragmentSeconds);
    if (!this.current) {
      // A file starts on a picture that decodes alone.
      if (!(onClock && (frame.keyframe || clock.kind === 'audio'))) return true;
      this.openFile(tracks, clock, frame);
    } else if (cutPoint || this.pendingBytes >= maxFragmentBytes) {
      this.flush(frame);
      if (this.current && cutPoint && this.rotationDue(this.current, frame)) {
        this.closeFile(frame);
        this.openFile(tracks, clock, frame);
      }
    }
    // Writing may have failed just now (the disk): the recording has ended.
    const c = this.current;
    if (!c || this.stopped) return true;
    this.pending.push(frame);
    this.pendingBytes += frame.data.length;
    if (onClock) {
      if (c.lastClockDts !== null) c.lastClockDuration = frame.dts - c.lastClockDts;
      c.lastClockDts = frame.dts;
    }
    return true;
  }

  onSourceEnd(): void {
    this.closeFile(null);
  }

  onDetach(): void {
    this.closeFile(null);
  }

  /** Ends the recording: the open file is written out and closed; resolves once every file is closed. */
  async stop(): Promise<void> {
    this.closeFile(null);
    this.stopped = true;
    await Promise.all(this.closing);
  }

  private pendingSpan(clock: Track, frame: Frame): number {
    const first = this.pending.find((f) => f.trackId === clock.id);
    return first ? (frame.dts - first.dts) / clock.timescale : 0;
  }

  private rotationDue(c: OpenFile, frame: Frame): boolean {
    const rotate = this.o.rotate;
    if (!rotate) return false;
    if ('bytes' in rotate) return c.bytes >= rotate.bytes;
    if (rotate.aligned) return this.slotOf(frame.arrivedAt) !== c.slot;
    return (frame.dts - c.firstClockDts) / c.clock.timescale >= rotate.seconds;
  }

  /** Which stretch of the day (of `seconds` each since local midnight) a time falls in; a new day is a new slot. */
  private slotOf(ms: number): number {
    const rotate = this.o.rotate;
    const seconds = rotate && 'seconds' in rotate ? rotate.seconds : 86_400;
    const day = new Date(ms).toDateString();
    return Number(new Date(day).getTime() / 1000) + Math.floor(localSecondsOfDay(ms) / seconds);
  }

  private openFile(tracks: readonly Track[], clock: Track, first: Frame): void {
    const opened: OpenedFile = { sequence: ++this.sequence, startedAt: new Date(first.arrivedAt) };
    const file = this.o.fileFor(opened);
    const handle = fs.mkdir(path.dirname(file), { recursive: true }).then(() => fs.open(file, 'wx'));
    let muxer: TsMuxer | null = null;
    let head: Uint8Array | null = null;
    let error: string | null = null;
    try {
      if (this.o.format === 'ts') {
        muxer = new TsMuxer(tracks);
        if (muxer.skipped.length > 0) this.o.onProblem(`MPEG-TS leaves out ${muxer.skipped.map((s) => s.reason).join('; ')}: record as MP4 or MKV to keep it`);
      } else head = buildInitSegment(tracks);
    } catch (err) {
      error = `this stream cannot be recorded as ${this.o.format.toUpperCase()}: ${(err as Error).message}`;
    }
    const current: OpenFile = { opened, file, tracks, clock, handle, queue: Promise.resolve(), bytes: 0, written: 0, firstClockDts: first.dts, lastClockDts: null, lastClockDuration: 0, fragments: 0, muxer, slot: this.slotOf(first.arrivedAt), error, full: false };
    // A file that cannot be opened fails the recording now, not at its first write.
    current.queue = handle.then(
      () => undefined,
      (err: unknown) => this.fail(current, describeWriteError(err)),
    );
    this.current = current;
    if (error) {
      this.o.onProblem(error);
      this.stopped = true;
    }
    if (head) this.write(this.current, [head]);
  }

  /** Writes what is pending as one fragment; `next` (the frame after it) gives the last picture's duration. */
  private flush(next: Frame | null): void {
    const c = this.current;
    const samples = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (!c || samples.length === 0 || c.error) return;
    try {
      if (c.muxer) {
        this.write(c, samples.map((f) => c.muxer!.mux(f)));
      } else {
        // The fragment goes to the file as its head and the frames' own payloads, not copied into one buffer first.
        const fragment = buildMediaSegmentParts({ sequenceNumber: ++c.fragments, tracks: c.tracks, samples, lastDurations: lastDurationsBefore(samples, next) });
        this.write(c, [fragment.head, ...fragment.payloads]);
      }
    } catch (err) {
      // Times the format cannot hold (a source's clock ran backwards): these frames are left out and said so.
      this.o.onProblem(`${samples.length} frames of ${this.o.stream} could not be written: ${(err as Error).message}`);
    }
  }

  private write(c: OpenFile, pieces: readonly Uint8Array[]): void {
    if (c.full) return;
    let length = 0;
    for (const piece of pieces) length += piece.length;
    if (this.queuedBytes + length > maxQueuedBytes) {
      // Nothing more is taken, but what was taken is still written: the file so far is kept whole.
      c.full = true;
      this.o.onProblem('the disk is not keeping up with this recording: it stopped; the file so far is kept');
      this.stopped = true;
      if (this.current === c) this.closeFile(null);
      return;
    }
    this.queuedBytes += length;
    c.bytes += length;
    c.queue = c.queue
      .then(async () => {
        if (c.error) return;
        const fh = await c.handle;
        try {
          await writeAll(fh, pieces);
        } catch (err) {
          await fh.truncate(c.written).catch(() => undefined);
          throw err;
        }
        c.written += length;
      })
      .catch((err: unknown) => this.fail(c, describeWriteError(err)))
      .finally(() => {
        this.queuedBytes -= length;
      });
  }

  private fail(c: OpenFile, reason: string): void {
    if (c.error) return;
    c.error = reason;
    this.o.onProblem(reason);
    // Nothing more is written anywhere: the file so far is kept and finished.
    this.stopped = true;
    if (this.current === c) this.closeFile(null);
  }

  private closeFile(next: Frame | null): void {
    const c = this.current;
    if (!c) return;
    this.flush(next);
    this.current = null;
    const done = c.queue
      .then(async () => {
        const fh = await c.handle;
        await fh.sync().catch(() => undefined);
        await fh.close();
      })
      .catch((err: unknown) => {
        c.error ??= describeWriteError(err);
      })
      .then(() => {
        const stat = fs.stat(c.file).then(
          (s) => s.size,
          () => 0,
        );
        return stat.then((bytes) => this.o.onClosed({ ...c.opened, file: c.file, bytes, durationSeconds: duration(c), endedAt: new Date(c.opened.startedAt.getTime() + duration(c) * 1000), error: c.error }));
      })
      .finally(() => this.closing.delete(done));
    this.closing.add(done);
  }
}

function duration(c: OpenFile): number {
  if (c.lastClockDts === null) return 0;
  return Math.max(0, (c.lastClockDts + c.lastClockDuration - c.firstClockDts) / c.clock.timescale);
}

export function describeWriteError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOSPC':
      return 'the disk is full: the recording stopped; the file so far is kept';
    case 'EACCES':
    case 'EPERM':
      return `no permission to write ${e.path ?? 'the recordings folder'}`;
    case 'EEXIST':
      return `${e.path ?? 'the file'} already exists and is never overwritten`;
    case 'EROFS':
      return 'the recordings folder is on a read-only file system';
    default:
      return `cannot write the recording: ${e.message}`;
  }
}
