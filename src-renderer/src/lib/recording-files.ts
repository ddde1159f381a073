// Recording files (plain MP4/MKV/MPEG-TS beside the archive) as the Monitor and the DVR
// show them: the format and rotation choices, file names, states and figures. Pure, so
// the wording is tested.
import type { RecordFormat, RecordingFile, RecordingFileState, RecordRotate } from '../../../src-main/contract/recording-api';
import { formatBytes } from './format';

export const recordFormats: readonly { value: RecordFormat; label: string; help: string }[] = [
  { value: 'mp4', label: 'MP4', help: 'Plays everywhere; a crash still leaves a playable file' },
  { value: 'mkv', label: 'MKV', help: 'Matroska, written once the file closes' },
  { value: 'ts', label: 'MPEG-TS', help: 'Written as it comes; any cut of it plays' },
];

export type RotationChoice = 'off' | '10min' | 'hourly' | '2gb';

export const rotationChoices: readonly { value: RotationChoice; label: string; rotate: RecordRotate | null }[] = [
  { value: 'off', label: 'One file', rotate: null },
  { value: '10min', label: 'New file every 10 min', rotate: { seconds: 600 } },
  { value: 'hourly', label: 'New file every hour, on the hour', rotate: { seconds: 3600, aligned: true } },
  // Decimal, as sizes are shown everywhere in the studio (formatBytes).
  { value: '2gb', label: 'New file every 2 GB', rotate: { bytes: 2_000_000_000 } },
];

export function isRecordFormat(value: string): value is RecordFormat {
  return recordFormats.some((f) => f.value === value);
}

export function isRotationChoice(value: string): value is RotationChoice {
  return rotationChoices.some((r) => r.value === value);
}

/** What to send as `rotate`, or nothing for one file. */
export function rotateFor(choice: RotationChoice): RecordRotate | null {
  return rotationChoices.find((r) => r.value === choice)?.rotate ?? null;
}

export function formatLabel(format: string): string {
  return recordFormats.find((f) => f.value === format)?.label ?? format.toUpperCase();
}

/** "every 10 min", "every hour on the hour", "every 2.0 GB": how a running recording cuts its files. */
export function rotationLabel(rotate: RecordRotate | null): string {
  if (!rotate) return 'one file';
  if ('bytes' in rotate) return `every ${formatBytes(rotate.bytes)}`;
  const s = rotate.seconds;
  if (rotate.aligned && s === 3600) return 'every hour on the hour';
  const span = s === 3600 ? 'hour' : s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`;
  return `every ${span}${rotate.aligned ? ' on the clock' : ''}`;
}

/**
 * The file's name without its folders. While it is written the server names it
 * NAME.recording-ID.mp4 (the final name comes when it closes): show NAME.EXT, as it will be.
 */
export function recordingFileName(file: Pick<RecordingFile, 'path' | 'format' | 'state'>): string {
  const base = file.path.slice(file.path.lastIndexOf('/') + 1);
  const working = /^(.*)\.recording-\d+\.[a-z0-9]+$/i.exec(base);
  return working ? `${working[1]}.${file.format}` : base;
}

export const fileStateLabel: Record<RecordingFileState, string> = {
  recording: 'Recording',
  finishing: 'Finishing',
  done: 'Done',
  failed: 'Failed',
};

/** Seconds since an ISO time, never negative (clocks of the server and this page may differ a little). */
export function secondsSince(iso: string, now: number): number {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? Math.max(0, (now - t) / 1000) : 0;
}

/** Whatever a list of recording files says, newest first (the server's order; ids break ties). */
export function newestFirst(files: readonly RecordingFile[]): RecordingFile[] {
  return [...files].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.id - a.id);
}

/**
 * The multicam session recording the given lanes now, from GET /api/recordings `active`:
 * the session most of them are in (ties: the first lane's), or null.
 */
export function sessionOfLanes(active: readonly { stream: string; session: string | null }[], lanes: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const lane of lanes) {
    const session = active.find((a) => a.stream === lane)?.session;
    if (session) counts.set(session, (counts.get(session) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [session, count] of counts) if (best === null || count > (counts.get(best) ?? 0)) best = session;
  return best;
}
