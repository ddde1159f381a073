// A frame arriving this much later than its media time says (the source went silent and
// came back with its clock running on) starts a new anchor: the silence becomes a gap.
const lateArrivalMs = 3000;
// Arriving this much earlier (a burst catching up) is tolerated far longer before re-anchoring.
const earlyArrivalMs = 15_000;

/**
 * Maps a source's media clock to UTC. The anchor is the arrival of the first frame;
 * later times follow media time, so consecutive segments join without drift or
 * overlap. When arrival and media time part too far, the anchor starts again and
 * the caller marks a discontinuity.
 */
export class UtcAnchor {
  private anchorDts = Number.NaN;
  private anchorUtcMs = 0;

  constructor(private readonly timescale: number) {}

  get anchored(): boolean {
    return !Number.isNaN(this.anchorDts);
  }

  /**
   * Whether a clock-track frame arrived too far from where the anchor puts it. The
   * caller finishes what it holds (still timed by the old anchor), then calls reset.
   */
  drifted(dts: number, arrivedAt: number): boolean {
    const drift = arrivedAt - this.utcMs(dts);
    return drift > lateArrivalMs || drift < -earlyArrivalMs;
  }

  utcMs(dts: number): number {
    return this.anchorUtcMs + ((dts - this.anchorDts) * 1000) / this.timescale;
  }

  reset(dts: number, arrivedAt: number): void {
    this.anchorDts = dts;
    this.anchorUtcMs = arrivedAt;
  }
}
