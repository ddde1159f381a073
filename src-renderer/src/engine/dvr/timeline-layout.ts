// Where the timeline's parts go, in CSS pixels: the ruler, the lanes, the recorded
// bars, the data-rate trace and which tick labels fit. Pure functions of the view and
// the data; timeline-draw.ts paints what these say.
import { coverageRuns, type CoverageBucket } from '../../lib/timeline/coverage';
import type { Marks } from '../../lib/timeline/marks';
import type { Tick } from '../../lib/timeline/ticks';
import { timeToX, type TimeView } from '../../lib/timeline/time-scale';

export const RULER_H = 28;
export const LANE_GAP = 4;
export const BOTTOM_PAD = 8;

/** Drawn shapes may reach this far past either edge (line ends and handles stay whole). */
const EDGE = 2;

/** One lane's coverage as the store gives it: a level (step, seconds) and its buckets. */
export interface CoverageLevel {
  step: number;
  buckets: readonly CoverageBucket[];
}

/** Lanes are taller when there are few: one camera gets a comfortable strip, four stay compact. */
export function laneHeight(lanes: number): number {
  return lanes <= 1 ? 52 : lanes === 2 ? 40 : 32;
}

export function timelineHeight(lanes: number): number {
  const n = Math.max(1, lanes);
  return RULER_H + n * (laneHeight(n) + LANE_GAP) + BOTTOM_PAD;
}

export function laneTop(index: number, lanes: number): number {
  return RULER_H + LANE_GAP + index * (laneHeight(lanes) + LANE_GAP);
}

/** The lane under y, or null over the ruler (the gaps between lanes count as the lane above). */
export function laneAt(y: number, lanes: number): number | null {
  if (y < RULER_H) return null;
  const i = Math.floor((y - RULER_H - LANE_GAP / 2) / (laneHeight(lanes) + LANE_GAP));
  return Math.max(0, Math.min(lanes - 1, i));
}

/** Space above and below the recorded bar inside a lane. */
export function barInset(laneH: number): number {
  return laneH >= 48 ? 10 : 7;
}

/** Snaps a 1-px line to the device pixel grid. */
export function crisp(x: number, dpr: number): number {
  return (Math.round(x * dpr) + 0.5) / dpr;
}

/** [from, to] on screen, clipped a little past the edges; null when nothing of it shows. */
export function spanX(view: TimeView, from: number, to: number): { x0: number; x1: number } | null {
  const x0 = Math.max(-EDGE, timeToX(view, from));
  const x1 = Math.min(view.width + EDGE, timeToX(view, to));
  return x1 > x0 ? { x0, x1 } : null;
}

export interface CoverageBar {
  x: number;
  /** At least a hairline, so a second recorded in a month still shows. */
  width: number;
  /** Recorded share of the run, 0..1. */
  coverage: number;
}

/** The recorded bars of one lane: merged runs, cut at `now` (nothing is recorded in the future). */
export function coverageBars(view: TimeView, levels: readonly CoverageLevel[], now: number): CoverageBar[] {
  const bars: CoverageBar[] = [];
  for (const level of levels) {
    for (const run of coverageRuns(level.buckets, level.step)) {
      const span = spanX(view, run.from, Math.min(run.to, now));
      if (span) bars.push({ x: span.x0, width: Math.max(1, span.x1 - span.x0), coverage: run.coverage });
    }
  }
  return bars;
}

/** A recorded bar is more opaque the more of each step is recorded; the active lane's more so. */
export function coverageAlpha(active: boolean, coverage: number): number {
  return (active ? 0.5 : 0.34) + 0.45 * coverage;
}

/**
 * The data rate inside the recorded bar, as polylines: bytes per recorded second of
 * each step, scaled so the busiest step reaches the top of `height`. Busy scenes
 * (motion, detail) stand out from still ones, which helps find the moment. Empty
 * unless every level's step is at least 3 px wide, so it never turns into noise;
 * steps under 5% recorded break the line.
 */
export function rateTrace(view: TimeView, levels: readonly CoverageLevel[], top: number, height: number, now: number): { x: number; y: number }[][] {
  let max = 0;
  for (const level of levels) {
    if (level.step / view.spp < 3) return [];
    for (const b of level.buckets) if (b.coverage > 0.05) max = Math.max(max, b.bytes / (level.step * b.coverage));
  }
  if (max <= 0 || height < 8) return [];
  const lines: { x: number; y: number }[][] = [];
  for (const level of levels) {
    let line: { x: number; y: number }[] | null = null;
    for (const b of level.buckets) {
      const x0 = timeToX(view, b.from);
      const x1 = timeToX(view, Math.min(b.from + level.step, now));
      if (b.coverage <= 0.05 || x1 < -4 || x0 > view.width + 4 || x1 <= x0) {
        line = null;
        continue;
      }
      const y = top + height - (b.bytes / (level.step * b.coverage) / max) * height;
      if (!line) {
        line = [];
        lines.push(line);
      }
      line.push({ x: x0, y }, { x: x1, y });
    }
  }
  return lines;
}

/** Ticks this far off either edge are not drawn (a label reaching in from outside still is). */
const TICK_MARGIN = 60;

export function tickVisible(tick: Pick<Tick, 'x'>, width: number): boolean {
  return tick.x >= -TICK_MARGIN && tick.x <= width + TICK_MARGIN;
}

/**
 * Where each tick's label is drawn (its left edge), or null where it is not: labels go
 * left to right, 4 px after their tick, and one that would touch the label before it
 * (or start before `firstFree`, the end of the day label) is left out.
 */
export function tickLabelPlaces(ticks: readonly Tick[], width: number, firstFree: number, measure: (text: string) => number): (number | null)[] {
  let lastLabelEnd = firstFree;
  return ticks.map((tick) => {
    if (!tick.major || !tick.label || !tickVisible(tick, width) || tick.x + 4 <= lastLabelEnd) return null;
    lastLabelEnd = tick.x + 4 + measure(tick.label) + 8;
    return tick.x + 4;
  });
}

/** The In/Out band across the lanes, clipped to the view; null unless both marks are set and it shows. */
export function markBand(view: TimeView, marks: Marks): { x0: number; x1: number } | null {
  if (marks.in === null || marks.out === null) return null;
  return spanX(view, marks.in, marks.out);
}

/** Left edge of a label `labelW` wide centred over x, kept inside the canvas. */
export function centredLabelLeft(x: number, labelW: number, width: number): number {
  return Math.max(0, Math.min(width - labelW, x - labelW / 2));
}
