import { performance } from 'node:perf_hooks';
import type { Frame, Track } from '../../media/index.js';
import { buildInitSegment, buildMediaSegment, lastDurationsBefore } from '../../formats/fmp4/index.js';
import type { FrameSink } from '../../streams/frame-sink.js';
import { UtcAnchor } from '../../streams/utc-anchor.js';

export interface LiveInit {
  /** Names the init in URLs; a new source session or codec change gets a new one. */
  id: number;
  bytes: Uint8Array;
}

export interface LivePart {
  durationMs: number;
  /** Starts with a keyframe: a player may begin here. */
  independent: boolean;
  /** One CMAF chunk (moof + mdat): the parent segment is its parts one after another. */
  bytes: Uint8Array;
  /** performance.now() when the part became available, for the blocking-reload figures. */
  readyAt: number;
}

export interface LiveSegment {
  msn: number;
  init: LiveInit;
  /** UTC of the first frame: EXT-X-PROGRAM-DATE-TIME. */
  startMs: number;
  /** The sum of its parts so far; final once complete. */
  durationMs: number;
  parts: LivePart[];
  complete: boolean;
  /** Not continuous with the segment before (new source, clock jump, lost part). */
  discontinuity: boolean;
}

export interface LiveWindowOptions {
  /** Segments are cut at the first keyframe after this much media. */
  segmentTargetMs: () => number;
  /** Parts are cut so none is longer than this (EXT-X-PART-INF:PART-TARGET). */
  partTargetMs: number;
  /** Completed segments kept for playlists and late requests. */
  keepSegments: number;
  /** First media sequence number: time-based, so URLs are not reused by a later window or process. */
  firstMsn?: number;
  onError?(reason: string): void;
}

interface Session {
  tracks: readonly Track[];
  clockTrack: Track;
  init: LiveInit;
  anchor: UtcAnchor;
  fragmentSequence: number;
}

type Waiter = () => void;

/** Parts may run this much over the nominal target; the playlist's PART-TARGET includes it. */
export const partTargetSlackMs = 5;

/**
 * The live edge of one stream, in memory: CMAF parts of about PART-TARGET cut on the
 * ingest path as frames arrive, grouped into segments that start on keyframes, for
 * low-latency HLS (and plain HLS, which simply uses the whole segments). A segment's
 * bytes are its parts' bytes in order, so nothing is packaged twice.
 */
export class LiveWindow implements FrameSink {
  readonly label = 'live-hls';
  readonly passive = true;
  /** Completed segments, oldest first, then the one in progress (if any). */
  readonly segments: LiveSegment[] = [];
  /** Discontinuities among segments that have left the window (EXT-X-DISCONTINUITY-SEQUENCE). */
  discontinuitySequence = 0;
  /** EXT-X-TARGETDURATION in seconds: only grows, as the specification wants it constant. */
  targetDurationS: number;
  /** Why the current source cannot be packaged, when it cannot. */
  problem: string | null = null;
  closed = false;
  /** Changes whenever a part, a segment or the window's end changes: the playlist depends on nothing else. */
  version = 0;
  private session: Session | null = null;
  private nextMsn: number;
  private nextInitId = Date.now();
  private part: Frame[] = [];
  private partStartDts = Number.NaN;
  private segmentStartDts = Number.NaN;
  private lastClockDts = Number.NaN;
  /** The last gap between clock-track frames: the duration of a part's final frame when no next frame is known. */
  private clockStep = Number.NaN;
  private pendingDiscontinuity = false;
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly o: LiveWindowOptions) {
    this.nextMsn = o.firstMsn ?? Math.floor(Date.now() / 1000);
    this.targetDurationS = Math.max(1, Math.ceil(o.segmentTargetMs() / 1000));
  }

  /** PART-TARGET without its slack: fixed for the window's life. */
  get partTargetMs(): number {
    return this.o.partTargetMs;
  }

  /** The segment being filled, if any. */
  get open(): LiveSegment | null {
    const last = this.segments.at(-1);
    return last && !last.complete ? last : null;
  }

  /** The newest part's position, or null before the first one. */
  get newestPart(): { msn: number; part: number; readyAt: number } | null {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i]!;
      const last = s.parts.at(-1);
      if (last) return { msn: s.msn, part: s.parts.length - 1, readyAt: last.readyAt };
    }
    return null;
  }

  get newestCompleteMsn(): number | null {
    for (let i = this.segments.length - 1; i >= 0; i--) if (this.segments[i]!.complete) return this.segments[i]!.msn;
    return null;
  }

  segment(msn: number): LiveSegment | undefined {
    const first = this.segments[0];
    return first ? this.segments[msn - first.msn] : undefined;
  }

  /** The init of a current or recent segment. */
  init(id: number): LiveInit | undefined {
    if (this.session?.init.id === id) return this.session.init;
    return this.segments.find((s) => s.init.id === id)?.init;
  }

  /** Resolves true once `ready()` holds, false after timeoutMs or when the window closes. */
  waitFor(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const check: Waiter = () => {
        if (!ready() && !this.closed) return;
        finish(!this.closed || ready());
      };
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.waiters.add(check);
    });
  }

  onTracks(tracks: readonly Track[]): void {
    this.finishSegment(null);
    this.part = [];
    this.problem = null;
    const clockTrack = tracks.find((t) => t.kind === 'video') ?? tracks[0];
    this.session = null;
    if (!clockTrack) return;
    let bytes: Uint8Array;
    try {
      bytes = buildInitSegment(tracks);
    } catch (err) {
      this.problem = `cannot package this stream's configuration: ${(err as Error).message}`;
      this.o.onError?.(this.problem);
      return;
    }
    this.session = { tracks, clockTrack, init: { id: this.nextInitId++, bytes }, anchor: new UtcAnchor(clockTrack.timescale), fragmentSequence: 1 };
    this.pendingDiscontinuity = this.segments.length > 0;
  }

  onFrame(frame: Frame): boolean {
    const session = this.session;
    if (!session) return true;
    const clock = session.clockTrack;
    const isClock = frame.trackId === clock.id;
    if (isClock) {
      if (!session.anchor.anchored) session.anchor.reset(frame.dts, frame.arrivedAt);
      else if (session.anchor.drifted(frame.dts, frame.arrivedAt)) {
        // The source went silent and came back: what was held is finished on the old clock.
        this.finishSegment(null);
        session.anchor.reset(frame.dts, frame.arrivedAt);
        this.pendingDiscontinuity = true;
      }
    }
    const sync = isClock && (frame.keyframe || clock.kind === 'audio');
    const open = this.open;
    if (!open) {
      // Nothing decodes before a keyframe of the clock track.
      if (!sync) return true;
      this.startSegment(session, frame);
    } else if (isClock) {
      const ms = (ticks: number) => (ticks * 1000) / clock.timescale;
      if (sync && ms(frame.dts - this.segmentStartDts) >= this.o.segmentTargetMs()) {
        this.finishSegment(frame);
        this.startSegment(session, frame);
      } else {
        const partMs = ms(frame.dts - this.partStartDts);
        const stepMs = ms(frame.dts - this.lastClockDts);
        // Cut now when waiting for the next frame would make the part longer than PART-TARGET
        // (with room for the millisecond rounding of RTMP timestamps, so 30 fps gives 15-frame parts).
        const limit = this.o.partTargetMs + partTargetSlackMs;
        if (partMs > 0 && (partMs >= limit || partMs + stepMs > limit)) this.finishPart(frame);
      }
    }
    if (isClock) {
      if (this.part.length === 0) this.partStartDts = frame.dts;
      if (frame.dts > this.lastClockDts) this.clockStep = frame.dts - this.lastClockDts;
      this.lastClockDts = frame.dts;
    }
    this.part.push(frame);
    return true;
  }

  onSourceEnd(): void {
    this.finishSegment(null);
    this.session = null;
  }

  onDetach(): void {
    this.onSourceEnd();
    this.closed = true;
    this.notify();
  }

  private startSegment(session: Session, first: Frame): void {
    this.segments.push({
      msn: this.nextMsn++,
      init: session.init,
      startMs: Math.round(session.anchor.utcMs(first.dts)),
      durationMs: 0,
      parts: [],
      complete: false,
      discontinuity: this.pendingDiscontinuity,
    });
    this.pendingDiscontinuity = false;
    this.segmentStartDts = first.dts;
    this.partStartDts = first.dts;
  }

  /** Closes the part in progress; `next` is the frame that starts the next one (it gives the last sample's duration). */
  private finishPart(next: Frame | null): void {
    const session = this.session;
    const open = this.open;
    const samples = this.part;
    this.part = [];
    if (!session || !open || samples.length === 0) return;
    const clock = session.clockTrack;
    const lastDurations = lastDurationsBefore(samples, next);
    let bytes: Uint8Array;
    try {
      bytes = buildMediaSegment({ sequenceNumber: session.fragmentSequence++, tracks: session.tracks, samples, lastDurations }).bytes;
    } catch (err) {
      // Timestamps the format cannot hold (the source's clock jumped back): end the segment here; the next keyframe starts over, marked.
      this.o.onError?.(`a live part could not be packaged: ${(err as Error).message}`);
      this.closeOpen();
      this.pendingDiscontinuity = true;
      return;
    }
    const first = samples[0]!;
    const lastClock = samples.findLast((f) => f.trackId === clock.id);
    const endDts = next?.trackId === clock.id ? next.dts : (lastClock?.dts ?? this.partStartDts) + this.typicalStep(clock);
    const durationMs = Math.max(1, ((endDts - this.partStartDts) * 1000) / clock.timescale);
    const independent = first.trackId === clock.id && (first.keyframe || clock.kind === 'audio');
    open.parts.push({ durationMs, independent, bytes, readyAt: performance.now() });
    open.durationMs += durationMs;
    this.notify();
  }

  private finishSegment(next: Frame | null): void {
    this.finishPart(next);
    this.closeOpen();
  }

  private closeOpen(): void {
    const open = this.open;
    if (!open) return;
    if (open.parts.length === 0) {
      this.segments.pop();
      this.nextMsn--;
      if (open.discontinuity) this.pendingDiscontinuity = true;
      return;
    }
    open.complete = true;
    this.targetDurationS = Math.max(this.targetDurationS, Math.round(open.durationMs / 1000));
    let complete = 0;
    for (const s of this.segments) if (s.complete) complete++;
    while (complete > this.o.keepSegments) {
      this.segments.shift();
      complete--;
      // The discontinuity between the dropped segment and the new first one leaves the playlist: count it.
      if (this.segments[0]?.discontinuity) this.discontinuitySequence++;
    }
    this.notify();
  }

  private typicalStep(track: Track): number {
    if (this.clockStep > 0) return this.clockStep;
    return track.kind === 'audio' ? Math.round((1024 * track.timescale) / track.sampleRate) : Math.round(track.timescale / 30);
  }

  private notify(): void {
    this.version++;
    for (const waiter of [...this.waiters]) waiter();
  }
}
