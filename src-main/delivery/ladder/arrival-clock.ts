// When did the source frame with this decode time arrive? A rendition's latency is the
// time from its source frame's arrival to its own: ffmpeg keeps the source's
// timestamps (-copyts), so one offset, set by the first frame of each attempt, maps a
// rendition's decode time back to the source's.

/** Source video frames remembered: ten seconds at 60 fps. */
const capacity = 600;

export class ArrivalClock {
  private readonly dts = new Float64Array(capacity);
  private readonly at = new Float64Array(capacity);
  private next = 0;
  private count = 0;

  /** A source video frame handed to ffmpeg: its decode time (90 kHz) and arrival (ms). */
  sent(dts90k: number, arrivedAt: number): void {
    this.dts[this.next] = dts90k;
    this.at[this.next] = arrivedAt;
    this.next = (this.next + 1) % capacity;
    if (this.count < capacity) this.count++;
  }

  /** The arrival of the newest source frame at or before `dts90k`; null when it has left the memory. */
  arrivalOf(dts90k: number): number | null {
    for (let i = 1; i <= this.count; i++) {
      const slot = (this.next - i + capacity) % capacity;
      if (this.dts[slot]! <= dts90k) return this.at[slot]!;
    }
    return null;
  }
}
