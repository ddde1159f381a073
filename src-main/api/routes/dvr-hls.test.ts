import { describe, expect, it } from 'vitest';
import { useStudio } from '../../test-support/studio-instance.js';
import { ffprobeJson, startFfmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { until } from '../../test-support/wait.js';

const studio = useStudio();

describe('HLS from the archive', () => {
  it('serves live and DVR playlists that ffprobe reads, with segments over Range, CORS and caching', async () => {
    const base = studio().urls.http;
    const publisher = startFfmpeg(['-re', ...testSourceArgs({ size: '640x360', seconds: 9, gop: 30 }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/hls`]);
    const live = await until('a live playlist with segments', async () => {
      const res = await fetch(new URL('/live/hls/index.m3u8', base));
      const text = res.status === 200 ? await res.text() : '';
      return (text.match(/#EXTINF/g) ?? []).length >= 3 ? { res, text } : null;
    }, 20_000);
    expect(live.res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(live.res.headers.get('cache-control')).toBe('no-cache');
    expect(live.res.headers.get('access-control-allow-origin')).toBe('*');
    expect(live.text).toMatch(/#EXT-X-MAP:URI="l-init-\d+\.mp4"/);
    expect(live.text).toMatch(/#EXT-X-PROGRAM-DATE-TIME:20\d\d-/);
    expect(live.text).not.toContain('#EXT-X-ENDLIST');
    await publisher.exited;
    await until('idle', async () => (await studio().stream('live/hls'))?.state === 'idle');

    const status = (await (await fetch(new URL(`/live/hls/recording_status.json?from=${Math.floor(Date.now() / 1000) - 120}&to=now`, base))).json()) as { ranges: { from: number; duration: number }[] }[];
    const range = status[0]!.ranges[0]!;
    const from = range.from + 1;
    const duration = Math.min(6, range.duration - 2);
    const vodUrl = new URL(`/live/hls/index-${from}-${duration}.m3u8`, base).href;
    const vod = await (await fetch(vodUrl)).text();
    expect(vod).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(vod.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    const extinf = [...vod.matchAll(/#EXTINF:([\d.]+),/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(Math.abs(extinf - duration)).toBeLessThanOrEqual(2); // within one segment (cut on 1 s keyframes, 2 s target)
    const probed = await ffprobeJson<{ streams: { codec_name: string; width?: number }[]; format: { duration: string } }>(['-show_entries', 'format=duration:stream=codec_name,width', vodUrl], { strict: true });
    expect(probed.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(Math.abs(Number(probed.format.duration) - extinf)).toBeLessThan(0.5);

    const segmentUri = /^(s-\d+\.m4s)$/m.exec(vod)![1]!;
    const whole = await fetch(new URL(`/live/hls/${segmentUri}`, base));
    expect(whole.headers.get('cache-control')).toMatch(/immutable/);
    expect(whole.headers.get('content-type')).toBe('video/iso.segment');
    const bytes = Buffer.from(await whole.arrayBuffer());
    const part = await fetch(new URL(`/live/hls/${segmentUri}`, base), { headers: { range: 'bytes=8-23' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(8, 24));

    const event = await (await fetch(new URL(`/live/hls/index-${range.from}-now.m3u8`, base))).text();
    expect(event).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    expect((await fetch(new URL('/live/hls/rewind-3600.m3u8', base))).status).toBe(200);
    const shifted = await (await fetch(new URL('/live/hls/timeshift_rel-4.m3u8', base))).text();
    expect(shifted).toContain('#EXT-X-MEDIA-SEQUENCE:');
    expect((await fetch(new URL('/live/hls/timeshift_rel-86400.m3u8', base))).status).toBe(404);
    const absolute = await fetch(new URL(`/live/hls/timeshift_abs-${range.from}.m3u8`, base));
    expect(absolute.status).toBe(200);
    expect(await absolute.text()).toMatch(/^s-\d+\.m4s$/m);
    // Every archive playlist shape is one ffprobe reads.
    for (const file of [`index-${range.from}-now.m3u8`, 'rewind-3600.m3u8', `archive-${from}-${duration}.m3u8`, `timeshift_abs-${range.from}.m3u8`]) {
      const { streams } = await ffprobeJson<{ streams: { codec_name: string }[] }>(['-show_entries', 'stream=codec_name', new URL(`/live/hls/${file}`, base).href]);
      expect([...new Set(streams.map((s) => s.codec_name))].sort(), file).toEqual(['aac', 'h264']);
    }
  }, 45_000);

  it('answers bad ranges, unknown streams and empty ranges with plain reasons', async () => {
    const base = studio().urls.http;
    await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'cams/empty' }) });
    const cases: [string, number, RegExp][] = [
      ['/cams/empty/index-100-0.m3u8', 400, /at least 1 second/],
      ['/cams/empty/index-100-999999.m3u8', 400, /over 86400/],
      [`/cams/empty/index-${Math.floor(Date.now() / 1000) + 3600}-10.m3u8`, 400, /future/],
      ['/cams/empty/index-100-60.m3u8', 404, /no recording between/],
      ['/cams/empty/index.m3u8', 404, /not live now/],
      ['/cams/empty/timeshift_abs-100.m3u8', 404, /has no recording/],
      [`/cams/empty/timeshift_abs-${Math.floor(Date.now() / 1000) + 60}.m3u8`, 400, /future/],
      ['/nobody/here/index.m3u8', 404, /no stream named/],
      ['/cams/empty/i-1.mp4', 404, /no such init/],
    ];
    for (const [path, status, why] of cases) {
      const res = await fetch(new URL(path, base));
      expect(res.status, path).toBe(status);
      expect(((await res.json()) as { detail: string }).detail).toMatch(why);
    }
  });
});
