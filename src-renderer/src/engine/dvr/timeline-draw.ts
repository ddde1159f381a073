// Paints the timeline: the local-time ruler, one lane per stream with its recorded
// spans (shaded by coverage) and locks (hatched), the In/Out range, hover, the "now"
// line and the playhead. Pure drawing over the state it is given; called once per
// animation frame when something changed. Where things go is timeline-layout.ts
// (pure, tested); this file only paints it.
import type { Marks, TimeRange } from '../../lib/timeline/marks';
import { buildTicks, dayLabel } from '../../lib/timeline/ticks';
import { formatClock } from '../../lib/timeline/clock';
import { timeToX, type TimeView } from '../../lib/timeline/time-scale';
import {
  RULER_H,
  barInset,
  centredLabelLeft,
  coverageAlpha,
  coverageBars,
  crisp,
  laneHeight,
  laneTop,
  markBand,
  rateTrace,
  spanX,
  tickLabelPlaces,
  tickVisible,
  type CoverageLevel,
} from './timeline-layout';

export interface Palette {
  ruler: string;
  lane: string;
  laneActive: string;
  border: string;
  text: string;
  textMuted: string;
  textFaint: string;
  accent: string;
  accentStrong: string;
  ok: string;
  warning: string;
  danger: string;
  playhead: string;
}

/** The theme's colours, read once from the CSS variables. */
export function readPalette(element: Element): Palette {
  const css = getComputedStyle(element);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    ruler: v('--bg-panel', '#161a1f'),
    lane: v('--bg-input', '#0f1215'),
    laneActive: '#12171d',
    border: v('--border', '#252a31'),
    text: v('--text', '#d3d8de'),
    textMuted: v('--text-muted', '#8a929d'),
    textFaint: v('--text-faint', '#5d6570'),
    accent: v('--accent', '#4a8cf7'),
    accentStrong: v('--accent-strong', '#6aa1ff'),
    ok: v('--ok', '#3fb27f'),
    warning: v('--warning', '#d9a441'),
    danger: v('--danger', '#e5534b'),
    playhead: v('--text-strong', '#eef1f4'),
  };
}

export interface LaneDraw {
  stream: string;
  active: boolean;
  coverage: CoverageLevel[];
  locks: readonly TimeRange[];
}

export interface TimelineScene {
  view: TimeView;
  height: number;
  dpr: number;
  fps: number;
  now: number;
  lanes: LaneDraw[];
  marks: Marks;
  playhead: number | null;
  hover: { x: number; t: number; lane: number | null } | null;
  live: boolean;
  /** Which handle the pointer is over or dragging, for emphasis. */
  hotMark: 'in' | 'out' | null;
}

const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const FONT_MONO = '11px ui-monospace, "SF Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace';

let hatchCache: { key: string; pattern: CanvasPattern | null } | null = null;

/** Diagonal stripes for locked ranges (made once per colour and pixel ratio). */
function hatch(ctx: CanvasRenderingContext2D, colour: string, dpr: number): CanvasPattern | null {
  const key = `${colour}@${dpr}`;
  if (hatchCache?.key === key) return hatchCache.pattern;
  const size = Math.round(8 * dpr);
  const tile = document.createElement('canvas');
  tile.width = size;
  tile.height = size;
  const t = tile.getContext('2d');
  if (!t) return null;
  t.strokeStyle = colour;
  t.lineWidth = 1.5 * dpr;
  t.globalAlpha = 0.75;
  t.beginPath();
  // Two strokes so the stripes join across tile edges.
  t.moveTo(-size / 2, size / 2);
  t.lineTo(size / 2, -size / 2);
  t.moveTo(0, size);
  t.lineTo(size, 0);
  t.moveTo(size / 2, size * 1.5);
  t.lineTo(size * 1.5, size / 2);
  t.stroke();
  const pattern = ctx.createPattern(tile, 'repeat');
  // The pattern is drawn in a context scaled by dpr: undo that so stripes stay crisp.
  pattern?.setTransform(new DOMMatrix().scale(1 / dpr));
  hatchCache = { key, pattern };
  return pattern;
}

/** The data rate inside the recorded bar, as a faint line (see rateTrace). */
function drawRate(ctx: CanvasRenderingContext2D, view: TimeView, levels: readonly CoverageLevel[], top: number, height: number, now: number): void {
  const lines = rateTrace(view, levels, top, height, now);
  if (lines.length === 0) return;
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.45)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const line of lines) {
    line.forEach((point, i) => {
      if (i === 0) ctx.moveTo(point.x, point.y);
      else ctx.lineTo(point.x, point.y);
    });
  }
  ctx.stroke();
}

export function drawTimeline(ctx: CanvasRenderingContext2D, scene: TimelineScene, p: Palette): void {
  const { view, height, dpr } = scene;
  const width = view.width;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);

  // ---- lanes ----
  const nowX = timeToX(view, scene.now);
  const laneCount = scene.lanes.length;
  const laneH = laneHeight(laneCount);
  const inset = barInset(laneH);
  scene.lanes.forEach((lane, i) => {
    const top = laneTop(i, laneCount);
    ctx.fillStyle = lane.active ? p.laneActive : p.lane;
    ctx.fillRect(0, top, width, laneH);
    // Locks: hatched bands behind the recording, solid edges above and below.
    const pattern = hatch(ctx, p.warning, dpr);
    for (const lock of lane.locks) {
      const span = spanX(view, lock.from, lock.to);
      if (!span) continue;
      const { x0 } = span;
      const w = Math.max(2, span.x1 - x0);
      if (pattern) {
        ctx.fillStyle = pattern;
        ctx.fillRect(x0, top, w, laneH);
      }
      ctx.fillStyle = p.warning;
      ctx.fillRect(x0, top, w, 2);
      ctx.fillRect(x0, top + laneH - 2, w, 2);
    }
    // Coverage: recorded spans, more opaque the more of each step is recorded.
    for (const bar of coverageBars(view, lane.coverage, scene.now)) {
      ctx.globalAlpha = coverageAlpha(lane.active, bar.coverage);
      ctx.fillStyle = p.accent;
      ctx.fillRect(bar.x, top + inset, bar.width, laneH - 2 * inset);
    }
    ctx.globalAlpha = 1;
    drawRate(ctx, view, lane.coverage, top + inset + 2, laneH - 2 * inset - 4, scene.now);
  });

  // The future: nothing can be recorded there yet.
  if (nowX < width) {
    const x = Math.max(0, nowX);
    ctx.fillStyle = 'rgba(0, 0, 0, 0.35)';
    ctx.fillRect(x, RULER_H, width - x, height - RULER_H);
  }

  // ---- ruler ----
  ctx.fillStyle = p.ruler;
  ctx.fillRect(0, 0, width, RULER_H);
  ctx.fillStyle = p.border;
  ctx.fillRect(0, RULER_H - 1, width, 1);

  // The day at the left edge, always readable whatever the zoom; tick labels start after it.
  ctx.font = FONT;
  ctx.textBaseline = 'top';
  const day = dayLabel(view.start + view.spp * 2);
  const dayW = ctx.measureText(day).width + 12;

  const ticks = buildTicks(view, scene.fps);
  ctx.font = FONT_MONO;
  const labelAt = tickLabelPlaces(ticks, width, dayW + 6, (text) => ctx.measureText(text).width);
  ticks.forEach((tick, i) => {
    if (!tickVisible(tick, width)) return;
    const x = crisp(tick.x, dpr);
    if (tick.major) {
      ctx.fillStyle = tick.boundary ? p.textMuted : p.textFaint;
      ctx.fillRect(x - 0.5, RULER_H - 10, 1, 10);
      // A faint grid line through the lanes at every major tick; stronger at midnight.
      ctx.fillStyle = tick.boundary ? 'rgba(255,255,255,0.09)' : 'rgba(255,255,255,0.035)';
      ctx.fillRect(x - 0.5, RULER_H, 1, height - RULER_H);
      const labelX = labelAt[i];
      if (tick.label && labelX !== null && labelX !== undefined) {
        ctx.fillStyle = tick.boundary ? p.text : p.textMuted;
        ctx.fillText(tick.label, labelX, 6);
      }
    } else {
      ctx.fillStyle = p.textFaint;
      ctx.globalAlpha = 0.7;
      ctx.fillRect(x - 0.5, RULER_H - 5, 1, 5);
      ctx.globalAlpha = 1;
    }
  });

  ctx.font = FONT;
  ctx.fillStyle = p.ruler;
  ctx.fillRect(0, 0, dayW + 2, RULER_H - 1);
  ctx.fillStyle = p.border;
  ctx.fillRect(dayW + 2, 4, 1, RULER_H - 9);
  ctx.fillStyle = p.text;
  ctx.fillText(day, 6, 7);

  // ---- In/Out ----
  const { marks } = scene;
  if (marks.in !== null || marks.out !== null) {
    const xi = marks.in === null ? null : timeToX(view, marks.in);
    const xo = marks.out === null ? null : timeToX(view, marks.out);
    const band = markBand(view, marks);
    if (band) {
      ctx.fillStyle = 'rgba(106, 161, 255, 0.13)';
      ctx.fillRect(band.x0, RULER_H, band.x1 - band.x0, height - RULER_H);
      ctx.fillStyle = 'rgba(106, 161, 255, 0.55)';
      ctx.fillRect(band.x0, RULER_H - 3, band.x1 - band.x0, 3);
    }
    for (const [which, x] of [
      ['in', xi],
      ['out', xo],
    ] as const) {
      if (x === null || x < -8 || x > width + 8) continue;
      const hot = scene.hotMark === which;
      const cx = crisp(x, dpr);
      ctx.fillStyle = p.accentStrong;
      ctx.fillRect(cx - (hot ? 1 : 0.5), RULER_H - 3, hot ? 2 : 1, height - RULER_H + 3);
      // A bracket tab in the ruler, pointing into the range: the handle to drag.
      const dir = which === 'in' ? 1 : -1;
      ctx.beginPath();
      ctx.moveTo(cx, RULER_H - 16);
      ctx.lineTo(cx + dir * 11, RULER_H - 16);
      ctx.lineTo(cx + dir * 11, RULER_H - 9);
      ctx.lineTo(cx + dir * 4, RULER_H - 3);
      ctx.lineTo(cx, RULER_H - 3);
      ctx.closePath();
      ctx.fill();
      ctx.fillStyle = '#0b0d10';
      ctx.font = 'bold 9px system-ui, sans-serif';
      ctx.textBaseline = 'middle';
      ctx.fillText(which === 'in' ? 'I' : 'O', cx + dir * 5.5 - 2.5, RULER_H - 12.5);
      ctx.textBaseline = 'top';
      if (hot) {
        ctx.fillStyle = 'rgba(106, 161, 255, 0.25)';
        ctx.fillRect(cx - 4, RULER_H, 8, height - RULER_H);
      }
    }
  }

  // ---- hover ----
  if (scene.hover) {
    const x = crisp(scene.hover.x, dpr);
    ctx.fillStyle = 'rgba(238, 241, 244, 0.28)';
    ctx.fillRect(x - 0.5, RULER_H, 1, height - RULER_H);
  }

  // ---- now ----
  if (nowX >= -2 && nowX <= width + 2) {
    const x = crisp(nowX, dpr);
    ctx.fillStyle = p.danger;
    ctx.fillRect(x - 0.5, RULER_H - 6, 1, height - RULER_H + 6);
    ctx.font = 'bold 9px system-ui, sans-serif';
    const label = scene.live ? 'LIVE' : 'NOW';
    const w = ctx.measureText(label).width + 8;
    const lx = Math.min(width - w - 1, x + 1);
    ctx.fillRect(lx, RULER_H - 13, w, 11);
    ctx.fillStyle = '#fff';
    ctx.textBaseline = 'middle';
    ctx.fillText(label, lx + 4, RULER_H - 7.5);
    ctx.textBaseline = 'top';
  }

  // ---- playhead ----
  if (scene.playhead !== null) {
    const px = timeToX(view, scene.playhead);
    if (px >= -6 && px <= width + 6) {
      const x = crisp(px, dpr);
      ctx.fillStyle = p.playhead;
      ctx.fillRect(x - 0.75, RULER_H - 2, 1.5, height - RULER_H + 2);
      ctx.beginPath();
      ctx.moveTo(x - 6, RULER_H - 10);
      ctx.lineTo(x + 6, RULER_H - 10);
      ctx.lineTo(x + 6, RULER_H - 6);
      ctx.lineTo(x, RULER_H);
      ctx.lineTo(x - 6, RULER_H - 6);
      ctx.closePath();
      ctx.fill();
    }
  }

  // ---- lane names, over everything in their lane ----
  ctx.font = FONT_MONO;
  scene.lanes.forEach((lane, i) => {
    if (scene.lanes.length < 2 && !lane.active) return;
    const top = laneTop(i, laneCount);
    const text = lane.stream;
    const w = ctx.measureText(text).width + 12;
    ctx.fillStyle = 'rgba(11, 13, 16, 0.78)';
    ctx.fillRect(4, top + 4, w, 16);
    if (lane.active && scene.lanes.length > 1) {
      ctx.fillStyle = p.accent;
      ctx.fillRect(4, top + 4, 2, 16);
    }
    ctx.fillStyle = lane.active ? p.text : p.textMuted;
    ctx.fillText(text, 10, top + 6.5);
  });

  // Hover time, in the ruler above the pointer (drawn last, on top of the labels).
  if (scene.hover) {
    ctx.font = FONT_MONO;
    const label = formatClock(scene.hover.t, view.spp < 0.05);
    const w = ctx.measureText(label).width + 14;
    const x = centredLabelLeft(scene.hover.x, w, width);
    // Wide and opaque enough to cover the tick labels under it.
    ctx.fillStyle = p.ruler;
    ctx.fillRect(x - 6, 0, w + 12, RULER_H - 9);
    ctx.fillStyle = '#2a313b';
    ctx.fillRect(x, 3, w, 16);
    ctx.fillStyle = p.playhead;
    ctx.fillText(label, x + 7, 5.5);
  }
}
