import { afterAll, describe, expect, it } from 'vitest';
import { formatClock, formatDateTime, formatSpan, parseDateTime, toDatetimeLocal, utcPathTime } from './clock';
import { coverageAt, coverageRuns, fallbackSteps, spriteWindow, summaryStep, tileIsLive, tilesCovering, TILE_BUCKETS } from './coverage';
import { frameStepTarget, frameWallTime, mediaToWall, wallExtent, wallToMedia, type TimedFragment } from './fragments';
import { dvrAction, dvrShortcutRows, type KeyLike } from './keymap';
import { coverageOf, dragMark, markIn, markOut, markedRange, mergeSpans, noMarks } from './marks';
import { sameWindow, windowFor, windowHolds, windowPlaylist } from './playback-window';
import { shuttle, shuttleLabel } from './shuttle';

// Local-time text: pin a zone (before any date below is built).
const savedTz = process.env.TZ;
process.env.TZ = 'America/New_York';
afterAll(() => {
  process.env.TZ = savedTz;
});

describe('wall clock ↔ media time over a recording with a gap', () => {
  // Two segments, a 10 s gap, then a third: the player plays them back to back.
  const base = 1_715_688_000_000;
  const fragments: TimedFragment[] = [
    { start: 0, duration: 2, pdt: base },
    { start: 2, duration: 2, pdt: base + 2000 },
    { start: 4, duration: 2.5, pdt: base + 14_000 },
  ];

  it('media → wall', () => {
    expect(mediaToWall(fragments, 0)).toBe(base / 1000);
    expect(mediaToWall(fragments, 3.5)).toBe(base / 1000 + 3.5);
    expect(mediaToWall(fragments, 4)).toBe(base / 1000 + 14);
    expect(mediaToWall(fragments, 5.25)).toBeCloseTo(base / 1000 + 15.25, 9);
    expect(mediaToWall(fragments, 99)).toBe(base / 1000 + 16.5);
    expect(mediaToWall([], 1)).toBeNull();
  });

  it('wall → media, in and out of the gap', () => {
    expect(wallToMedia(fragments, base / 1000 + 1.5)).toEqual({ media: 1.5, wall: base / 1000 + 1.5, snapped: false });
    expect(wallToMedia(fragments, base / 1000 + 15)).toMatchObject({ media: 5, snapped: false });
    // In the gap: the next recorded frame.
    expect(wallToMedia(fragments, base / 1000 + 8)).toEqual({ media: 4, wall: base / 1000 + 14, snapped: true });
    // Before the start: the first frame. After the end: just before the last instant.
    expect(wallToMedia(fragments, base / 1000 - 60)).toEqual({ media: 0, wall: base / 1000, snapped: true });
    const after = wallToMedia(fragments, base / 1000 + 100)!;
    expect(after.snapped).toBe(true);
    expect(after.media).toBeCloseTo(6.45, 6);
    expect(wallToMedia([], 1)).toBeNull();
  });

  it('round trip inside recorded time', () => {
    for (const s of [0.1, 1.9, 2.0, 3.33, 14.0, 16.4]) {
      const pos = wallToMedia(fragments, base / 1000 + s)!;
      expect(mediaToWall(fragments, pos.media)).toBeCloseTo(base / 1000 + s, 9);
    }
    expect(wallExtent(fragments)).toEqual({ from: base / 1000, to: base / 1000 + 16.5 });
  });
});

describe('playback windows', () => {
  const now = 1_715_700_000;

  it('an hour on a 20-minute grid with T in the middle third', () => {
    const t = now - 5 * 3600 + 123;
    const w = windowFor(t, now);
    expect(w.kind).toBe('range');
    if (w.kind !== 'range') return;
    expect(w.from % 1200).toBe(0);
    expect(t - w.from).toBeGreaterThanOrEqual(1200);
    expect(t - w.from).toBeLessThan(2400);
    expect(windowPlaylist(w)).toBe(`abr-${w.from}-3600.m3u8`);
    expect(windowHolds(w, t, now)).toBe(true);
    expect(windowHolds(w, w.from + 3600, now)).toBe(false);
  });

  it('near live: a growing playlist from the window start', () => {
    const w = windowFor(now - 30, now);
    expect(w.kind).toBe('event');
    expect(windowPlaylist(w)).toMatch(/^abr-\d+-now\.m3u8$/);
    expect(windowHolds(w, now - 1, now)).toBe(true);
    expect(windowHolds({ kind: 'live' }, now, now)).toBe(false);
    expect(sameWindow(w, windowFor(now - 29, now))).toBe(true);
    expect(windowPlaylist({ kind: 'live' })).toBe('index.m3u8');
  });
});

describe('coverage tiles', () => {
  it('a bucket per pixel and a half, from the ladder', () => {
    expect(summaryStep(0.001)).toBe(1);
    expect(summaryStep(3)).toBe(5);
    expect(summaryStep(35 * 86400 / 1200)).toBe(7200);
    expect(summaryStep(1e9)).toBe(86400);
  });

  it('aligned tiles, reused while panning', () => {
    const step = 60;
    const a = tilesCovering(1_000_000, 1_010_000, step);
    const b = tilesCovering(1_005_000, 1_015_000, step);
    expect(a[0]!.from % (step * TILE_BUCKETS)).toBe(0);
    expect(a.at(-1)!.to).toBeGreaterThanOrEqual(1_010_000);
    expect(b.some((t) => t.index === a.at(-1)!.index)).toBe(true);
  });

  it('falls back on coarser levels first', () => {
    expect(fallbackSteps(60).slice(0, 2)).toEqual([120, 300]);
    expect(fallbackSteps(60).at(-1)).toBe(1);
  });

  it('merges like neighbours and leaves gaps out', () => {
    const runs = coverageRuns(
      [
        { from: 0, coverage: 1, bytes: 1 },
        { from: 10, coverage: 0.98, bytes: 1 },
        { from: 20, coverage: 0, bytes: 0 },
        { from: 30, coverage: 0.5, bytes: 1 },
      ],
      10,
    );
    expect(runs).toEqual([
      { from: 0, to: 20, coverage: 1 },
      { from: 30, to: 40, coverage: 0.5 },
    ]);
    expect(tileIsLive({ to: 1000 }, 2000)).toBe(false);
    expect(tileIsLive({ to: 1990 }, 2000)).toBe(true);
  });
});

describe('coverage at a time, sprite windows', () => {
  it('the finest loaded level that knows answers', () => {
    const levels = [
      { step: 10, buckets: [{ from: 0, coverage: 0, bytes: 0 }] },
      { step: 60, buckets: [{ from: 0, coverage: 0.5, bytes: 9 }] },
    ];
    expect(coverageAt(levels, 5)).toBe(0);
    expect(coverageAt(levels, 30)).toBe(0.5);
    expect(coverageAt(levels, 61)).toBeNull();
  });

  it('aligned windows about the span, none past a day', () => {
    expect(spriteWindow(3700, 500)).toEqual({ from: 3600, duration: 600 });
    expect(spriteWindow(3700, 3000)).toEqual({ from: 3600, duration: 3600 });
    expect(spriteWindow(100_000, 86_400)).toEqual({ from: 86_400, duration: 86_400 });
    expect(spriteWindow(0, 2 * 86_400)).toBeNull();
  });
});

describe('marks and locks', () => {
  it('I and O, an Out before In goes', () => {
    let m = markIn(noMarks, 100);
    m = markOut(m, 104);
    expect(markedRange(m)).toEqual({ from: 100, to: 104 });
    expect(markIn(m, 105)).toEqual({ in: 105, out: null });
    expect(markOut(m, 99)).toEqual({ in: null, out: 99 });
    expect(markedRange(markIn(noMarks, 5))).toBeNull();
  });

  it('dragging a handle stops short of the other', () => {
    const m = { in: 100, out: 104 };
    expect(dragMark(m, 'in', 110).in).toBeCloseTo(103.96);
    expect(dragMark(m, 'out', 90).out).toBeCloseTo(100.04);
    expect(dragMark(m, 'in', 95)).toEqual({ in: 95, out: 104 });
  });

  it('how much of a range is locked', () => {
    const locks = mergeSpans([
      { from: 100, duration: 10 },
      { from: 105, duration: 10 },
      { from: 200, duration: 5 },
    ]);
    expect(locks).toEqual([
      { from: 100, to: 115 },
      { from: 200, to: 205 },
    ]);
    expect(coverageOf({ from: 101, to: 114 }, locks)).toBe('all');
    expect(coverageOf({ from: 110, to: 120 }, locks)).toBe('some');
    expect(coverageOf({ from: 150, to: 160 }, locks)).toBe('none');
  });
});

describe('keys', () => {
  const press = (key: string, extra: Partial<KeyLike> = {}): KeyLike => ({ key, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...extra });

  it('maps the editor keys', () => {
    expect(dvrAction(press(' '))).toEqual({ type: 'play-pause' });
    expect(dvrAction(press('j'))).toEqual({ type: 'shuttle', key: 'j' });
    expect(dvrAction(press('L', { shiftKey: true }))).toBeNull();
    expect(dvrAction(press('i'))).toEqual({ type: 'mark-in' });
    expect(dvrAction(press('I', { shiftKey: true }))).toEqual({ type: 'go-in' });
    expect(dvrAction(press('o'))).toEqual({ type: 'mark-out' });
    expect(dvrAction(press('ArrowRight'))).toEqual({ type: 'step', frames: 1 });
    expect(dvrAction(press('ArrowLeft', { shiftKey: true }))).toEqual({ type: 'step', seconds: -1 });
    expect(dvrAction(press('+', { shiftKey: true }))).toEqual({ type: 'zoom', direction: 'in' });
    expect(dvrAction(press('='))).toEqual({ type: 'zoom', direction: 'in' });
    expect(dvrAction(press('-'))).toEqual({ type: 'zoom', direction: 'out' });
    expect(dvrAction(press('End'))).toEqual({ type: 'go-live' });
  });

  it('leaves Ctrl/⌘/Alt chords to the studio and the browser', () => {
    expect(dvrAction(press('i', { ctrlKey: true }))).toBeNull();
    expect(dvrAction(press('l', { metaKey: true }))).toBeNull();
    expect(dvrAction(press('ArrowLeft', { altKey: true }))).toBeNull();
    expect(dvrAction(press('?', { shiftKey: true }))).toBeNull();
  });

  it('every key in the help list does something', () => {
    expect(dvrShortcutRows.length).toBeGreaterThan(10);
    expect(dvrShortcutRows.map(([k]) => k)).toContain('J K L');
  });

  it('shuttle: doubling to 8×, the other way starts at 1×, K stops', () => {
    expect(shuttle(0, 'l')).toBe(1);
    expect(shuttle(1, 'l')).toBe(2);
    expect(shuttle(8, 'l')).toBe(8);
    expect(shuttle(4, 'j')).toBe(-1);
    expect(shuttle(-1, 'j')).toBe(-2);
    expect(shuttle(-4, 'k')).toBe(0);
    expect(shuttleLabel(-4)).toBe('4× ◀');
    expect(shuttleLabel(1)).toBe('');
  });
});

describe('clock text', () => {
  const t = new Date(2024, 4, 14, 9, 5, 30, 120).getTime() / 1000;

  it('formats local times and spans', () => {
    expect(formatClock(t)).toBe('09:05:30.120');
    expect(formatClock(t, false)).toBe('09:05:30');
    expect(formatDateTime(t)).toBe('2024-05-14 09:05:30.120');
    expect(toDatetimeLocal(t)).toBe('2024-05-14T09:05:30');
    expect(formatSpan(0.5)).toBe('0.500 s');
    expect(formatSpan(4)).toBe('4.0 s');
    expect(formatSpan(123.45)).toBe('2:03.5');
    expect(formatSpan(3723)).toBe('1:02:03');
    expect(formatSpan(3 * 86400 + 4 * 3600)).toBe('3 d 4 h');
  });

  it('reads back what it shows, and times typed by hand', () => {
    expect(parseDateTime(formatDateTime(t), 0)).toBeCloseTo(t, 6);
    expect(parseDateTime('2024-05-14T09:05:30', 0)).toBe(Math.floor(t));
    expect(parseDateTime('09:05', t)).toBe(new Date(2024, 4, 14, 9, 5).getTime() / 1000);
    expect(parseDateTime('9:05:30.5', t)).toBe(new Date(2024, 4, 14, 9, 5, 30, 500).getTime() / 1000);
    expect(parseDateTime('2024-05-14', 0)).toBe(new Date(2024, 4, 14).getTime() / 1000);
    expect(parseDateTime('2024-02-31 10:00', 0)).toBeNull();
    expect(parseDateTime('25:00', t)).toBeNull();
    expect(parseDateTime('soon', t)).toBeNull();
    expect(parseDateTime('', t)).toBeNull();
  });

  it('thumbnail paths are UTC', () => {
    expect(utcPathTime(Date.UTC(2024, 4, 14, 13, 5, 30) / 1000 + 0.9)).toBe('2024/05/14/13/05/30');
  });
});

describe('frame steps', () => {
  const base = 1_715_688_000_000;
  const fragments: TimedFragment[] = [
    { start: 0, duration: 2, pdt: base },
    { start: 2, duration: 2, pdt: base + 5000 },
  ];

  it('lands mid-frame, one frame on, and across fragments', () => {
    expect(frameStepTarget(fragments, 0, 30, 1)).toBeCloseTo(1.5 / 30, 9);
    expect(frameStepTarget(fragments, 1.5 / 30, 30, 1)).toBeCloseTo(2.5 / 30, 9);
    expect(frameStepTarget(fragments, 2.5 / 30, 30, -1)).toBeCloseTo(1.5 / 30, 9);
    expect(frameStepTarget(fragments, 0.01, 30, -1)).toBe(0);
    expect(frameStepTarget(fragments, 2 + 0.5 / 30, 30, 2)).toBeCloseTo(2 + 2.5 / 30, 9);
  });

  it('the clock shows the frame start, on the wall clock', () => {
    expect(frameWallTime(fragments, 1.5 / 30, 30)).toBeCloseTo(base / 1000 + 1 / 30, 6);
    expect(frameWallTime(fragments, 2 + 0.5 / 30, 30)).toBeCloseTo(base / 1000 + 5, 6);
    expect(frameWallTime([], 1, 30)).toBeNull();
  });
});
