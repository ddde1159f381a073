import type { WindowBounds } from './desktop-prefs.js';

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How much of a saved window must be on a screen for it to come back there (a title bar's worth to grab). */
const minVisible = { width: 200, height: 48 };

/**
 * Where the window opens: where it was, unless that place is no longer on any
 * screen (a monitor unplugged, the resolution lowered); then centred on the
 * primary screen at the saved size, shrunk to fit.
 */
/** `screens`: the primary one first. */
export function windowPlace(saved: WindowBounds | null, screens: readonly Area[], fallback: { width: number; height: number }): WindowBounds | null {
  const primary = screens[0];
  if (!saved || !primary) return null;
  const visibleOn = (s: Area) => {
    const w = Math.min(saved.x + saved.width, s.x + s.width) - Math.max(saved.x, s.x);
    const h = Math.min(saved.y + saved.height, s.y + s.height) - Math.max(saved.y, s.y);
    // The top edge must be on the screen too, or the title bar cannot be grabbed.
    return w >= minVisible.width && h >= minVisible.height && saved.y >= s.y && saved.y < s.y + s.height - minVisible.height / 2;
  };
  if (screens.some(visibleOn)) return saved;
  const width = Math.min(saved.width || fallback.width, primary.width);
  const height = Math.min(saved.height || fallback.height, primary.height);
  return { x: primary.x + Math.round((primary.width - width) / 2), y: primary.y + Math.round((primary.height - height) / 2), width, height, maximized: saved.maximized };
}
