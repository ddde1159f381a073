// One program's 90 kHz timeline: 33-bit PTS/DTS unwrapped, and shifted past discontinuities.

/** PTS/DTS are 33-bit counters of the 90 kHz clock: they wrap every 26.5 hours. */
export const TIMESTAMP_WRAP = 2 ** 33;

/**
 * Maps the program's 33-bit timestamps onto one unbounded timeline. Each value is taken
 * as the candidate (value + k·2^33) nearest the last one seen on any track, which
 * carries the timeline across wraparound as long as tracks stay within 13 hours of each
 * other. The first value maps to itself, so output matches what ffprobe prints until a
 * wrap or a discontinuity. `shift` moves everything after a discontinuity (an encoder
 * restart, spliced files) so that time keeps going forward.
 */
export class Timeline {
  /** Last unwrapped source value, before the shift. */
  private reference: number | null = null;
  private offset = 0;

  /** Unwraps `raw` near the last timestamp seen and makes it the new reference. */
  map(raw: number): number {
    const unwrapped = this.reference === null ? raw : nearest(raw, this.reference);
    this.reference = unwrapped;
    return unwrapped + this.offset;
  }

  /** Unwraps `raw` near an already mapped value (a PTS near its DTS), leaving the reference alone. */
  mapNear(raw: number, mapped: number): number {
    return nearest(raw, mapped - this.offset) + this.offset;
  }

  /** From now on, times come out `by` ticks later (negative: earlier). */
  shift(by: number): void {
    this.offset += by;
  }
}

function nearest(raw: number, reference: number): number {
  return raw + Math.round((reference - raw) / TIMESTAMP_WRAP) * TIMESTAMP_WRAP;
}
