// Which archive playlist the player loads to show time T. A playlist is a window of
// the archive: a finished hour (VOD, cached by the server once settled) or, near
// live, a window from FROM up to now that keeps growing (EVENT).

export type PlaybackWindow =
  | { kind: 'range'; from: number; duration: number }
  | { kind: 'event'; from: number }
  | { kind: 'live' };

/** Window starts fall on this grid so neighbouring scrubs share one playlist (and the server's cache). */
export const WINDOW_GRID = 20 * 60;
/** An hour: 1800 segments of 2 s, quick to parse, long enough to play on for a while. */
export const WINDOW_SECONDS = 3600;
/** A window ending this close to now is asked for as a growing EVENT playlist instead. */
export const EVENT_MARGIN = 120;

/** The window to load for time `t` (UTC seconds) when `now` is the wall clock. */
export function windowFor(t: number, now: number): PlaybackWindow {
  // t lands in the middle third, so playing or scrubbing either way stays inside for a while.
  const from = Math.max(0, Math.floor(t / WINDOW_GRID) * WINDOW_GRID - WINDOW_GRID);
  if (from + WINDOW_SECONDS > now - EVENT_MARGIN) return { kind: 'event', from };
  return { kind: 'range', from, duration: WINDOW_SECONDS };
}

/** Whether `t` can be shown from the loaded window without loading another. */
export function windowHolds(window: PlaybackWindow | null, t: number, now: number): boolean {
  if (!window || window.kind === 'live') return false;
  if (t < window.from) return false;
  if (window.kind === 'event') return t <= now + 1;
  return t < window.from + window.duration;
}

/** Where the window ends, UTC seconds (now for a growing one). */
export function windowEnd(window: PlaybackWindow, now: number): number {
  return window.kind === 'range' ? window.from + window.duration : now;
}

/**
 * The playlist file for a window: abr-FROM-DURATION.m3u8, abr-FROM-now.m3u8 (multivariant:
 * the source and the renditions recorded beside it), index.m3u8 (multivariant when a ladder runs).
 */
export function windowPlaylist(window: PlaybackWindow): string {
  switch (window.kind) {
    case 'range':
      return `abr-${window.from}-${window.duration}.m3u8`;
    case 'event':
      return `abr-${window.from}-now.m3u8`;
    case 'live':
      return 'index.m3u8';
  }
}

export function sameWindow(a: PlaybackWindow | null, b: PlaybackWindow | null): boolean {
  if (!a || !b) return a === b;
  if (a.kind !== b.kind) return false;
  if (a.kind === 'live') return true;
  if (a.kind === 'event') return a.from === (b as { from: number }).from;
  return a.from === (b as { from: number }).from && a.duration === (b as { duration: number }).duration;
}
