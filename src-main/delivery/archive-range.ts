import { Problem } from '../contract/problem.js';
import type { DvrIndex } from '../dvr/dvr-index.js';

/** Longest range one archive request may cover (a 24-hour playlist, a 24-hour .ts download). */
export const maxRangeSeconds = 24 * 3600;

/** The stream must be live, configured or in the archive; anything else is a 404 naming it. */
export function requireKnownStream(known: (name: string) => boolean, name: string): void {
  if (!known(name)) throw new Problem('not-found', 'Unknown stream', `no stream named ${name}`);
}

/** Whole UTC seconds (or a count of seconds) from a URL; anything else is a 400 that names the field. */
export function urlSeconds(text: string, field: string): number {
  const value = Number(text);
  if (!/^\d{1,12}$/.test(text) || !Number.isSafeInteger(value)) throw new Problem('invalid', 'Invalid time', `${field} must be whole UTC seconds, not "${text}"`);
  return value;
}

/** The longest range a kind of request may cover, and the setting that says so (named in the 400). */
export interface RangeLimit {
  seconds: number;
  setting?: string;
}

/** A finished range FROM-DURATION, checked: not empty, not over the limit (a day by default), not starting in the future. */
export function archiveRange(fromText: string, durationText: string, limit: RangeLimit = { seconds: maxRangeSeconds }): { fromMs: number; toMs: number } {
  const from = urlSeconds(fromText, 'FROM');
  const duration = urlSeconds(durationText, 'DURATION');
  if (duration === 0) throw new Problem('invalid', 'Invalid range', 'DURATION must be at least 1 second');
  if (duration > limit.seconds) {
    const setting = limit.setting ? ` (setting ${limit.setting})` : '';
    throw new Problem('invalid', 'Invalid range', `DURATION is over ${limit.seconds} s, the longest range one request may cover${setting}; ask for shorter ranges`);
  }
  if (from > Date.now() / 1000) throw new Problem('invalid', 'Invalid range', 'FROM is in the future');
  return { fromMs: from * 1000, toMs: (from + duration) * 1000 };
}

/** The 404 for a range that holds no recording, naming it. */
export function noRecording(name: string, range: { fromMs: number; toMs: number }): Problem {
  return new Problem('not-found', 'Nothing recorded', `${name} has no recording between ${new Date(range.fromMs).toISOString()} and ${new Date(range.toMs).toISOString()}`);
}

/** The archived segments of a range, or a 404 that says the range holds no recording. */
export function recordedSegments(index: DvrIndex, name: string, range: { fromMs: number; toMs: number }) {
  const segments = index.segments(name, range.fromMs, range.toMs);
  if (segments.length === 0) throw noRecording(name, range);
  return segments;
}
