// The layout editor's arithmetic: presets, moves and resizes kept on the canvas in even
// pixels (4:2:0 pictures), and the undo history. Pure, so it is tested without a browser.
import type { MixInput, MixLayout } from '../../../src-main/contract/mixer-api';
import { generatedSource } from '../../../src-main/contract/stream-name';

export type Preset = 'single' | 'side-by-side' | 'grid' | 'pip-br' | 'pip-bl' | 'pip-tr' | 'pip-tl' | 'speaker-strip';

export const presetLabels: Record<Preset, string> = {
  single: 'Single',
  'side-by-side': 'Side by side',
  grid: '2×2 grid',
  'pip-br': 'PiP ↘',
  'pip-bl': 'PiP ↙',
  'pip-tr': 'PiP ↗',
  'pip-tl': 'PiP ↖',
  'speaker-strip': 'Speaker + strip',
};

const even = (n: number) => Math.round(n / 2) * 2;

type Box = Pick<MixInput, 'x' | 'y' | 'w' | 'h'>;

/** The boxes a preset gives `count` inputs on a `width` × `height` canvas (inputs past the preset's slots are hidden off to the side at the back). */
export function presetBoxes(preset: Preset, count: number, width: number, height: number): Box[] {
  const box = (x: number, y: number, w: number, h: number): Box => ({ x: even(x), y: even(y), w: even(w), h: even(h) });
  const full = box(0, 0, width, height);
  const pip = (right: boolean, bottom: boolean) => {
    const w = width * 0.3;
    const h = height * 0.3;
    const margin = Math.min(width, height) * 0.04;
    return box(right ? width - w - margin : margin, bottom ? height - h - margin : margin, w, h);
  };
  const slots: Box[] = (() => {
    switch (preset) {
      case 'single':
        return [full];
      case 'side-by-side':
        return [box(0, height / 4, width / 2, height / 2), box(width / 2, height / 4, width / 2, height / 2)];
      case 'grid':
        return [box(0, 0, width / 2, height / 2), box(width / 2, 0, width / 2, height / 2), box(0, height / 2, width / 2, height / 2), box(width / 2, height / 2, width / 2, height / 2)];
      case 'pip-br':
        return [full, pip(true, true)];
      case 'pip-bl':
        return [full, pip(false, true)];
      case 'pip-tr':
        return [full, pip(true, false)];
      case 'pip-tl':
        return [full, pip(false, false)];
      case 'speaker-strip': {
        const strip = Math.max(1, count - 1);
        const h = height / 4;
        return [box(0, 0, width, height - h), ...Array.from({ length: strip }, (_, i) => box((i * width) / strip, height - h, width / strip, h))];
      }
    }
  })();
  return Array.from({ length: count }, (_, i) => slots[i] ?? box(width, 0, width / 4, height / 4));
}

/** The layout with a preset applied: boxes and stacking order (later slots in front). */
export function applyPreset(layout: MixLayout, preset: Preset): MixLayout {
  const boxes = presetBoxes(preset, layout.inputs.length, layout.width, layout.height);
  return { ...layout, inputs: layout.inputs.map((input, i) => ({ ...input, ...boxes[i]!, z: i })) };
}

/** A box moved or resized by hand: even pixels, at least 16 × 16, and never wholly off the canvas. */
export function placeBox(box: Box, width: number, height: number): Box {
  const w = Math.max(16, Math.min(even(box.w), width * 2));
  const h = Math.max(16, Math.min(even(box.h), height * 2));
  const x = Math.max(-w + 16, Math.min(even(box.x), width - 16));
  const y = Math.max(-h + 16, Math.min(even(box.y), height - 16));
  return { x: even(x), y: even(y), w, h };
}

/** Brings input `index` one step forward (+1) or back (-1) in the stacking order, renumbering all from 0. */
export function restack(inputs: readonly MixInput[], index: number, step: 1 | -1): MixInput[] {
  const order = inputs.map((input, i) => ({ input, i })).sort((a, b) => (a.input.z ?? a.i) - (b.input.z ?? b.i) || a.i - b.i);
  const at = order.findIndex((o) => o.i === index);
  const to = at + step;
  // Already at the front (or back): nothing moves, but the order is written out all the same.
  if (at >= 0 && to >= 0 && to < order.length) [order[at], order[to]] = [order[to]!, order[at]!];
  const z = new Map(order.map((o, rank) => [o.i, rank]));
  return inputs.map((input, i) => ({ ...input, z: z.get(i)! }));
}

/** Undo and redo over whole layouts: every edit pushes the one before it. */
export interface History {
  past: MixLayout[];
  present: MixLayout;
  future: MixLayout[];
}

const maxHistory = 100;

export const historyOf = (layout: MixLayout): History => ({ past: [], present: layout, future: [] });

export function edit(history: History, next: MixLayout): History {
  if (JSON.stringify(next) === JSON.stringify(history.present)) return history;
  return { past: [...history.past, history.present].slice(-maxHistory), present: next, future: [] };
}

export function undo(history: History): History {
  const previous = history.past.at(-1);
  return previous ? { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] } : history;
}

export function redo(history: History): History {
  const next = history.future[0];
  return next ? { past: [...history.past, history.present], present: next, future: history.future.slice(1) } : history;
}

export const sameLayout = (a: MixLayout, b: MixLayout) => JSON.stringify(a) === JSON.stringify(b);

// ---- the look of a box beyond its picture (crop, opacity, rounded corners, border) ----

export type CropEdge = keyof NonNullable<MixInput['crop']>;
export const cropEdges: readonly CropEdge[] = ['top', 'right', 'bottom', 'left'];

/** The input with one edge's crop set (whole source pixels, not below 0); no crop at all once every edge is 0. */
export function withCrop(input: MixInput, edge: CropEdge, pixels: number): MixInput {
  const crop = { top: 0, right: 0, bottom: 0, left: 0, ...input.crop, [edge]: Math.max(0, Math.round(pixels)) };
  const { crop: _old, ...rest } = input;
  return cropEdges.every((e) => crop[e] === 0) ? rest : { ...rest, crop };
}

/** The input with its border's width or colour changed (the other kept, white and 0 px to begin with); no border once it is 0 px wide. */
export function withBorder(input: MixInput, patch: Partial<NonNullable<MixInput['border']>>): MixInput {
  const border = { width: 0, colour: '#ffffff', ...input.border, ...patch };
  border.width = Math.max(0, Math.min(100, Math.round(border.width)));
  const { border: _old, ...rest } = input;
  // A colour picked before any width is kept, so the width typed next shows it.
  return border.width === 0 && patch.colour === undefined ? rest : { ...rest, border };
}

/**
 * How the editor draws an input's box at `scale` (screen pixels per canvas pixel), as the
 * compositor does: the whole box at its opacity with rounded corners, the border inside
 * the box (even canvas pixels, less than half the box), the picture within it.
 */
export function boxLook(input: MixInput, scale: number): { opacity: number; radius: number; borderWidth: number; borderColour: string | null } {
  const opacity = Math.max(0, Math.min(1, input.opacity ?? 1));
  const radius = Math.min(input.radius ?? 0, Math.min(input.w, input.h) / 2) * scale;
  const border = input.border && input.border.width > 0 ? Math.max(0, Math.min(input.border.width, Math.floor(Math.min(input.w, input.h) / 2) - 1)) & ~1 : 0;
  // A border of a canvas pixel or two still shows on a small preview.
  return { opacity, radius, borderWidth: border > 0 ? Math.max(1, border * scale) : 0, borderColour: border > 0 ? input.border!.colour : null };
}

// ---- offline renders of recordings ----

/** A recorded stream and the span it has recordings over (GET /api/dvr/streams), UTC seconds. */
export interface RecordedSpan {
  stream: string;
  from: number;
  to: number;
}

/** The span over which every one of `streams` has recordings; null when one has none or they do not meet. */
export function commonSpan(spans: readonly RecordedSpan[], streams: readonly string[]): { from: number; to: number } | null {
  if (streams.length === 0) return null;
  let from = -Infinity;
  let to = Infinity;
  for (const name of new Set(streams)) {
    const span = spans.find((s) => s.stream === name);
    if (!span) return null;
    from = Math.max(from, span.from);
    to = Math.min(to, span.to);
  }
  return to > from ? { from, to } : null;
}

/**
 * Where a render of `duration` seconds starts by default: at the latest moment the streams'
 * common span still holds the whole of it (its start when it is shorter), in whole seconds;
 * without a common span, the latest whole range that any of them recorded.
 */
export function defaultRenderFrom(spans: readonly RecordedSpan[], streams: readonly string[], duration: number): number | null {
  const common = commonSpan(spans, streams);
  if (common) return Math.max(Math.ceil(common.from), Math.floor(common.to - duration));
  const ends = spans.filter((s) => streams.includes(s.stream)).map((s) => s.to);
  return ends.length > 0 ? Math.floor(Math.max(...ends) - duration) : null;
}

/** The layout on a canvas of another size: boxes, corners and borders scaled with it (even pixels), the rest as it was. */
export function scaleLayout(layout: MixLayout, width: number, height: number): MixLayout {
  if (width === layout.width && height === layout.height) return layout;
  const sx = width / layout.width;
  const sy = height / layout.height;
  const s = Math.min(sx, sy);
  return {
    ...layout,
    width,
    height,
    inputs: layout.inputs.map((input) => {
      const scaled: MixInput = { ...input, x: even(input.x * sx), y: even(input.y * sy), w: Math.max(2, even(input.w * sx)), h: Math.max(2, even(input.h * sy)) };
      if (input.radius !== undefined) scaled.radius = Math.round(input.radius * s);
      if (input.border) scaled.border = { ...input.border, width: Math.min(100, even(input.border.width * s)) };
      return scaled;
    }),
  };
}

/** A layout from a preset for `sources` in order (the first the big one), on a new canvas. */
export function presetLayout(preset: Preset, sources: readonly string[], canvas: Omit<MixLayout, 'inputs'>): MixLayout {
  const blank: MixLayout = { background: '#101010', ...canvas, inputs: sources.map((source) => ({ source, x: 0, y: 0, w: 2, h: 2 })) };
  return applyPreset(blank, preset);
}

/** A source the mixer makes itself (a colour card, the clock), or null for a stream. */
export const madeSource = (source: string): 'colour' | 'clock' | null => generatedSource(source)?.kind ?? null;
