// The timeline's horizontal axis: a window of UTC time laid over a strip of pixels.
// Times are UTC seconds (fractions allowed), as in every archive API; x is in CSS pixels.

export interface TimeView {
  /** UTC seconds at the left edge (x = 0). */
  start: number;
  /** Seconds one CSS pixel covers: small = zoomed in. */
  spp: number;
  /** Width of the strip in CSS pixels. */
  width: number;
}

export interface ZoomLimits {
  /** Most zoomed in: seconds per pixel (a frame some pixels wide). */
  minSpp: number;
  /** Most zoomed out: seconds per pixel (about a month over the strip). */
  maxSpp: number;
}

export const DAY = 86_400;

export function viewEnd(view: TimeView): number {
  return view.start + view.spp * view.width;
}

export function viewSpan(view: TimeView): number {
  return view.spp * view.width;
}

export function timeToX(view: TimeView, t: number): number {
  return (t - view.start) / view.spp;
}

export function xToTime(view: TimeView, x: number): number {
  return view.start + x * view.spp;
}

/**
 * How far the timeline may zoom for a strip `width` wide: in, until one frame is
 * `framePx` pixels; out, until `maxSeconds` (a month and a bit) fill the strip.
 */
export function zoomLimits(width: number, fps: number, framePx = 14, maxSeconds = 35 * DAY): ZoomLimits {
  const w = Math.max(1, width);
  const frame = 1 / (fps > 0 && Number.isFinite(fps) ? fps : 30);
  const minSpp = frame / framePx;
  return { minSpp, maxSpp: Math.max(minSpp, maxSeconds / w) };
}

export function clampSpp(spp: number, limits: ZoomLimits): number {
  if (!Number.isFinite(spp) || spp <= 0) return limits.maxSpp;
  return Math.min(limits.maxSpp, Math.max(limits.minSpp, spp));
}

/**
 * Zooms by `factor` (>1 zooms out) keeping the time under `anchorX` where it is, so
 * the wheel zooms towards the pointer and the keys towards the playhead.
 */
export function zoomAt(view: TimeView, anchorX: number, factor: number, limits: ZoomLimits): TimeView {
  const anchor = xToTime(view, anchorX);
  const spp = clampSpp(view.spp * factor, limits);
  return { ...view, spp, start: anchor - anchorX * spp };
}

/** Moves the window by `dx` pixels: positive dx (dragging right) shows earlier times. */
export function panBy(view: TimeView, dx: number): TimeView {
  return { ...view, start: view.start - dx * view.spp };
}

/** A view of [from, to] with `pad` (a share of the span) of air at both sides. */
export function fitView(from: number, to: number, width: number, limits: ZoomLimits, pad = 0.04): TimeView {
  const w = Math.max(1, width);
  const span = Math.max(to - from, limits.minSpp * w);
  const spp = clampSpp((span * (1 + 2 * pad)) / w, limits);
  const centre = (from + to) / 2;
  return { start: centre - (spp * w) / 2, spp, width: w };
}

/** Same time under the same share of the strip after a resize (the centre stays put). */
export function resizeView(view: TimeView, width: number, limits: ZoomLimits): TimeView {
  const w = Math.max(1, width);
  const centre = view.start + (view.spp * view.width) / 2;
  const spp = clampSpp(view.spp, limits);
  return { start: centre - (spp * w) / 2, spp, width: w };
}

/** Centres `t` keeping the zoom. */
export function centreOn(view: TimeView, t: number): TimeView {
  return { ...view, start: t - viewSpan(view) / 2 };
}

/**
 * Keeps `t` (the playhead while playing) on screen: when it runs past the right edge
 * (less `margin` pixels) the view turns a page, as editors do; when it is left of the
 * view it is brought to a quarter of the strip.
 */
export function follow(view: TimeView, t: number, margin = 24): TimeView {
  const x = timeToX(view, t);
  if (x > view.width - margin) return { ...view, start: t - viewSpan(view) * 0.1 };
  if (x < 0) return { ...view, start: t - viewSpan(view) * 0.25 };
  return view;
}

/** Wheel events in lines or pages, as pixels. */
export function wheelPixels(delta: number, deltaMode: number): number {
  if (deltaMode === 1) return delta * 16;
  if (deltaMode === 2) return delta * 400;
  return delta;
}

/**
 * The zoom factor for a wheel event: a notch (~100 px) zooms by about 1.25; a pinch
 * on a touchpad arrives as ctrl+wheel with small deltas and zooms faster per pixel.
 */
export function wheelZoomFactor(deltaY: number, deltaMode: number, pinch: boolean): number {
  const px = Math.max(-400, Math.min(400, wheelPixels(deltaY, deltaMode)));
  return Math.exp(px * (pinch ? 0.01 : 0.0022));
}

/** The keyboard's + and -: one press halves or doubles the span. */
export const KEY_ZOOM_FACTOR = 2;
