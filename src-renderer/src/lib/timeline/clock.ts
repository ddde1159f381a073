// Wall-clock times as the DVR shows and takes them: local time, 24-hour clock,
// milliseconds where a frame matters. Values are UTC seconds, as in the archive APIs.

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function localDate(t: number): Date {
  return new Date(Math.round(t * 1000));
}

/** "14:05:30.120" (or "14:05:30" without `ms`). */
export function formatClock(t: number, ms = true): string {
  const d = localDate(t);
  const base = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return ms ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

let dateFormat: Intl.DateTimeFormat | null = null;

/** "Tue, 14 May 2024" in the viewer's language. */
export function formatDay(t: number): string {
  dateFormat ??= new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
  return dateFormat.format(localDate(t));
}

/** "2024-05-14 14:05:30.120": the form the In/Out fields show and read back. */
export function formatDateTime(t: number, ms = true): string {
  const d = localDate(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatClock(t, ms)}`;
}

/** A length of time: "0.500 s", "4.0 s", "2:03.5", "1:02:03", "3 d 4 h". */
export function formatSpan(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 1) return `${seconds.toFixed(3)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds >= 2 * 86_400) return `${Math.floor(seconds / 86_400)} d ${Math.floor((seconds % 86_400) / 3600)} h`;
  const tenths = Math.round(seconds * 10);
  const whole = Math.floor(tenths / 10);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  if (h > 0) return `${h}:${pad(m)}:${pad(s)}`;
  return `${m}:${pad(s)}.${tenths % 10}`;
}

/** For `<input type="datetime-local" step="1">`: "2024-05-14T14:05:30". */
export function toDatetimeLocal(t: number): string {
  const d = localDate(Math.floor(t));
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${formatClock(Math.floor(t), false)}`;
}

const dateTimePattern = /^\s*(?:(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]+|$))?(?:(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,3})\d*)?)?)?\s*$/;

/**
 * Reads a local date and time typed by hand or given by a datetime-local input:
 * "2024-05-14 14:05:30.120", "2024-05-14T14:05", "14:05:30.5" (on the day of
 * `reference`), "2024-05-14" (midnight). Null when it is not a time.
 */
export function parseDateTime(text: string, reference: number): number | null {
  const m = dateTimePattern.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac] = m;
  if (y === undefined && h === undefined) return null;
  const ref = localDate(reference);
  const year = y === undefined ? ref.getFullYear() : Number(y);
  const month = mo === undefined ? ref.getMonth() : Number(mo) - 1;
  const day = d === undefined ? ref.getDate() : Number(d);
  const hours = h === undefined ? 0 : Number(h);
  const minutes = mi === undefined ? 0 : Number(mi);
  const seconds = s === undefined ? 0 : Number(s);
  if (month < 0 || month > 11 || day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds > 59) return null;
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, '0'));
  const date = new Date(year, month, day, hours, minutes, seconds, ms);
  // 31 February rolls over into March: not what was typed.
  if (date.getDate() !== day || date.getMonth() !== month) return null;
  return date.getTime() / 1000;
}

/** UTC path parts of a thumbnail URL: "2024/05/14/12/05/30". */
export function utcPathTime(t: number): string {
  const d = new Date(Math.floor(t) * 1000);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}/${pad(d.getUTCMinutes())}/${pad(d.getUTCSeconds())}`;
}

/** Snaps `t` to the nominal frame grid of `fps` (frame starts), so steps land on frames. */
export function snapToFrame(t: number, fps: number): number {
  const n = fps > 0 && Number.isFinite(fps) ? fps : 30;
  return Math.round(t * n) / n;
}
