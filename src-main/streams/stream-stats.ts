import type { Frame, Track } from '../media/index.js';

const historySeconds = 60;

/** Per-second buckets over the last minute: cheap to update per frame, enough for rates and sparklines. */
class SecondBuckets {
  private readonly values = new Float64Array(historySeconds);
  private currentSecond = 0;

  add(nowMs: number, amount: number): void {
    this.advance(nowMs);
    this.values[this.currentSecond % historySeconds]! += amount;
  }

  /** Sum over the last `seconds` whole seconds (the running second excluded). */
  sumLast(nowMs: number, seconds: number): number {
    this.advance(nowMs);
    let sum = 0;
    for (let s = 1; s <= seconds; s++) sum += this.values[(this.currentSecond - s + historySeconds * 2) % historySeconds]!;
    return sum;
  }

  /** The last minute, oldest first, running second excluded. */
  history(nowMs: number): number[] {
    this.advance(nowMs);
    const out: number[] = [];
    for (let s = historySeconds - 1; s >= 1; s--) out.push(this.values[(this.currentSecond - s + historySeconds * 2) % historySeconds]!);
    return out;
  }

  private advance(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    if (this.currentSecond === 0) this.currentSecond = second;
    const steps = Math.min(second - this.currentSecond, historySeconds);
    for (let k = 1; k <= steps; k++) this.values[(this.currentSecond + k) % historySeconds] = 0;
    if (second > this.currentSecond) this.currentSecond = second;
  }
}

export interface ErrorCounts {
  continuity: number;
  timestampJumps: number;
  droppedFrames: number;
}

/**
 * What the Monitor shows about a stream's input, updated per frame with no
 * allocation: bytes and frames per second, keyframe spacing, B-frames, timestamp
 * sanity.
 */
export class StreamStats {
  private readonly bytes = new SecondBuckets();
  private readonly videoFrames = new SecondBuckets();
  framesIn = 0;
  bytesIn = 0;
  keyframes = 0;
  firstFrameAt: number | null = null;
  lastFrameAt: number | null = null;
  bFrames = false;
  readonly errors: ErrorCounts = { continuity: 0, timestampJumps: 0, droppedFrames: 0 };
  private videoTrackId = -1;
  private videoTimescale = 1;
  private lastKeyframeDts: number | null = null;
  /** Recent keyframe intervals in seconds, newest last. */
  private readonly keyIntervals: number[] = [];
  // Indexed by track id: a stream has a handful of tracks, and these are read per frame.
  private lastDts: number[] = [];
  private timescales: number[] = [];

  setTracks(tracks: readonly Track[]): void {
    const video = tracks.find((t) => t.kind === 'video');
    this.videoTrackId = video?.id ?? -1;
    this.videoTimescale = video?.timescale ?? 1;
    this.lastKeyframeDts = null;
    this.lastDts = tracks.map(() => Number.NaN);
    this.timescales = tracks.map((t) => t.timescale);
  }

  onFrame(frame: Frame): void {
    this.framesIn++;
    this.bytesIn += frame.data.length;
    this.firstFrameAt ??= frame.arrivedAt;
    this.lastFrameAt = frame.arrivedAt;
    this.bytes.add(frame.arrivedAt, frame.data.length);
    const previous = this.lastDts[frame.trackId];
    // Backwards, or more than 10 s forward between two frames of one track: the source's clock jumped.
    if (previous !== undefined && !Number.isNaN(previous) && (frame.dts < previous || (frame.dts - previous) / (this.timescales[frame.trackId] ?? 1000) > 10)) {
      this.errors.timestampJumps++;
    }
    this.lastDts[frame.trackId] = frame.dts;
    if (frame.trackId !== this.videoTrackId) return;
    this.videoFrames.add(frame.arrivedAt, 1);
    if (frame.pts !== frame.dts) this.bFrames = true;
    if (frame.keyframe) {
      this.keyframes++;
      if (this.lastKeyframeDts !== null && frame.dts > this.lastKeyframeDts) {
        this.keyIntervals.push((frame.dts - this.lastKeyframeDts) / this.videoTimescale);
        if (this.keyIntervals.length > 10) this.keyIntervals.shift();
      }
      this.lastKeyframeDts = frame.dts;
    }
  }

  /** Whole seconds (up to `max`) that this stream has been running: rates must not average over time before it began. */
  private coveredSeconds(nowMs: number, max: number): number {
    if (this.firstFrameAt === null) return 0;
    return Math.min(max, Math.floor(nowMs / 1000) - Math.ceil(this.firstFrameAt / 1000));
  }

  bitrate(nowMs: number): { last1s: number; last10s: number } {
    const window = this.coveredSeconds(nowMs, 10);
    if (window < 1) return { last1s: 0, last10s: 0 };
    return { last1s: this.bytes.sumLast(nowMs, 1) * 8, last10s: (this.bytes.sumLast(nowMs, window) * 8) / window };
  }

  bitrateHistory(nowMs: number): number[] {
    return this.bytes.history(nowMs).map((b) => b * 8);
  }

  fps(nowMs: number): number {
    const window = this.coveredSeconds(nowMs, 5);
    return window < 1 ? 0 : this.videoFrames.sumLast(nowMs, window) / window;
  }

  keyframeInterval(): { last: number | null; average: number | null; irregular: boolean } {
    const list = this.keyIntervals;
    if (list.length === 0) return { last: null, average: null, irregular: false };
    const average = list.reduce((a, b) => a + b, 0) / list.length;
    // Irregular: GOPs differ by more than a quarter of their average (scene-cut keyframes, or no fixed GOP set).
    const irregular = list.length >= 3 && list.some((v) => Math.abs(v - average) > average * 0.25);
    return { last: list.at(-1)!, average: Math.round(average * 1000) / 1000, irregular };
  }
}
