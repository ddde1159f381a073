import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useStudio } from '../../test-support/studio-instance.js';
import { ffprobeStreams, startFfmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { until } from '../../test-support/wait.js';
import type { SpriteMap } from '../../contract/stream-files.js';

const studio = useStudio();

let publishers: ReturnType<typeof startFfmpeg>[] = [];
afterEach(async () => {
  await Promise.all(publishers.map((p) => p.stop()));
  publishers = [];
});

const get = (p: string) => fetch(new URL(p, studio().urls.http));
const pad = (n: number) => String(n).padStart(2, '0');
/** /YYYY/MM/DD/HH/MM/SS of a UTC second. */
const timePath = (seconds: number) => {
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}/${pad(d.getUTCMinutes())}/${pad(d.getUTCSeconds())}`;
};
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** Writes a response body to a file ffprobe can read, returning its streams. */
async function probeJpeg(res: Response): Promise<{ codec: string; width: number; height: number; bytes: Buffer }> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/jpeg');
  const bytes = Buffer.from(await res.arrayBuffer());
  const file = path.join(studio().dir, `probe-${crypto.randomBytes(4).toString('hex')}.jpg`);
  await fs.writeFile(file, bytes);
  const [s] = await ffprobeStreams(file);
  return { codec: s!.codec_name, width: s!.width!, height: s!.height!, bytes };
}

async function recordedRange(name: string): Promise<{ from: number; duration: number }> {
  return until(`a recording of ${name} of 8 s`, async () => {
    const res = await get(`/${name}/recording_status.json?from=${Math.floor(Date.now() / 1000) - 300}&to=now`);
    const status = (await res.json()) as { ranges: { from: number; duration: number }[] }[];
    const range = status[0]?.ranges[0];
    return range && range.duration >= 8 ? range : null;
  }, 30_000);
}

describe('thumbnails from the archive', () => {
  it('serves the keyframe near a second, the exact picture, sized, and sprites with a consistent map', async () => {
    const name = 'live/thumbs';
    const publisher = startFfmpeg(['-re', ...testSourceArgs({ size: '640x360', seconds: 11, gop: 30 }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/${name}`]);
    publishers.push(publisher);
    await publisher.exited;
    const range = await recordedRange(name);
    const t = range.from + 2;

    const key = await get(`/${name}/${timePath(t)}.jpg`);
    expect(key.headers.get('access-control-allow-origin')).toBe('*');
    expect(key.headers.get('cache-control')).toBe('no-cache'); // not settled yet: the next segment may hold a nearer keyframe
    const first = await probeJpeg(key);
    expect(first).toMatchObject({ codec: 'mjpeg', width: 320, height: 180 });
    const later = await probeJpeg(await get(`/${name}/${timePath(t + 5)}.jpg`));
    expect(sha(later.bytes)).not.toBe(sha(first.bytes));
    const again = await probeJpeg(await get(`/${name}/${timePath(t)}.jpg`));
    expect(sha(again.bytes)).toBe(sha(first.bytes));

    expect(await probeJpeg(await get(`/${name}/${timePath(t)}.jpg?w=160`))).toMatchObject({ codec: 'mjpeg', width: 160, height: 90 });
    const exact = await probeJpeg(await get(`/${name}/${timePath(t + 3)}-preview.jpg?w=480`));
    expect(exact).toMatchObject({ codec: 'mjpeg', width: 480, height: 270 });

    // A sprite over the recording and 20 s after it: tiles there are gaps. (recording_status rounds FROM down: start a second later.)
    const from = range.from + 1;
    const duration = range.duration + 20;
    const mapRes = await get(`/${name}/sprite-${from}-${duration}.json?tiles=12`);
    expect(mapRes.status).toBe(200);
    const map = (await mapRes.json()) as SpriteMap;
    expect(map).toMatchObject({ tileWidth: 160, tileHeight: 90, columns: 10, rows: 2 });
    expect(map.url).toBe(`/${name}/sprite-${from}-${duration}.jpg?tiles=12`);
    expect(map.tiles).toHaveLength(12);
    const end = range.from + range.duration;
    for (let i = 0; i < 12; i++) {
      const time = from + (i * duration) / 12;
      if (time < end - 0.5) expect(map.tiles[i], `tile ${i}`).not.toBeNull();
      if (time > end + 1) expect(map.tiles[i], `tile ${i}`).toBeNull();
    }
    map.tiles.forEach((tile, i) => {
      if (!tile) return;
      expect(tile.x).toBe((i % 10) * 160);
      expect(tile.y).toBe(Math.floor(i / 10) * 90);
      expect(tile.time).toBeCloseTo(from + (i * duration) / 12, 2);
      expect(Math.abs(tile.keyframe - tile.time)).toBeLessThanOrEqual(1);
    });
    const sheet = await probeJpeg(await get(map.url));
    expect(sheet).toMatchObject({ codec: 'mjpeg', width: map.columns * map.tileWidth, height: map.rows * map.tileHeight });
    const sheetAgain = await get(map.url);
    expect(sha(Buffer.from(await sheetAgain.arrayBuffer()))).toBe(sha(sheet.bytes));
  }, 60_000);

  it('answers bad times, sizes and ranges with 400 and missing recordings with 404, with plain reasons', async () => {
    await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'cams/empty' }) });
    const future = Math.floor(Date.now() / 1000) + 3600;
    const cases: [string, number, RegExp][] = [
      ['/cams/empty/2020/01/02/03/04/05.jpg', 404, /nothing recorded at 2020-01-02T03:04:05Z/],
      ['/cams/empty/2020/01/02/03/04/05-preview.jpg', 404, /nothing recorded at 2020-01-02T03:04:05Z/],
      ['/nobody/here/2020/01/02/03/04/05.jpg', 404, /no stream named nobody\/here/],
      ['/cams/empty/2020/13/02/03/04/05.jpg', 400, /not a UTC date/],
      ['/cams/empty/2021/02/29/03/04/05.jpg', 400, /not a UTC date/],
      [`/cams/empty/${timePath(future)}.jpg`, 400, /in the future/],
      ['/cams/empty/2020/01/02/03/04/05.jpg?w=5000', 400, /w must be a whole number from 16 to 1920/],
      ['/cams/empty/2020/01/02/03/04/05.jpg?w=abc', 400, /w must be/],
      ['/cams/empty/sprite-1600000000-60.jpg', 404, /no recording between/],
      ['/cams/empty/sprite-1600000000-60.json?tiles=0', 400, /tiles must be a whole number from 1 to 400/],
      ['/cams/empty/sprite-1600000000-60.json?tiles=401', 400, /tiles must be/],
      ['/cams/empty/sprite-1600000000-0.json', 400, /at least 1 second/],
      [`/cams/empty/sprite-${future}-60.jpg`, 400, /future/],
      ['/cams/empty/sprite-1600000000-60.jpg?w=1000', 400, /w must be a whole number from 16 to 320/],
    ];
    for (const [p, status, why] of cases) {
      const res = await get(p);
      expect(res.status, p).toBe(status);
      expect(((await res.json()) as { detail: string }).detail, p).toMatch(why);
    }
    // The other per-stream files still answer beside the time paths.
    expect((await get('/cams/empty/recording_status.json')).status).toBe(200);
    expect((await get('/cams/empty/2020/01/02/03/04/05.png')).status).toBe(404);
  });

  it('needs the play token of a stream that has one', async () => {
    await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'cams/secret', playToken: 'tok-123' }) });
    for (const p of ['/cams/secret/2020/01/02/03/04/05.jpg', '/cams/secret/sprite-1600000000-60.json']) {
      expect((await get(p)).status, p).toBe(403);
      expect((await get(`${p}?token=wrong`)).status, p).toBe(403);
      expect((await get(`${p}?token=tok-123`)).status, p).toBe(404); // past the guard: nothing recorded
    }
  });
});
