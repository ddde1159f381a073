// Where a recording file goes: a name template expanded with what is known of the file
// (its stream, start and end on the local clock, length, number in the recording), as
// OBS and WCS name theirs. The result is a relative path that stays inside the
// recordings folder whatever the template or stream name says.
import { Problem } from '../contract/problem.js';
import type { RecordFormat } from '../contract/recording-api.js';

export const defaultRecordTemplate = '{stream}-{start:%Y%m%d-%H%M%S}';
const defaultDateFormat = '%Y%m%d-%H%M%S';

export interface TemplateValues {
  stream: string;
  start: Date;
  /** Unknown while the file is written: the start stands in. */
  end: Date | null;
  durationSeconds: number;
  sequence: number;
  session: string | null;
}

const two = (n: number) => String(n).padStart(2, '0');

/** strftime's common part, on the local clock (file names are read by people in their own time zone). */
export function formatDate(date: Date, format: string): string {
  return format.replace(/%([YmdHMSjs%])/g, (_, c: string) => {
    switch (c) {
      case 'Y':
        return String(date.getFullYear());
      case 'm':
        return two(date.getMonth() + 1);
      case 'd':
        return two(date.getDate());
      case 'H':
        return two(date.getHours());
      case 'M':
        return two(date.getMinutes());
      case 'S':
        return two(date.getSeconds());
      case 's':
        return String(Math.floor(date.getTime() / 1000));
      case 'j': {
        const dayMs = 86_400_000;
        return String(Math.floor((date.getTime() - new Date(date.getFullYear(), 0, 1).getTime()) / dayMs) + 1).padStart(3, '0');
      }
      default:
        return '%';
    }
  });
}

/** A folder or file name any OS takes: no separators, reserved characters, or dot-only names. */
function safePart(part: string): string {
  const cleaned = part
    .replace(/[\\/:*?"<>|\p{Cc}]/gu, '_')
    .replace(/[. ]+$/, '')
    .slice(0, 120);
  return cleaned === '' || /^\.+$/.test(cleaned) ? '_' : cleaned;
}

const tokenPattern = /\{(stream|start|end|duration|seq|session)(?::([^{}]{1,40}))?\}/g;

/** Checks a template before a recording starts: every {…} must be a known token. */
export function checkTemplate(template: string): void {
  const rest = template.replace(tokenPattern, '');
  if (/[{}]/.test(rest)) throw new Problem('invalid', 'Unknown template token', `"${template}": tokens are {stream} {start:%Y%m%d-%H%M%S} {end:…} {duration} {seq} {session}`);
  if (template.startsWith('/') || template.split('/').some((p) => p.trim() === '..')) throw new Problem('invalid', 'Template leaves the recordings folder', `"${template}" must stay inside the recordings folder`);
}

/**
 * The file's path relative to the recordings folder, with forward slashes: a template
 * without "/" goes into the stream's own folder (live/cam1/…), one with "/" makes its
 * own folders. The format's extension is added when the template does not end in it.
 */
export function recordingPath(template: string, values: TemplateValues, format: RecordFormat): string {
  const expanded = template.replace(tokenPattern, (_, token: string, arg: string | undefined) => {
    switch (token) {
      case 'stream':
        return values.stream.replace(/\//g, '_');
      case 'start':
        return formatDate(values.start, arg ?? defaultDateFormat);
      case 'end':
        return formatDate(values.end ?? values.start, arg ?? defaultDateFormat);
      case 'duration':
        return String(Math.round(values.durationSeconds));
      case 'seq':
        return String(values.sequence).padStart(arg ? Math.min(9, Number(arg) || 0) : 0, '0');
      default:
        return values.session ?? 'single';
    }
  });
  const parts = expanded.split('/').filter((p) => p.trim() !== '' && p.trim() !== '.' && p.trim() !== '..').map(safePart);
  if (parts.length === 0) parts.push(safePart(values.stream));
  const folder = template.includes('/') ? [] : values.stream.split('/').map(safePart);
  const last = parts.pop()!;
  const file = last.toLowerCase().endsWith(`.${format}`) ? last : `${last}.${format}`;
  return [...folder, ...parts, file].join('/');
}
