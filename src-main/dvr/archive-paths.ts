import path from 'node:path';

const pad = (n: number) => String(n).padStart(2, '0');

const hashChars = 24;

/**
 * Where a segment lives, relative to the archive root:
 * <stream>/YYYY/MM/DD/HH/<start-ms>-<init hash>.m4s (UTC). The name alone tells a
 * recovery which stream, when, and which init it belongs to. Stream names are
 * validated (no "." or ".." parts), so they are safe as folders.
 */
export function segmentFile(stream: string, startMs: number, initHash: string): string {
  const d = new Date(startMs);
  return path.posix.join(stream, String(d.getUTCFullYear()), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()), pad(d.getUTCHours()), `${startMs}-${initHash.slice(0, hashChars)}.m4s`);
}

/** Init segments are stored once per codec configuration, named by their content hash. */
export function initFile(stream: string, hash: string): string {
  return path.posix.join(stream, 'init', `${hash.slice(0, hashChars)}.mp4`);
}

/** The parts of a segment path, or null when it is not one of ours. */
export function parseSegmentFile(relative: string): { stream: string; startMs: number; initHash: string } | null {
  const match = /^(.+)\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/(\d{10,16})-([0-9a-f]{24})\.m4s$/.exec(relative);
  return match ? { stream: match[1]!, startMs: Number(match[2]), initHash: match[3]! } : null;
}

export const partialSuffix = '.partial';
