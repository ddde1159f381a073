import { describe, expect, it } from 'vitest';
import {
  DAY,
  centreOn,
  fitView,
  follow,
  panBy,
  resizeView,
  timeToX,
  viewEnd,
  wheelZoomFactor,
  xToTime,
  zoomAt,
  zoomLimits,
  type TimeView,
} from './time-scale';

const T0 = 1_715_688_000; // 2024-05-14 12:00:00 UTC
const view: TimeView = { start: T0, spp: 2, width: 1000 };

describe('time ↔ pixel', () => {
  it('maps both ways', () => {
    expect(timeToX(view, T0)).toBe(0);
    expect(timeToX(view, T0 + 500)).toBe(250);
    expect(xToTime(view, 250)).toBe(T0 + 500);
    expect(viewEnd(view)).toBe(T0 + 2000);
    for (const x of [0, 1, 333.3, 999]) expect(timeToX(view, xToTime(view, x))).toBeCloseTo(x, 5);
  });

  it('keeps frames apart at UTC-second magnitudes', () => {
    const fine: TimeView = { start: T0 + 0.5, spp: 1 / 30 / 14, width: 1200 };
    const a = timeToX(fine, T0 + 0.5 + 1 / 30);
    // Doubles near 1.7e9 resolve ~0.24 µs: far under a pixel even at the finest zoom.
    expect(a).toBeCloseTo(14, 3);
  });
});

describe('zoom', () => {
  const limits = zoomLimits(1000, 30);

  it('limits: a frame 14 px wide at most, about a month at least', () => {
    expect(limits.minSpp).toBeCloseTo(1 / 30 / 14);
    expect(limits.maxSpp * 1000).toBeCloseTo(35 * DAY);
  });

  it('keeps the time under the anchor in place', () => {
    const anchorX = 300;
    const before = xToTime(view, anchorX);
    const zoomed = zoomAt(view, anchorX, 0.5, limits);
    expect(zoomed.spp).toBe(1);
    expect(xToTime(zoomed, anchorX)).toBeCloseTo(before, 9);
    const out = zoomAt(zoomed, 10, 4, limits);
    expect(xToTime(out, 10)).toBeCloseTo(xToTime(zoomed, 10), 9);
  });

  it('stops at the limits and keeps the anchor there too', () => {
    const tooFar = zoomAt(view, 500, 1e9, limits);
    expect(tooFar.spp).toBe(limits.maxSpp);
    expect(xToTime(tooFar, 500)).toBeCloseTo(xToTime(view, 500), 6);
    expect(zoomAt(view, 500, 1e-12, limits).spp).toBe(limits.minSpp);
  });

  it('wheel: a notch zooms ~1.25×, down zooms out, a pinch moves faster per pixel', () => {
    expect(wheelZoomFactor(100, 0, false)).toBeCloseTo(1.246, 2);
    expect(wheelZoomFactor(-100, 0, false)).toBeCloseTo(1 / 1.246, 2);
    expect(wheelZoomFactor(3, 1, false)).toBeCloseTo(wheelZoomFactor(48, 0, false));
    expect(wheelZoomFactor(10, 0, true)).toBeGreaterThan(wheelZoomFactor(10, 0, false));
    expect(wheelZoomFactor(1e6, 0, false)).toBe(wheelZoomFactor(400, 0, false));
  });
});

describe('pan, fit, follow', () => {
  const limits = zoomLimits(1000, 30);

  it('dragging right shows earlier times', () => {
    expect(panBy(view, 100).start).toBe(T0 - 200);
    expect(panBy(view, -100).start).toBe(T0 + 200);
  });

  it('fits a range with some air, centred', () => {
    const v = fitView(T0, T0 + 3600, 1000, limits);
    expect(v.start).toBeLessThan(T0);
    expect(viewEnd(v)).toBeGreaterThan(T0 + 3600);
    expect((v.start + viewEnd(v)) / 2).toBeCloseTo(T0 + 1800, 6);
  });

  it('fits a zero-length range at the finest zoom', () => {
    expect(fitView(T0, T0, 1000, limits).spp).toBeLessThanOrEqual(limits.minSpp * 1.1);
  });

  it('keeps the centre on resize', () => {
    const v = resizeView(view, 500, limits);
    expect(v.width).toBe(500);
    expect(v.spp).toBe(2);
    expect(v.start + v.spp * 250).toBe(T0 + 1000);
  });

  it('centres and follows the playhead a page at a time', () => {
    expect(centreOn(view, T0 + 10_000).start).toBe(T0 + 9000);
    expect(follow(view, T0 + 1000)).toBe(view);
    const paged = follow(view, T0 + 1999);
    expect(timeToX(paged, T0 + 1999)).toBeCloseTo(100);
    const back = follow(view, T0 - 50);
    expect(timeToX(back, T0 - 50)).toBeCloseTo(250);
  });
});
