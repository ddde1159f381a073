// The picture under the pointer on the timeline: the keyframe thumbnail nearest a
// time (/NAME/YYYY/MM/DD/HH/MM/SS.jpg, UTC), asked at a step that suits the zoom so
// sweeping the pointer reuses pictures instead of asking for one per pixel.
import { tokenParam } from '../../api/endpoints';
import { utcPathTime } from '../../lib/timeline/clock';
import { streamFileUrl } from '../../lib/stream-name';

/** Thumbnail steps by zoom: a few per hundred pixels, whole seconds at least, a day at most. */
export function thumbStep(spp: number): number {
  const wanted = spp * 12;
  for (const s of [1, 2, 5, 10, 30, 60, 300, 900, 1800, 3600, 7200, 21600, 86400]) if (s >= wanted) return s;
  return 86400;
}

/** The thumbnail (320 px wide) for time `t` at a zoom of `spp` seconds per pixel. */
export function hoverPictureUrl(stream: string, token: string | null, t: number, spp: number): string {
  const step = thumbStep(spp);
  const at = Math.floor(t / step) * step;
  return `${streamFileUrl(stream, `${utcPathTime(at)}.jpg`)}?w=320${tokenParam(token)}`;
}
