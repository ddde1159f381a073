// A Live Smooth publishing point: ffmpeg's ismv muxer POSTs one chunked body (ftyp isml, the
// SMIL manifest in a uuid box, moov, moof+mdat pairs) and the stream plays, records and ends.
import { describe, expect, it } from 'vitest';
import { useStudio } from '../../test-support/studio-instance.js';
import { startFfmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { until } from '../../test-support/wait.js';

const studio = useStudio();

describe('Smooth / CMAF ingest over HTTP POST', () => {
  it('takes `ffmpeg -f ismv http://…/live/NAME.isml/Streams(video)`: live with both tracks, in the archive, ended with the POST', async () => {
    const name = 'live/smooth';
    const url = `${studio().urls.http}live/smooth.isml/Streams(video)`;
    const publisher = startFfmpeg(['-re', ...testSourceArgs({ size: '320x180', seconds: 6, gop: 30, encoder: 'zerolatency' }), '-movflags', 'isml+frag_keyframe', '-f', 'ismv', url]);
    try {
      const live = await until('the stream live with picture and sound', async () => {
        const info = await studio().stream(name);
        return info?.state === 'publishing' && info.video && info.audio ? info : null;
      }, 15_000);
      expect(live).toMatchObject({ protocol: 'fmp4-http', video: { codec: 'h264', width: 320, height: 180 }, audio: { codec: 'aac' } });
      const playlist = await until('a live playlist with segments', async () => {
        const res = await fetch(new URL(`/${name}/index.m3u8`, studio().urls.http));
        const text = res.status === 200 ? await res.text() : '';
        return text.includes('#EXTINF') || text.includes('#EXT-X-STREAM-INF') ? text : null;
      }, 15_000);
      expect(playlist).toContain('#EXTM3U');
      expect(await publisher.exited).toBe(0);
    } finally {
      await publisher.stop();
    }
    const ended = await until('the stream ended with the POST', async () => {
      const info = await studio().stream(name);
      return info && info.state !== 'publishing' ? info : null;
    });
    expect(ended.reason).toContain('finished');
    const status = (await (await studio().api(`/${name}/recording_status.json?from=0&to=now`)).json()) as { ranges: { duration: number }[] }[];
    expect(status[0]!.ranges.reduce((n, r) => n + r.duration, 0)).toBeGreaterThan(3);
  }, 40_000);

  it('joins a second bitrate posted as another Streams(ID) as a rendition the multivariant playlist lists', async () => {
    const name = 'live/multi';
    const post = (id: string, size: string, bitrate: string) =>
      startFfmpeg(['-re', ...testSourceArgs({ size, seconds: 12, gop: 30, encoder: 'zerolatency' }), '-b:v', bitrate, '-movflags', 'isml+frag_keyframe', '-f', 'ismv', `${studio().urls.http}live/multi.isml/Streams(${id})`]);
    const high = post('high', '640x360', '800k');
    try {
      await until('the first bitrate live', async () => ((await studio().stream(name))?.state === 'publishing' ? true : null), 15_000);
      // A further bitrate must carry the first one's key (here: none).
      const stranger = await fetch(`${studio().urls.http}live/multi.isml/Streams(other)?key=guess`, { method: 'POST', body: Buffer.alloc(32) });
      expect(stranger.status).toBe(403);
      const low = post('low', '320x180', '200k');
      try {
        const master = await until('a master listing both', async () => {
          const res = await fetch(new URL(`/${name}/index.m3u8`, studio().urls.http));
          const text = res.status === 200 ? await res.text() : '';
          return text.includes('180p.m3u8') && text.includes('source.m3u8') ? text : null;
        }, 20_000);
        expect(master).toContain('RESOLUTION=640x360');
        expect(master).toContain('RESOLUTION=320x180');
        const rendition = await until('the rendition playlist with segments', async () => {
          const res = await fetch(new URL(`/${name}/180p.m3u8`, studio().urls.http));
          const text = res.status === 200 ? await res.text() : '';
          return text.includes('#EXTINF') ? text : null;
        }, 20_000);
        expect(rendition).toContain('#EXTM3U');
      } finally {
        await low.stop();
      }
    } finally {
      await high.stop();
    }
  }, 60_000);

  it('refuses a body that is not fragmented MP4, and publishers that are not allowed', async () => {
    const garbage = await fetch(new URL('/live/junk.isml/Streams(video)', studio().urls.http), { method: 'POST', body: 'x'.repeat(64) });
    expect(garbage.status).toBe(400);
    expect(await garbage.text()).toContain('fragmented MP4');
    // A web page may not publish, Smooth or not.
    const page = await fetch(new URL('/live/page.isml/Streams(video)', studio().urls.http), { method: 'POST', headers: { origin: 'http://evil.example' }, body: 'x' });
    expect(page.status).toBe(403);
    expect((await fetch(new URL('/live/x.isml/Streams(a(b))', studio().urls.http), { method: 'POST', body: 'x' })).status).toBe(404);
  });
});
