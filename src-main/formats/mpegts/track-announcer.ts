import type { Frame, Track } from '../../media/frame.js';

/**
 * Decides when onTracks fires, holding frames back until it has: once every stream of
 * the program has its configuration; or, with the tracks ready by then, after
 * `announceAfterTicks` of stream time, when the held frames pass `maxPendingBytes`, or at
 * the end of input. After that, again on every change; frames of tracks not (yet)
 * announced are dropped, so a consumer never sees a frame before its track.
 */
export class TrackAnnouncer {
  /** Track ids of the last onTracks; null before the first. */
  private announced: Set<number> | null = null;
  private pending: Frame[] = [];
  private pendingBytes = 0;
  private firstDts: number | null = null;

  constructor(
    private readonly limits: { readonly announceAfterTicks: number; readonly maxPendingBytes: number },
    /** Each stream's track, null while it has no configuration. */
    private readonly streamTracks: () => (Track | null)[],
    private readonly onTracks: (tracks: Track[]) => void,
    private readonly onFrame: (frame: Frame) => void,
  ) {}

  /** A new program: nothing announced, nothing held. */
  reset(): void {
    this.announced = null;
    this.pending = [];
    this.pendingBytes = 0;
    this.firstDts = null;
  }

  /** A stream's track is new or changed. */
  trackChanged(): void {
    if (this.announced || this.streamTracks().every((track) => track !== null)) this.announce();
  }

  /** The program's stream time has reached `dts`. */
  time(dts: number): void {
    this.firstDts ??= dts;
    if (!this.announced && dts - this.firstDts >= this.limits.announceAfterTicks) this.announce();
  }

  frame(frame: Frame): void {
    if (this.announced) {
      if (this.announced.has(frame.trackId)) this.onFrame(frame);
      return;
    }
    this.pending.push(frame);
    this.pendingBytes += frame.data.length;
    if (this.pendingBytes > this.limits.maxPendingBytes) this.announce();
  }

  end(): void {
    if (!this.announced) this.announce();
  }

  /** onTracks with every ready track, then the frames held for them. */
  private announce(): void {
    const tracks = this.streamTracks().filter((track): track is Track => track !== null);
    if (tracks.length === 0) return;
    const announced = new Set(tracks.map((track) => track.id));
    this.announced = announced;
    this.onTracks(tracks);
    const pending = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    for (const frame of pending) if (announced.has(frame.trackId)) this.onFrame(frame);
  }
}
