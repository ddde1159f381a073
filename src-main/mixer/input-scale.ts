// How an input's decoder makes its pictures the size of its box: ffmpeg filters for each
// fit, ending in exactly w × h yuv420p at the mix's rate, so the compositor copies rows.

import type { MixInput } from '../contract/mixer-api.js';
import { innerBox } from './compositor.js';

export type Fit = 'contain' | 'cover' | 'stretch';

/** Source pixels cut from each edge. */
export interface Crop {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** ffmpeg's crop for `c`, keeping at least 2×2 of any source however large the numbers (a wrong crop must not stop the decoder). */
export function cropFilter(c: Crop): string {
  const w = `max(2,iw-${c.left + c.right})`;
  const h = `max(2,ih-${c.top + c.bottom})`;
  return `crop=w='${w}':h='${h}':x='min(${c.left},iw-2)':y='min(${c.top},ih-2)':exact=1`;
}

/**
 * The -vf chain for a box of `w` × `h` (even); `pad` is the bars' colour for contain (#rrggbb).
 * With `timing`, one picture per tick of `fps`, the first the one for `startTime` (seconds)
 * exactly (earlier pictures dropped, a late start filled with the first): an offline mix
 * counts its pictures from it. Without, pictures as they come: a live mix takes the newest
 * each tick, and pacing them would hold each back until the next arrived.
 */
export function boxFilter(w: number, h: number, fit: Fit, pad: string, timing: { fps: number; startTime: number } | null, crop?: Crop): string {
  const size = `${w & ~1}:${h & ~1}`;
  const scale =
    fit === 'stretch'
      ? `scale=${size}`
      : fit === 'cover'
        ? `scale=${size}:force_original_aspect_ratio=increase,crop=${size}`
        : `scale=${size}:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=${size}:-1:-1:color=0x${pad.slice(1)}`;
  // fps first: no picture is scaled only to be dropped; setsar: square pixels whatever the source said.
  const rate = timing ? `fps=${timing.fps}:start_time=${timing.startTime.toFixed(6)},` : '';
  const cut = crop && crop.top + crop.right + crop.bottom + crop.left > 0 ? `${cropFilter(crop)},` : '';
  return `${rate}${cut}${scale},setsar=1,format=yuv420p`;
}

/**
 * What an input's decoder makes for the compositor: pictures the size of the box inside
 * its border, cropped and fitted as the input says (paced as boxFilter says with `timing`).
 */
export function inputPictures(input: MixInput, background: string, timing: { fps: number; startTime: number } | null): { width: number; height: number; filter: string } {
  const { w, h } = innerBox(input, { border: input.border });
  return { width: w, height: h, filter: boxFilter(w, h, input.fit ?? 'contain', background, timing, input.crop) };
}
