import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Frame, Track } from '../media/index.js';
import { buildInitSegment, buildMediaSegmentParts, lastDurationsBefore } from '../formats/fmp4/index.js';
import type { FrameSink } from '../streams/frame-sink.js';
import { UtcAnchor } from '../streams/utc-anchor.js';
import type { ArchiveStore } from './archive-store.js';
import type { SegmentRecord } from './dvr-index.js';
import { writtenSampleTables } from './sample-tables.js';

export interface RecorderOptions {
  stream: string;
  archive: ArchiveStore;
  log: Logger;
  /** Target segment length; a segment is cut at the first keyframe after it, never inside a GOP. */
  targetMs: () => number;
  /** False while recording must pause (disk low, recording switched off). */
  allowed: () => boolean;
  onSegment(segment: SegmentRecord): void;
  onError(reason: string): void;
  /**
   * The archive got a hole inside one session: told when the first segment after it is on
   * disk, with where the archive stopped (fromMs) and goes on (toMs). Never for a session's
   * first segment.
   */
  onGap?(gap: ArchiveGap): void;
}

export interface ArchiveGap {
  fromMs: number;
  toMs: number;
  reason: string;
}

/** Time lost from a session's archive, from where it stopped; where it goes on is known once the next segment is written. */
type Loss = Omit<ArchiveGap, 'toMs'>;

// Segments waiting for the disk beyond this are dropped (and said so): memory must stay bounded.
const maxQueuedBytes = 64 << 20;

interface Session {
  tracks: readonly Track[];
  initId: number;
  initHash: string;
  init: { bytes: Uint8Array; file: string; written: boolean };
  /** The track whose keyframes cut segments and whose clock maps to UTC: video when there is one. */
  clockTrack: Track;
  clock: UtcAnchor;
  sequence: number;
  pendingDiscontinuity: boolean;
  /** Where the last segment handed to the disk ends (UTC ms); null before the first. */
  lastEndMs: number | null;
  /** Time lost since that segment (dropped, paused, unwritable, a clock jump): the first cause. */
  lost: Loss | null;
  /** A write of this session that failed: from the failed segment's start (writes are in order, so the next one written closes it). */
  lostOnDisk: Loss | null;
  /** Whether a segment of this session is on disk: a hole needs something before it. */
  written: boolean;
}

/**
 * Records one stream: a sink on its hub that cuts CMAF segments on keyframes and
 * writes each as a temporary file that is synced and renamed when complete, so
 * a crash loses at most the segment being written. The index row, with the
 * segment's sample tables, comes last.
 */
export class SegmentRecorder implements FrameSink {
  readonly label = 'dvr';
  readonly passive = true;
  private session: Session | null = null;
  private samples: Frame[] = [];
  private queue: Promise<void> = Promise.resolve();
  private queuedBytes = 0;
  private failing: string | null = null;
  droppedSegments = 0;

  constructor(private readonly o: RecorderOptions) {}

  /** A write that failed last time, or null once writing works again. */
  get error(): string | null {
    return this.failing;
  }

  onTracks(tracks: readonly Track[]): void {
    this.cut(null);
    const clockTrack = tracks.find((t) => t.kind === 'video') ?? tracks[0];
    if (!clockTrack) {
      this.session = null;
      return;
    }
    let init: Uint8Array;
    try {
      init = buildInitSegment(tracks);
    } catch (err) {
      // A configuration the archive cannot store (e.g. MP3 audio): this session goes unrecorded, and says so.
      this.session = null;
      this.o.onError(`cannot record this stream's configuration: ${(err as Error).message}`);
      return;
    }
    const hash = crypto.createHash('sha256').update(init).digest('hex');
    const { id: initId, file } = this.o.archive.addInit(this.o.stream, hash, tracks);
    const session: Session = { tracks, initId, initHash: hash, init: { bytes: init, file, written: false }, clockTrack, clock: new UtcAnchor(clockTrack.timescale), sequence: 1, pendingDiscontinuity: true, lastEndMs: null, lost: null, lostOnDisk: null, written: false };
    this.session = session;
    this.enqueue(init.length, () => this.ensureInit(session));
  }

  onFrame(frame: Frame): boolean {
    const session = this.session;
    if (!session) return true;
    const isClock = frame.trackId === session.clockTrack.id;
    if (isClock && !session.clock.anchored) session.clock.reset(frame.dts, frame.arrivedAt);
    else if (isClock && session.clock.drifted(frame.dts, frame.arrivedAt)) {
      this.cut(null);
      const late = frame.arrivedAt > session.clock.utcMs(frame.dts);
      session.clock.reset(frame.dts, frame.arrivedAt);
      this.lose(session, late ? 'the source sent nothing for a while' : "the source's timestamps jumped");
    }
    const first = this.samples[0];
    if (first && isClock && (frame.keyframe || session.clockTrack.kind === 'audio')) {
      const firstClock = this.samples.find((f) => f.trackId === session.clockTrack.id);
      if (firstClock && ((frame.dts - firstClock.dts) * 1000) / session.clockTrack.timescale >= this.o.targetMs()) this.cut(frame);
    }
    // A segment starts on a keyframe of the clock track; anything before the first one cannot be decoded alone.
    if (this.samples.length === 0 && !(isClock && frame.keyframe)) return true;
    this.samples.push(frame);
    return true;
  }

  onSourceEnd(): void {
    this.cut(null);
    this.session = null;
  }

  onDetach(): void {
    this.onSourceEnd();
  }

  /** Waits for every queued write (shutdown). */
  async flush(): Promise<void> {
    this.cut(null);
    await this.queue;
  }

  /** Finishes the segment in progress; `next` (the frame that starts the next one) gives the last sample's duration. */
  private cut(next: Frame | null): void {
    const session = this.session;
    const samples = this.samples;
    this.samples = [];
    if (!session || samples.length === 0 || !session.clock.anchored) return;
    if (!this.o.allowed()) {
      this.lose(session, 'recording was paused (low disk space)');
      return;
    }
    const clock = session.clockTrack;
    const clockSamples = samples.filter((f) => f.trackId === clock.id);
    const firstDts = clockSamples[0]!.dts;
    const lastDurations = lastDurationsBefore(samples, next);
    const endDts = next ? next.dts : clockSamples.at(-1)!.dts + (lastDurations.get(clock.id) ?? typicalDuration(clockSamples, clock));
    // The segment goes to the disk as its head and the frames' own payloads (one gathering
    // write): a copy of every frame into one buffer would be the ingest rate again in
    // allocations, and in garbage for the collector.
    let pieces: Uint8Array[];
    let byteLength: number;
    let sampleTables: Uint8Array;
    try {
      const written = buildMediaSegmentParts({ sequenceNumber: session.sequence++, tracks: session.tracks, samples, lastDurations });
      pieces = [written.head, ...written.payloads];
      byteLength = written.byteLength;
      sampleTables = writtenSampleTables(session.tracks, samples, written);
    } catch (err) {
      // Timestamps the format cannot hold (a source's clock jumped backwards): skip this segment, mark the gap.
      this.lose(session, `a segment could not be written: ${(err as Error).message}`);
      this.o.onError(`a segment of ${this.o.stream} could not be written: ${(err as Error).message}`);
      return;
    }
    const startMs = Math.round(session.clock.utcMs(firstDts));
    const durationMs = Math.max(1, Math.round(((endDts - firstDts) * 1000) / clock.timescale));
    const record: SegmentRecord = {
      stream: this.o.stream,
      startMs,
      durationMs,
      bytes: byteLength,
      file: this.o.archive.segmentFile(this.o.stream, startMs, session.initHash),
      initId: session.initId,
      firstKeyframe: clockSamples[0]!.keyframe,
      discontinuity: session.pendingDiscontinuity,
    };
    session.pendingDiscontinuity = false;
    if (this.queuedBytes + byteLength > maxQueuedBytes) {
      this.droppedSegments++;
      this.o.onError(`the disk is not keeping up: a ${Math.round(durationMs / 100) / 10} s segment of ${this.o.stream} was dropped`);
      this.lose(session, 'the disk was not keeping up: a segment was dropped');
      return;
    }
    const lost = session.lost;
    session.lost = null;
    session.lastEndMs = startMs + durationMs;
    this.enqueue(byteLength, async () => {
      // A write before this one failed (known only now, writes being in order): the hole is just before this segment.
      if (session.lostOnDisk) record.discontinuity = true;
      try {
        // A segment is useless without its init: if writing that failed before, it is retried first.
        await this.ensureInit(session);
        await this.o.archive.writeSegment(record, pieces, sampleTables);
      } catch (err) {
        session.lostOnDisk ??= { fromMs: record.startMs, reason: describeDiskError(err) };
        throw err;
      }
      // Both a loss seen when cutting and a failed write: the hole starts at the earlier.
      const onDisk = session.lostOnDisk;
      const gap = lost && onDisk ? (onDisk.fromMs < lost.fromMs ? onDisk : lost) : (lost ?? onDisk);
      const before = session.written;
      session.lostOnDisk = null;
      session.written = true;
      this.o.onSegment(record);
      if (gap && before) this.o.onGap?.({ fromMs: gap.fromMs, toMs: record.startMs, reason: gap.reason });
    });
  }

  /** Time of this session is lost from the archive: the next segment starts a discontinuity, and tells of the gap when written. */
  private lose(session: Session, reason: string): void {
    session.pendingDiscontinuity = true;
    // Before the session's first segment nothing is lost from its archive yet.
    if (session.lastEndMs !== null) session.lost ??= { fromMs: session.lastEndMs, reason };
  }

  private async ensureInit(session: Session): Promise<void> {
    if (session.init.written) return;
    await this.o.archive.writeInit(session.init.file, session.init.bytes);
    session.init.written = true;
  }

  private enqueue(size: number, write: () => Promise<void>): void {
    this.queuedBytes += size;
    this.queue = this.queue
      .then(write)
      .then(
        () => {
          if (this.failing) this.o.log.info({ stream: this.o.stream }, 'dvr: writing works again');
          this.failing = null;
        },
        (err: unknown) => {
          const reason = describeDiskError(err);
          if (this.failing !== reason) this.o.onError(reason);
          this.failing = reason;
          if (this.session) this.session.pendingDiscontinuity = true;
        },
      )
      .finally(() => {
        this.queuedBytes -= size;
      });
  }
}

function typicalDuration(samples: readonly Frame[], track: Track): number {
  if (samples.length >= 2) return samples.at(-1)!.dts - samples.at(-2)!.dts;
  return track.kind === 'audio' ? Math.round((1024 * track.timescale) / track.sampleRate) : Math.round(track.timescale / 30);
}

function describeDiskError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOSPC':
      return 'the disk is full: recording stopped until space is freed';
    case 'EACCES':
    case 'EPERM':
      return `no permission to write the archive (${e.path ?? ''})`;
    case 'EIO':
      return 'the disk reported an I/O error';
    case 'EROFS':
      return 'the archive is on a read-only file system';
    default:
      return `cannot write the archive: ${e.message}`;
  }
}
