// How an input's decoder makes its pictures the size of its box: ffmpeg filters for each
// fit, ending in exactly w × h yuv420p at the mix's rate, so the compositor copies rows.

export type Fit = 'contain' | 'cover' | 'stretch';

/**
 * The -vf chain for a box of `w` × `h` (even) at `fps`; `pad` is the bars' colour for contain (#rrggbb).
 * `startTime` (seconds) makes the first picture out the one for that time exactly (earlier
 * pictures dropped, a late start filled with the first): an offline mix counts its pictures from it.
 */
export function boxFilter(w: number, h: number, fps: number, fit: Fit, pad: string, startTime?: number): string {
  const size = `${w & ~1}:${h & ~1}`;
  const scale =
    fit === 'stretch'
      ? `scale=${size}`
      : fit === 'cover'
        ? `scale=${size}:force_original_aspect_ratio=increase,crop=${size}`
        : `scale=${size}:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=${size}:-1:-1:color=0x${pad.slice(1)}`;
  // fps first: one picture per canvas tick, so no picture is scaled only to be dropped; setsar: square pixels whatever the source said.
  const rate = startTime === undefined ? `fps=${fps}` : `fps=${fps}:start_time=${startTime.toFixed(6)}`;
  return `${rate},${scale},setsar=1,format=yuv420p`;
}
