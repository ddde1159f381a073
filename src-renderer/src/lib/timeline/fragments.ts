// Between the player's media time and the wall clock. Every archive segment carries
// EXT-X-PROGRAM-DATE-TIME; a gap in the recording is a discontinuity that the player
// closes up, so media time runs on where wall time jumps. These work on the player's
// list of segments: media start and duration in seconds, wall start in UTC ms.

export interface TimedFragment {
  /** Media time of the first frame, seconds. */
  start: number;
  duration: number;
  /** Wall clock of the first frame, UTC milliseconds (EXT-X-PROGRAM-DATE-TIME). */
  pdt: number;
}

/** Index of the last fragment whose `key` is ≤ value (binary search); -1 when none. */
function lastAtOrBefore(list: readonly TimedFragment[], value: number, key: (f: TimedFragment) => number): number {
  let lo = 0;
  let hi = list.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (key(list[mid]!) <= value) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Wall clock (UTC seconds) of the frame at media time `media`; null before the first fragment or with none. */
export function mediaToWall(fragments: readonly TimedFragment[], media: number): number | null {
  if (fragments.length === 0) return null;
  const i = lastAtOrBefore(fragments, media + 1e-6, (f) => f.start);
  if (i < 0) return fragments[0]!.pdt / 1000;
  const f = fragments[i]!;
  // Past the end of a fragment (a rounding gap) stays on its last instant.
  return f.pdt / 1000 + Math.min(Math.max(0, media - f.start), f.duration);
}

export interface WallPosition {
  /** Media time to seek to. */
  media: number;
  /** The wall time that will really be shown: `wall`, or the nearest recorded instant when `wall` is in a gap. */
  wall: number;
  /** `wall` fell outside every fragment (a gap, or beyond either end). */
  snapped: boolean;
}

/**
 * Media time for wall time `wall` (UTC seconds). In a gap it goes to the next recorded
 * instant (or the last one, past the end): the player shows what was recorded next.
 */
export function wallToMedia(fragments: readonly TimedFragment[], wall: number): WallPosition | null {
  if (fragments.length === 0) return null;
  const ms = wall * 1000;
  const i = lastAtOrBefore(fragments, ms, (f) => f.pdt);
  if (i >= 0) {
    const f = fragments[i]!;
    const offset = (ms - f.pdt) / 1000;
    if (offset < f.duration) return { media: f.start + offset, wall, snapped: false };
  }
  const next = fragments[i + 1];
  if (next) return { media: next.start, wall: next.pdt / 1000, snapped: true };
  const last = fragments[fragments.length - 1]!;
  // A hair before the very end, so the frame is still there to show.
  const end = Math.max(last.start, last.start + last.duration - 0.05);
  return { media: end, wall: last.pdt / 1000 + (end - last.start), snapped: true };
}

/** Wall-clock extent of the list, UTC seconds. */
export function wallExtent(fragments: readonly TimedFragment[]): { from: number; to: number } | null {
  const first = fragments[0];
  const last = fragments[fragments.length - 1];
  if (!first || !last) return null;
  return { from: first.pdt / 1000, to: last.pdt / 1000 + last.duration };
}

/** The fragment holding media time `media` (the last one starting at or before it). */
export function fragmentAt(fragments: readonly TimedFragment[], media: number): TimedFragment | null {
  const i = lastAtOrBefore(fragments, media + 1e-6, (f) => f.start);
  return i >= 0 ? fragments[i]! : (fragments[0] ?? null);
}

/**
 * Where to seek to step `frames` frames from media time `media`: the middle of the
 * frame, counted from the fragment's first frame, so the decoder cannot round onto
 * the neighbour and a step never shows the same picture twice.
 */
export function frameStepTarget(fragments: readonly TimedFragment[], media: number, fps: number, frames: number): number {
  const rate = fps > 0 && Number.isFinite(fps) ? fps : 30;
  const origin = fragmentAt(fragments, media)?.start ?? 0;
  const index = Math.floor((media - origin) * rate + 1e-3);
  return Math.max(0, origin + (index + frames + 0.5) / rate);
}

/** Wall time of the first instant of the frame at `media` (the clock shows frames, not the seek point). */
export function frameWallTime(fragments: readonly TimedFragment[], media: number, fps: number): number | null {
  const f = fragmentAt(fragments, media);
  if (!f) return null;
  const rate = fps > 0 && Number.isFinite(fps) ? fps : 30;
  const offset = Math.min(Math.max(0, media - f.start), f.duration);
  return f.pdt / 1000 + Math.floor(offset * rate + 1e-3) / rate;
}
