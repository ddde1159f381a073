import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTicks, localOffset, planTicks, tickLabel, tickTimes, tickSteps, type TickStep } from './ticks';

// Ticks follow the local clock: pin a zone with DST to test that.
const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
});
afterAll(() => {
  process.env.TZ = savedTz;
});

const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, mo - 1, d, h, mi, s).getTime() / 1000;

describe('tick plan by zoom', () => {
  const width = 1200;
  const plan = (spanSeconds: number, fps = 30) => planTicks(spanSeconds / width, fps);

  it('a month: weeks labelled, days between', () => {
    const p = plan(31 * 86400);
    expect(p.major).toMatchObject({ kind: 'days', days: 7 });
    expect(p.minor).toMatchObject({ kind: 'days', days: 1 });
  });

  it('a day: hours', () => {
    const p = plan(86400);
    expect(p.major.kind).toBe('seconds');
    expect(p.major.seconds % 3600).toBe(0);
    expect(p.minor.seconds).toBeLessThan(p.major.seconds);
    expect(p.major.seconds % p.minor.seconds).toBe(0);
  });

  it('ten minutes: minutes; a minute: seconds', () => {
    expect(plan(600).major.seconds).toBe(60);
    const minute = plan(60);
    expect(minute.major.kind).toBe('seconds');
    expect(minute.major.seconds).toBeLessThanOrEqual(10);
  });

  it('two seconds: frames between second labels', () => {
    const p = plan(2, 30);
    expect(p.minor.kind).toBe('frames');
    expect(p.major.seconds).toBeLessThanOrEqual(1);
    // Majors lie on minor ticks.
    const ratio = p.major.seconds / p.minor.seconds;
    expect(ratio).toBeCloseTo(Math.round(ratio), 9);
  });

  it('25 fps gets frame steps that divide 25', () => {
    const frames = tickSteps(25).filter((s): s is Extract<TickStep, { kind: 'frames' }> => s.kind === 'frames');
    expect(frames.map((s) => s.frames)).toEqual([1, 5]);
    expect(planTicks(0.5 / 1200, 25).minor).toMatchObject({ kind: 'frames', frames: 1 });
  });

  it('majors are never closer than the label room', () => {
    for (const span of [1, 7, 45, 600, 5400, 86400, 3 * 86400, 31 * 86400]) {
      const spp = span / 1200;
      const p = planTicks(spp, 30);
      expect(p.major.seconds / spp).toBeGreaterThanOrEqual(72);
    }
  });
});

describe('local-time ticks', () => {
  it('zone check', () => {
    expect(localOffset(local(2024, 1, 10))).toBe(3600);
    expect(localOffset(local(2024, 7, 10))).toBe(7200);
  });

  it('hours fall on the local clock across the spring DST change (23-hour day)', () => {
    const from = local(2024, 3, 31, 0);
    const to = local(2024, 3, 31, 6);
    const times = tickTimes({ kind: 'seconds', seconds: 3600 }, from, to, 30);
    const hours = times.map((t) => new Date(t * 1000).getHours());
    expect(hours).toEqual([0, 1, 3, 4, 5, 6]);
  });

  it('3-hour steps sit on 00, 03, 06… every day, through the autumn change (25-hour day)', () => {
    const from = local(2024, 10, 26, 22);
    const to = local(2024, 10, 27, 13);
    const times = tickTimes({ kind: 'seconds', seconds: 3 * 3600 }, from, to, 30);
    expect(times.map((t) => new Date(t * 1000).getHours())).toEqual([0, 3, 6, 9, 12]);
  });

  it('15-minute ticks line up with local quarter hours', () => {
    const times = tickTimes({ kind: 'seconds', seconds: 900 }, local(2024, 5, 14, 10, 7), local(2024, 5, 14, 11, 0), 30);
    expect(times.map((t) => new Date(t * 1000).getMinutes())).toEqual([15, 30, 45, 0]);
  });

  it('days on local midnights; weeks on Mondays; months on the 1st', () => {
    const days = tickTimes({ kind: 'days', days: 1, seconds: 86400 }, local(2024, 3, 30, 12), local(2024, 4, 2, 12), 30);
    expect(days).toEqual([local(2024, 3, 31), local(2024, 4, 1), local(2024, 4, 2)]);
    const weeks = tickTimes({ kind: 'days', days: 7, seconds: 7 * 86400 }, local(2024, 5, 1), local(2024, 5, 31), 30);
    expect(weeks.map((t) => new Date(t * 1000).getDay())).toEqual([1, 1, 1, 1]);
    expect(new Date(weeks[0]! * 1000).getDate()).toBe(6);
    const months = tickTimes({ kind: 'months', months: 1, seconds: 30 * 86400 }, local(2024, 1, 15), local(2024, 4, 15), 30);
    expect(months).toEqual([local(2024, 2, 1), local(2024, 3, 1), local(2024, 4, 1)]);
  });

  it('frame ticks are exact multiples of 1/fps, no drift', () => {
    const from = local(2024, 5, 14, 10, 0, 0);
    const times = tickTimes({ kind: 'frames', frames: 1, seconds: 1 / 30 }, from, from + 1, 30);
    expect(times).toHaveLength(31);
    expect(times[30]).toBe(from + 1);
  });
});

describe('labels', () => {
  it('24-hour local clock, frames as +Nf, midnight as the day', () => {
    const t = local(2024, 5, 14, 14, 5, 30);
    expect(tickLabel(t, { kind: 'seconds', seconds: 3600 }, 30)).toBe('14:05');
    expect(tickLabel(t, { kind: 'seconds', seconds: 5 }, 30)).toBe('14:05:30');
    expect(tickLabel(t, { kind: 'frames', frames: 5, seconds: 5 / 30 }, 30)).toBe('14:05:30');
    expect(tickLabel(t + 10 / 30, { kind: 'frames', frames: 5, seconds: 5 / 30 }, 30)).toBe('+10f');
    expect(tickLabel(local(2024, 5, 14), { kind: 'seconds', seconds: 3600 }, 30)).toMatch(/14$/);
    expect(tickLabel(local(2024, 5, 1), { kind: 'days', days: 1, seconds: 86400 }, 30)).toMatch(/^1 /);
  });

  it('buildTicks: majors labelled and boundaries marked, sorted, within the view and a margin', () => {
    const start = local(2024, 5, 13, 20);
    const view = { start, spp: 86400 / 1200, width: 1200 };
    const ticks = buildTicks(view, 30);
    expect(ticks.length).toBeGreaterThan(10);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.t).toBeGreaterThan(ticks[i - 1]!.t);
    const majors = ticks.filter((t) => t.major);
    expect(majors.every((t) => typeof t.label === 'string')).toBe(true);
    expect(majors.some((t) => t.boundary && t.t === local(2024, 5, 14))).toBe(true);
    expect(ticks.every((t) => t.x > -100 && t.x < 1300)).toBe(true);
  });
});
