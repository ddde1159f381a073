// How an input's decoder makes its pictures the size of its box: ffmpeg filters for each
// fit, ending in exactly w × h yuv420p at the mix's rate, so the compositor copies rows.

export type Fit = 'contain' | 'cover' | 'stretch';

/** The -vf chain for a box of `w` × `h` (even) at `fps`; `pad` is the bars' colour for contain (#rrggbb). */
export function boxFilter(w: number, h: number, fps: number, fit: Fit, pad: string): string {
  const size = `${w & ~1}:${h & ~1}`;
  const scale =
    fit === 'stretch'
      ? `scale=${size}`
      : fit === 'cover'
        ? `scale=${size}:force_original_aspect_ratio=increase,crop=${size}`
        : `scale=${size}:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=${size}:-1:-1:color=0x${pad.slice(1)}`;
  // setsar: square pixels whatever the source said; fps: one picture per canvas tick at most.
  return `${scale},setsar=1,fps=${fps},format=yuv420p`;
}
