// Ruler ticks at any zoom, from months down to single frames, in local time:
// hours and days fall on the viewer's clock (DST days included), not on UTC's.
import { timeToX, viewEnd, type TimeView } from './time-scale';

/** A tick interval: fixed seconds, whole frames, or calendar days/months (which vary in length). */
export type TickStep =
  | { kind: 'frames'; frames: number; seconds: number }
  | { kind: 'seconds'; seconds: number }
  | { kind: 'days'; days: number; seconds: number }
  | { kind: 'months'; months: number; seconds: number };

export interface Tick {
  /** UTC seconds. */
  t: number;
  x: number;
  major: boolean;
  /** Set on major ticks. */
  label?: string;
  /** A tick on a local midnight (or month start): drawn a little stronger. */
  boundary?: boolean;
}

const HOUR = 3600;
const DAY = 86_400;

/** Frame counts that divide a second evenly at common rates. */
const frameMultiples = [1, 2, 3, 5, 6, 10, 12, 15];
const secondSteps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR];

/** Nominal whole frames per second (29.97 → 30), for tick spacing. */
export function nominalFps(fps: number): number {
  return fps > 0 && Number.isFinite(fps) ? Math.max(1, Math.round(fps)) : 30;
}

/** Every step the ruler may use, finest first. */
export function tickSteps(fps: number): TickStep[] {
  const n = nominalFps(fps);
  const steps: TickStep[] = frameMultiples.filter((k) => k < n && n % k === 0).map((k) => ({ kind: 'frames', frames: k, seconds: k / n }));
  for (const s of secondSteps) steps.push({ kind: 'seconds', seconds: s });
  for (const d of [1, 7]) steps.push({ kind: 'days', days: d, seconds: d * DAY });
  for (const m of [1, 3, 12]) steps.push({ kind: 'months', months: m, seconds: m * 30 * DAY });
  return steps;
}

/** Whether every tick of `major` is also a tick of `minor`, so minors can sit between majors. */
function divides(minor: TickStep, major: TickStep): boolean {
  if (minor.seconds > major.seconds) return false;
  if (major.kind === 'months') return (minor.kind === 'months' && major.months % minor.months === 0) || (minor.kind === 'days' && minor.days === 1);
  if (major.kind === 'days') {
    if (minor.kind === 'days') return major.days % minor.days === 0;
    // Under weeks, days: hours there would be noise.
    if (major.days > 1) return false;
    return minor.kind !== 'months' && Math.abs(DAY / minor.seconds - Math.round(DAY / minor.seconds)) < 1e-6;
  }
  if (minor.kind === 'days' || minor.kind === 'months') return false;
  const ratio = major.seconds / minor.seconds;
  return Math.abs(ratio - Math.round(ratio)) < 1e-6;
}

export interface TickPlan {
  minor: TickStep;
  major: TickStep;
}

/**
 * Major (labelled) ticks at least `majorPx` apart (more for longer labels); minor
 * ticks between them, the finest step that divides the major one and keeps
 * `minorPx` of room.
 */
export function planTicks(spp: number, fps: number, minorPx = 10, majorPx = 72): TickPlan {
  const steps = tickSteps(fps);
  const px = (s: TickStep) => s.seconds / spp;
  const major = steps.find((s) => px(s) >= majorPx + labelExtra(s)) ?? steps[steps.length - 1]!;
  const minor = steps.find((s) => s !== major && px(s) >= minorPx && divides(s, major)) ?? major;
  return { minor, major };
}

/** Wider labels (seconds, frames, dates) need more room than "14:00". */
function labelExtra(step: TickStep): number {
  if (step.kind === 'frames') return 18;
  if (step.kind === 'seconds' && step.seconds < 60) return 12;
  if (step.kind === 'days') return 20;
  return 0;
}

/** Local offset from UTC at `t`, in seconds (east positive: +3600 in Paris in winter). */
export function localOffset(t: number): number {
  return -new Date(t * 1000).getTimezoneOffset() * 60;
}

/** Times of every `step` tick in [from, to], in local time where it matters. */
export function tickTimes(step: TickStep, from: number, to: number, fps: number): number[] {
  const out: number[] = [];
  const limit = 4000;
  if (step.kind === 'frames') {
    const n = nominalFps(fps);
    // Frame k of the second: integers in frame units avoid drift from adding 1/30 over and over.
    const first = Math.ceil((from * n) / step.frames - 1e-9);
    for (let i = first; out.length < limit; i++) {
      const t = (i * step.frames) / n;
      if (t > to) break;
      out.push(t);
    }
    return out;
  }
  if (step.kind === 'seconds' && step.seconds <= HOUR) {
    // Steps that divide an hour line up in local time whatever the zone's offset (+05:45 too),
    // and stay lined up across a DST change, which moves clocks by whole hours or half hours.
    const offset = localOffset(from);
    const first = Math.ceil((from + offset) / step.seconds - 1e-9) * step.seconds - offset;
    for (let t = first; t <= to && out.length < limit; t += step.seconds) out.push(t);
    return out;
  }
  if (step.kind === 'seconds') {
    // Hours of the local day: 00, 03, 06… on the clock, through DST days of 23 or 25 hours.
    const hours = step.seconds / HOUR;
    const day = new Date(from * 1000);
    day.setHours(0, 0, 0, 0);
    for (let d = new Date(day); d.getTime() / 1000 <= to && out.length < limit; d.setDate(d.getDate() + 1)) {
      for (let h = 0; h < 24; h += hours) {
        const t = new Date(d.getFullYear(), d.getMonth(), d.getDate(), h).getTime() / 1000;
        if (t >= from && t <= to && out[out.length - 1] !== t) out.push(t);
      }
    }
    return out;
  }
  if (step.kind === 'days') {
    const d = new Date(from * 1000);
    d.setHours(0, 0, 0, 0);
    // Weeks start on Monday.
    if (step.days === 7) d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
    for (; out.length < limit; d.setDate(d.getDate() + step.days)) {
      const t = d.getTime() / 1000;
      if (t > to) break;
      if (t >= from) out.push(t);
    }
    return out;
  }
  const d = new Date(from * 1000);
  d.setHours(0, 0, 0, 0);
  d.setDate(1);
  d.setMonth(d.getMonth() - (d.getMonth() % step.months));
  for (; out.length < limit; d.setMonth(d.getMonth() + step.months)) {
    const t = d.getTime() / 1000;
    if (t > to) break;
    if (t >= from) out.push(t);
  }
  return out;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

let weekdayFormat: Intl.DateTimeFormat | null = null;
let monthFormat: Intl.DateTimeFormat | null = null;
function weekday(date: Date): string {
  weekdayFormat ??= new Intl.DateTimeFormat(undefined, { weekday: 'short' });
  return weekdayFormat.format(date);
}
function month(date: Date): string {
  monthFormat ??= new Intl.DateTimeFormat(undefined, { month: 'short' });
  return monthFormat.format(date);
}

/** "Tue 14 May": the date a day tick or the ruler's corner shows. */
export function dayLabel(t: number): string {
  const d = new Date(t * 1000);
  return `${weekday(d)} ${d.getDate()} ${month(d)}`;
}

/** The label of a major tick, in the unit of its step; local time, 24-hour clock. */
export function tickLabel(t: number, step: TickStep, fps: number): string {
  const d = new Date(Math.round(t * 1000));
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  switch (step.kind) {
    case 'months':
      return d.getMonth() === 0 ? `${month(d)} ${d.getFullYear()}` : month(d);
    case 'days':
      // Weeks carry the month (they cross month ends); days name it on the 1st.
      if (step.days === 7) return `${weekday(d)} ${d.getDate()} ${month(d)}`;
      return d.getDate() === 1 ? `${d.getDate()} ${month(d)}` : `${weekday(d)} ${d.getDate()}`;
    case 'seconds':
      if (step.seconds >= 60) return hm === '00:00' ? `${weekday(d)} ${d.getDate()}` : hm;
      return `${hm}:${pad2(d.getSeconds())}`;
    case 'frames': {
      const n = nominalFps(fps);
      const frame = Math.round((t - Math.floor(t + 1e-9)) * n) % n;
      return frame === 0 ? `${hm}:${pad2(d.getSeconds())}` : `+${frame}f`;
    }
  }
}

function isBoundary(t: number, step: TickStep): boolean {
  if (step.kind === 'months') return true;
  const d = new Date(Math.round(t * 1000));
  if (step.kind === 'days') return d.getDate() === 1 || step.days === 1;
  return d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0 && d.getMilliseconds() === 0;
}

/** Every tick inside the view (plus one beyond each edge so labels slide in), majors labelled. */
export function buildTicks(view: TimeView, fps: number, plan: TickPlan = planTicks(view.spp, fps)): Tick[] {
  const margin = view.spp * 80;
  const from = view.start - margin;
  const to = viewEnd(view) + margin;
  const majors = tickTimes(plan.major, from, to, fps);
  const majorSet = new Set(majors.map((t) => Math.round(t * 1000)));
  const ticks: Tick[] = [];
  if (plan.minor !== plan.major) {
    for (const t of tickTimes(plan.minor, from, to, fps)) {
      if (!majorSet.has(Math.round(t * 1000))) ticks.push({ t, x: timeToX(view, t), major: false });
    }
  }
  for (const t of majors) {
    ticks.push({ t, x: timeToX(view, t), major: true, label: tickLabel(t, plan.major, fps), boundary: isBoundary(t, plan.major) });
  }
  ticks.sort((a, b) => a.t - b.t);
  return ticks;
}
