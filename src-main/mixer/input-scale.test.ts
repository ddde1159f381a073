// The decoder's filter for a box, run by real ffmpeg: exactly the box's size for every fit,
// with a crop that is sensible or absurd (larger than the source: 2×2 of it is kept).
import { describe, expect, it } from 'vitest';
import { ffmpeg } from '../test-support/ffmpeg-tools.js';
import { boxFilter } from './input-scale.js';
import { pictureBytes } from './picture.js';

async function pictures(filter: string): Promise<Buffer> {
  const { stdout } = await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25', '-frames:v', '2', '-vf', filter, '-f', 'rawvideo', 'pipe:1']);
  return stdout;
}

describe('box filter', () => {
  it('makes pictures of exactly the box, cropped or not, whatever the crop says', async () => {
    for (const fit of ['contain', 'cover', 'stretch'] as const) {
      for (const crop of [undefined, { top: 10, right: 20, bottom: 30, left: 40 }, { top: 9000, right: 9000, bottom: 9000, left: 9000 }]) {
        const out = await pictures(boxFilter(320, 180, fit, '#000000', { fps: 25, startTime: 0 }, crop));
        expect(out.length, `${fit} ${JSON.stringify(crop)}`).toBe(2 * pictureBytes(320, 180));
      }
    }
  });

  it('starts at the time asked: the first picture out is the one for it', async () => {
    // 25 fps from 0: start_time 1 s drops the first 25.
    const { stdout } = await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x36:rate=25:duration=2', '-vf', boxFilter(64, 36, 'stretch', '#000000', { fps: 25, startTime: 1 }), '-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:1']);
    expect(stdout.length / pictureBytes(64, 36)).toBe(25);
  });
});
