import { describe, expect, it } from 'vitest';
import { useStudio } from '../../test-support/studio-instance.js';
import { ffprobeJson, startFfmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { until } from '../../test-support/wait.js';

const studio = useStudio();

const hintOf = (text: string) => {
  const m = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="l-(\d+)\.(\d+)\.m4s"/.exec(text);
  return m ? { msn: Number(m[1]), part: Number(m[2]) } : null;
};

describe('low-latency HLS from the live window', () => {
  it('serves parts, blocking reloads and preload hints to players, without the archive', async () => {
    const base = studio().urls.http;
    // Recording off: live playback must not depend on the archive.
    await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'live/ll', dvr: false }) });
    const publisher = startFfmpeg(['-re', ...testSourceArgs({ size: '640x360', seconds: 25, gop: 30 }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/ll`]);
    try {
      const url = (file: string) => new URL(`/live/ll/${file}`, base);
      const first = await until('a live playlist with a complete segment', async () => {
        const res = await fetch(url('index.m3u8'));
        return res.status === 200 ? res.text() : null;
      }, 20_000);
      expect(first).toContain('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES');
      expect(first).toMatch(/#EXT-X-PART:DURATION=0\.\d+,URI="l-\d+\.0\.m4s",INDEPENDENT=YES/);
      // The default part length (llHlsPartMs 200): players hold three parts back, within a second of live.
      expect(first).toContain('#EXT-X-PART-INF:PART-TARGET=0.205');
      expect(first).toContain('PART-HOLD-BACK=0.600');
      for (const m of first.matchAll(/#EXT-X-PART:DURATION=([\d.]+)/g)) expect(Number(m[1])).toBeLessThanOrEqual(0.205);

      // Blocking reload: ask for the part after the hinted one; the answer comes when it exists.
      const hint = hintOf(first)!;
      const started = performance.now();
      const blocked = await fetch(url(`index.m3u8?_HLS_msn=${hint.msn}&_HLS_part=${hint.part + 1}`));
      const waitedMs = performance.now() - started;
      expect(blocked.status).toBe(200);
      const text = await blocked.text();
      const later = hintOf(text)!;
      expect(later.msn > hint.msn || later.part > hint.part + 1).toBe(true);
      expect(waitedMs).toBeLessThan(2500);

      // The preload-hinted part: requested before it exists, it arrives when it is cut.
      const hinted = hintOf(text)!;
      const partRes = await fetch(url(`l-${hinted.msn}.${hinted.part}.m4s`));
      expect(partRes.status).toBe(200);
      expect(partRes.headers.get('content-type')).toBe('video/iso.segment');
      const partBytes = Buffer.from(await partRes.arrayBuffer());
      expect(partBytes.subarray(4, 8).toString('latin1')).toBe('styp');
      const ranged = await fetch(url(`l-${hinted.msn}.${hinted.part}.m4s`), { headers: { range: 'bytes=4-11' } });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get('content-range')).toBe(`bytes 4-11/${partBytes.length}`);
      expect(Buffer.from(await ranged.arrayBuffer())).toEqual(partBytes.subarray(4, 12));

      // A complete segment is its parts, byte for byte.
      const now = await (await fetch(url('index.m3u8'))).text();
      // The newest complete segment: its parts are still listed (the last three target durations are).
      const msn = Number([...now.matchAll(/^l-(\d+)\.m4s$/gm)].at(-1)![1]);
      const segment = Buffer.from(await (await fetch(url(`l-${msn}.m4s`))).arrayBuffer());
      const partUris = [...now.matchAll(new RegExp(`URI="(l-${msn}\\.\\d+\\.m4s)"`, 'g'))].map((m) => m[1]!);
      expect(partUris.length).toBeGreaterThan(1);
      const parts = await Promise.all(partUris.map(async (u) => Buffer.from(await (await fetch(url(u))).arrayBuffer())));
      expect(Buffer.concat(parts)).toEqual(segment);

      // ffprobe (no LL support) reads the same playlist as plain HLS.
      const { streams } = await ffprobeJson<{ streams: { codec_name: string }[] }>(['-show_entries', 'stream=codec_name,width', url('index.m3u8').href]);
      expect(streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);

      // Client errors of the blocking reload, as the specification lists them.
      expect((await fetch(url(`index.m3u8?_HLS_msn=${msn + 10}`))).status).toBe(400);
      expect((await fetch(url('index.m3u8?_HLS_part=1'))).status).toBe(400);
      expect((await fetch(url('index.m3u8?_HLS_msn=abc'))).status).toBe(400);
      expect((await fetch(url('l-1.0.m4s'))).status).toBe(404);
      const stats = (await (await studio().api('/api/playback/stats')).json()) as { blockingReload: { count: number; p99Ms: number } };
      expect(stats.blockingReload.count).toBeGreaterThan(0);
      expect(stats.blockingReload.p99Ms).toBeLessThan(10);
      expect((await studio().api('/api/dvr/summary?stream=live%2Fll')).status).not.toBe(500);

      // A new part length applies to windows started after it; one running keeps its PART-TARGET.
      expect((await studio().api('/api/settings', { method: 'PUT', body: JSON.stringify({ llHlsPartMs: 500 }) })).status).toBe(200);
      expect((await studio().api('/api/settings', { method: 'PUT', body: JSON.stringify({ llHlsPartMs: 50 }) })).status).toBe(400);
      const second = startFfmpeg(['-re', ...testSourceArgs({ size: '320x180', seconds: 8, gop: 30 }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/ll2`]);
      try {
        const other = await until('a live playlist of the second stream', async () => {
          const res = await fetch(new URL('/live/ll2/index.m3u8', base));
          return res.status === 200 ? res.text() : null;
        }, 20_000);
        expect(other).toContain('#EXT-X-PART-INF:PART-TARGET=0.505');
        expect(other).toContain('PART-HOLD-BACK=1.500');
        expect(await (await fetch(url('index.m3u8'))).text()).toContain('#EXT-X-PART-INF:PART-TARGET=0.205');
      } finally {
        await second.stop();
      }
    } finally {
      await publisher.stop();
    }
  }, 60_000);
});
