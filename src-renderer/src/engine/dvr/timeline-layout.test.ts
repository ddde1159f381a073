import { describe, expect, it } from 'vitest';
import type { CoverageBucket } from '../../lib/timeline/coverage';
import type { Tick } from '../../lib/timeline/ticks';
import type { TimeView } from '../../lib/timeline/time-scale';
import {
  RULER_H,
  barInset,
  centredLabelLeft,
  coverageAlpha,
  coverageBars,
  crisp,
  laneAt,
  laneHeight,
  laneTop,
  markBand,
  rateTrace,
  spanX,
  tickLabelPlaces,
  tickVisible,
  timelineHeight,
} from './timeline-layout';

const T0 = 1_715_688_000; // 2024-05-14 12:00:00 UTC
/** 2 s a pixel over 100 px: T0 … T0 + 200. */
const view: TimeView = { start: T0, spp: 2, width: 100 };
const bucket = (from: number, coverage: number, bytes = 0): CoverageBucket => ({ from, coverage, bytes });

describe('lanes', () => {
  it('are taller when there are few', () => {
    expect([0, 1, 2, 3, 4].map(laneHeight)).toEqual([52, 52, 40, 32, 32]);
    expect(barInset(52)).toBe(10);
    expect(barInset(40)).toBe(7);
  });

  it('stack under the ruler with a gap between, and a pad at the bottom', () => {
    expect(RULER_H).toBe(28);
    expect(timelineHeight(0)).toBe(92);
    expect(timelineHeight(1)).toBe(28 + 52 + 4 + 8);
    expect(timelineHeight(2)).toBe(28 + 2 * (40 + 4) + 8);
    expect(timelineHeight(4)).toBe(28 + 4 * (32 + 4) + 8);
    expect(laneTop(0, 1)).toBe(32);
    expect(laneTop(1, 2)).toBe(76);
    expect(laneTop(3, 4)).toBe(32 + 3 * 36);
  });

  it('finds the lane under the pointer, none over the ruler, the last one below the lanes', () => {
    expect(laneAt(0, 2)).toBeNull();
    expect(laneAt(27.9, 2)).toBeNull();
    expect(laneAt(28, 2)).toBe(0);
    // Lane 0 is 32…72, lane 1 76…116: the gap is shared at its middle.
    expect(laneAt(73.9, 2)).toBe(0);
    expect(laneAt(74, 2)).toBe(1);
    expect(laneAt(500, 2)).toBe(1);
    for (const lanes of [1, 2, 3, 4]) {
      for (let i = 0; i < lanes; i++) {
        expect(laneAt(laneTop(i, lanes) + 1, lanes)).toBe(i);
        expect(laneAt(laneTop(i, lanes) + laneHeight(lanes) - 1, lanes)).toBe(i);
      }
    }
  });
});

describe('pixels', () => {
  it('snaps 1-px lines to the middle of a device pixel', () => {
    expect(crisp(10.3, 1)).toBe(10.5);
    expect(crisp(10.3, 2)).toBe(10.75);
    expect(crisp(10.1, 2)).toBe(10.25);
  });

  it('clips a time span to the view, a little past the edges; nothing when it does not show', () => {
    expect(spanX(view, T0 + 10, T0 + 50)).toEqual({ x0: 5, x1: 25 });
    expect(spanX(view, T0 - 100, T0 + 1000)).toEqual({ x0: -2, x1: 102 });
    expect(spanX(view, T0 + 300, T0 + 400)).toBeNull();
    expect(spanX(view, T0 - 400, T0 - 300)).toBeNull();
    expect(spanX(view, T0 + 20, T0 + 20)).toBeNull();
  });

  it('centres a label over x but keeps it on the canvas', () => {
    expect(centredLabelLeft(50, 20, 100)).toBe(40);
    expect(centredLabelLeft(5, 20, 100)).toBe(0);
    expect(centredLabelLeft(99, 20, 100)).toBe(80);
  });

  it('bands In to Out only when both are set', () => {
    expect(markBand(view, { in: T0 + 10, out: T0 + 50 })).toEqual({ x0: 5, x1: 25 });
    expect(markBand(view, { in: T0 + 10, out: null })).toBeNull();
    expect(markBand(view, { in: null, out: T0 + 50 })).toBeNull();
    expect(markBand(view, { in: T0 + 500, out: T0 + 600 })).toBeNull();
  });
});

describe('recorded bars', () => {
  it('merges like neighbours, leaves gaps out and cuts at now', () => {
    const levels = [{ step: 10, buckets: [bucket(T0, 1), bucket(T0 + 10, 1), bucket(T0 + 20, 0), bucket(T0 + 30, 0.5), bucket(T0 + 40, 0.5)] }];
    expect(coverageBars(view, levels, T0 + 1000)).toEqual([
      { x: 0, width: 10, coverage: 1 },
      { x: 15, width: 10, coverage: 0.5 },
    ]);
    // Now at T0 + 45: the second run stops there.
    expect(coverageBars(view, levels, T0 + 45)).toEqual([
      { x: 0, width: 10, coverage: 1 },
      { x: 15, width: 7.5, coverage: 0.5 },
    ]);
    // Nothing recorded yet past now.
    expect(coverageBars(view, levels, T0 - 1)).toEqual([]);
  });

  it('keeps a hairline for a moment recorded in a long view', () => {
    const month: TimeView = { start: T0, spp: 3600, width: 720 };
    expect(coverageBars(month, [{ step: 1, buckets: [bucket(T0 + 7200, 1)] }], T0 + 86_400)).toEqual([{ x: 2, width: 1, coverage: 1 }]);
  });

  it('draws more of a step recorded more opaque, the active lane more so', () => {
    expect(coverageAlpha(false, 0)).toBeCloseTo(0.34, 10);
    expect(coverageAlpha(false, 1)).toBeCloseTo(0.79, 10);
    expect(coverageAlpha(true, 1)).toBeCloseTo(0.95, 10);
    expect(coverageAlpha(true, 0.5)).toBeCloseTo(0.725, 10);
  });
});

describe('data-rate trace', () => {
  // One pixel a second; steps of 10 s (10 px).
  const fine: TimeView = { start: T0, spp: 1, width: 100 };
  const levels = [
    {
      step: 10,
      buckets: [
        bucket(T0, 1, 1000), // 100 B/s
        bucket(T0 + 10, 0.5, 1000), // 1000 B over 5 recorded seconds: 200 B/s, the busiest
        bucket(T0 + 20, 0, 0), // nothing recorded: the line breaks
        bucket(T0 + 30, 1, 500), // 50 B/s
      ],
    },
  ];

  it('is bytes per recorded second, the busiest step at the top; a gap breaks the line', () => {
    expect(rateTrace(fine, levels, 10, 20, T0 + 1000)).toEqual([
      [
        { x: 0, y: 20 },
        { x: 10, y: 20 },
        { x: 10, y: 10 },
        { x: 20, y: 10 },
      ],
      [
        { x: 30, y: 25 },
        { x: 40, y: 25 },
      ],
    ]);
  });

  it('stops at now', () => {
    const lines = rateTrace(fine, levels, 10, 20, T0 + 35);
    expect(lines[1]).toEqual([
      { x: 30, y: 25 },
      { x: 35, y: 25 },
    ]);
  });

  it('is left out where steps are under 3 px, the bar is too thin, or nothing is recorded', () => {
    expect(rateTrace({ ...fine, spp: 4 }, levels, 10, 20, T0 + 1000)).toEqual([]);
    expect(rateTrace({ ...fine, spp: 10 / 3 }, levels, 10, 20, T0 + 1000)).toHaveLength(2);
    expect(rateTrace(fine, levels, 10, 7, T0 + 1000)).toEqual([]);
    expect(rateTrace(fine, [{ step: 10, buckets: [bucket(T0, 0.04, 999)] }], 10, 20, T0 + 1000)).toEqual([]);
  });
});

describe('tick labels', () => {
  const tick = (x: number, label?: string): Tick => ({ t: T0 + x, x, major: label !== undefined, ...(label ? { label } : {}) });
  /** Six pixels a character, as a monospace font at 11 px about is. */
  const measure = (text: string) => text.length * 6;

  it('go 4 px after their tick, and one that would touch the previous label is left out', () => {
    const ticks = [tick(10, '10:00'), tick(42, '10:05'), tick(100, '10:10'), tick(120), tick(-100, '09:00'), tick(141, '10:15')];
    // 10:00 ends at 14 + 30 + 8 px of air = 52, so 10:05 (at 46) is dropped; 10:10 ends at 142, so 10:15 (at 145) fits.
    expect(tickLabelPlaces(ticks, 400, 0, measure)).toEqual([14, null, 104, null, null, 145]);
  });

  it('start after the day label', () => {
    expect(tickLabelPlaces([tick(10, '10:00'), tick(40, '10:05')], 400, 20, measure)).toEqual([null, 44]);
  });

  it('are drawn for ticks up to 60 px off either edge', () => {
    expect(tickVisible({ x: -60 }, 100)).toBe(true);
    expect(tickVisible({ x: -61 }, 100)).toBe(false);
    expect(tickVisible({ x: 160 }, 100)).toBe(true);
    expect(tickVisible({ x: 161 }, 100)).toBe(false);
  });
});
