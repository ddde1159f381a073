import { describe, expect, it } from 'vitest';
import type { StreamInfo } from '../../contract/studio-api.js';
import { ffprobeJson, startFfmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { until } from '../../test-support/wait.js';

const studio = useStudio({ host: '127.0.0.1' });

describe('a stream with an ABR ladder (API)', () => {
  it('refuses a pinned encoder this ffmpeg does not have, and bitrates that do not parse, saying why', async () => {
    const post = (transcode: unknown) => studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'live/abr', transcode }) });
    const unknown = await post({ renditions: [{ height: 480, videoBitrate: '1200k' }], encoder: 'h264_magic' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { detail: string }).detail).toMatch(/h264_magic is not an encoder this ffmpeg has \(it has: .*libx264/);
    const tooLow = await post({ renditions: [{ height: 480, videoBitrate: '10k' }], encoder: 'auto' });
    expect(tooLow.status).toBe(400);
    expect(((await tooLow.json()) as { detail: string }).detail).toMatch(/between 64k and 200M/);
    expect((await post({ renditions: [{ height: 480, videoBitrate: 'lots' }], encoder: 'auto' })).status).toBe(400);
    expect((await post({ renditions: Array.from({ length: 9 }, (_, i) => ({ height: 200 + i, videoBitrate: '500k' })), encoder: 'auto' })).status).toBe(400);
    // Nothing was stored by the refused requests.
    expect(await studio().stream('live/abr')).toBeNull();

    const ok = await post({ renditions: [{ height: 480, videoBitrate: '1200k' }, { height: 360, videoBitrate: '700k' }], encoder: 'auto' });
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as StreamInfo).config!.transcode).toEqual({ renditions: [{ height: 480, videoBitrate: '1200k' }, { height: 360, videoBitrate: '700k' }], encoder: 'auto' });
    const cleared = await studio().api('/api/streams/live%2Fabr', { method: 'PUT', body: JSON.stringify({ transcode: null }) });
    expect(((await cleared.json()) as StreamInfo).config!.transcode).toBeNull();
  });

  it('runs the ladder for a live RTMP source and shows each rendition: a pinned GPU encoder that fails here falls back to libx264, visibly', async () => {
    const put = await studio().api('/api/streams/live%2Fladder', {
      method: 'PUT',
      body: JSON.stringify({ transcode: { renditions: [{ height: 240, videoBitrate: '400k' }, { height: 180, videoBitrate: '250k' }, { height: 720, videoBitrate: '3M' }], encoder: 'h264_nvenc', record: true } }),
    });
    expect(put.status).toBe(201);
    const publisher = startFfmpeg(['-re', ...testSourceArgs({ size: '640x360', seconds: 30, gop: 30 }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/ladder`]);
    try {
      const info = await until('both renditions running', async () => {
        const s = await studio().stream('live/ladder');
        const running = s?.renditions?.list.filter((r) => r.state === 'running' && r.fps > 0) ?? [];
        return running.length === 2 ? s : null;
      }, 20_000);
      const rows = info.renditions!.list;
      expect(info.renditions!.problem).toBeNull();
      for (const name of ['240p', '180p']) {
        const row = rows.find((r) => r.name === name)!;
        expect(row).toMatchObject({ state: 'running', encoder: 'libx264', fallbackFrom: 'h264_nvenc' });
        expect(row.reason).toMatch(/cuda|nvenc|device|driver|library/i);
        expect(row.speed).toBeGreaterThan(0.5);
      }
      expect(rows.find((r) => r.name === '240p')).toMatchObject({ width: 426, height: 240, videoBitrate: 400_000 });
      // Taller than the 360-line source: not made, and the reason says so.
      expect(rows.find((r) => r.name === '720p')).toMatchObject({ state: 'idle', reason: expect.stringMatching(/only upscale/) });
      // The source stream itself is unchanged by its ladder.
      expect(info).toMatchObject({ state: 'publishing', protocol: 'rtmp', video: { height: 360 } });

      // The live playlist is now a multivariant one: the source and each running rendition.
      const live = (file: string) => fetch(new URL(`/live/ladder/${file}`, studio().urls.http));
      const master = await (await live('index.m3u8')).text();
      const variants = [...master.matchAll(/#EXT-X-STREAM-INF:(.*)\n(.*)/g)].map((m) => ({ attributes: m[1]!, uri: m[2]! }));
      expect(variants.map((v) => v.uri)).toEqual(['source.m3u8', '240p.m3u8', '180p.m3u8']);
      expect(variants[0]!.attributes).toMatch(/RESOLUTION=640x360,CODECS="avc1\.64[0-9a-f]{4},mp4a\.40\.2"/);
      expect(variants[1]!.attributes).toMatch(/^BANDWIDTH=588000,AVERAGE-BANDWIDTH=560000,RESOLUTION=426x240,CODECS="avc1\.64[0-9a-f]{4},mp4a\.40\.2",FRAME-RATE=30\.000$/);
      // Each variant's playlist names its own files, which are there.
      const media = await (await live('240p.m3u8')).text();
      const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(media)![1]!;
      expect(init).toMatch(/^240p_l-init-\d+\.mp4$/);
      expect((await live(init)).status).toBe(200);
      const part = /#EXT-X-PART:DURATION=[\d.]+,URI="([^"]+)"/.exec(media)![1]!;
      expect(part).toMatch(/^240p_l-\d+\.\d+\.m4s$/);
      expect((await live(part)).status).toBe(200);
      expect((await live('999p.m3u8')).status).toBe(404);
      // Hostile variant names and numbers: a plain 404, never a crash or a file-system path.
      for (const file of ['99999p.m3u8', '240p-99999999k.m3u8', '240p_l-9999999999999999.m4s', '240p_l-1.9999999.m4s', '240p_l-init-99999999999999999.mp4', '..%2F240p.m3u8', '240p_..%2Fl-1.m4s', 'source_l-1.m4s']) {
        expect((await live(file)).status, file).toBeGreaterThanOrEqual(400);
        expect((await live(file)).status, file).toBeLessThan(500);
      }
      // ffmpeg reads the whole ladder and sees every variant's picture size.
      const probed = await ffprobeJson<{ streams: { codec_type: string; height?: number }[] }>(['-show_entries', 'stream=codec_type,height', new URL('/live/ladder/index.m3u8', studio().urls.http).href], { timeout: 20_000 });
      const heights = probed.streams.filter((st) => st.codec_type === 'video').map((st) => st.height).sort();
      expect(heights).toEqual([180, 240, 360]);

      // Recorded renditions are archived as streams of their own: a DVR range and an MP4 of the 240p picture.
      const range = await until('the 240p rendition recorded', async () => {
        const status = (await (await live('240p/recording_status.json?from=0&to=now')).json()) as { ranges: { from: number; duration: number }[] }[];
        const first = status[0]?.ranges[0];
        return first && first.duration >= 4 ? first : null;
      }, 20_000);
      const archived = `/live/ladder/240p/index-${range.from}-${range.duration - 1}.m3u8`;
      const dvr = await ffprobeJson<{ streams: { codec_type: string; height?: number }[] }>(['-show_entries', 'stream=codec_type,height', new URL(archived, studio().urls.http).href], { timeout: 20_000 });
      expect(dvr.streams.find((st) => st.codec_type === 'video')?.height).toBe(240);
      // The range as a multivariant playlist: the source and every rendition recorded in it, measured from the archive.
      const abrFile = `abr-${range.from}-${range.duration - 1}.m3u8`;
      const abr = await (await live(abrFile)).text();
      const recorded = [...abr.matchAll(/#EXT-X-STREAM-INF:(.*)\n(.*)/g)].map((m) => ({ attributes: m[1]!, uri: m[2]! }));
      const mediaFile = `index-${range.from}-${range.duration - 1}.m3u8`;
      expect(recorded.map((v) => v.uri)).toEqual([mediaFile, `180p/${mediaFile}`, `240p/${mediaFile}`]);
      expect(recorded[2]!.attributes).toMatch(/^BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+,RESOLUTION=426x240,CODECS="avc1\.64[0-9a-f]{4},mp4a\.40\.2"$/);
      const peak240 = Number(/BANDWIDTH=(\d+)/.exec(recorded[2]!.attributes)![1]);
      expect(peak240).toBeGreaterThan(200_000);
      expect(peak240).toBeLessThan(Number(/BANDWIDTH=(\d+)/.exec(recorded[0]!.attributes)![1]));
      const allRecorded = await ffprobeJson<{ streams: { codec_type: string; height?: number }[] }>(['-show_entries', 'stream=codec_type,height', new URL(`/live/ladder/${abrFile}`, studio().urls.http).href], { timeout: 20_000 });
      expect(allRecorded.streams.filter((st) => st.codec_type === 'video').map((st) => st.height).sort()).toEqual([180, 240, 360]);
      expect(await (await live(`abr-${range.from}-now.m3u8`)).text()).toContain(`240p/index-${range.from}-now.m3u8`);
      for (const file of [`abr-${range.from}-999999999.m3u8`, 'abr-99999999999-5.m3u8', 'abr-1-5.m3u8', 'abr-99999999999-now.m3u8', 'abr--1-5.m3u8']) {
        const status = (await live(file)).status;
        expect(status, file).toBeGreaterThanOrEqual(400);
        expect(status, file).toBeLessThan(500);
      }
      const mp4 = await fetch(new URL(`/live/ladder/240p/archive-${range.from}-2.mp4`, studio().urls.http));
      expect(mp4.status).toBe(200);
      expect((await mp4.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
      // A play token on the stream guards its recorded renditions too, and the multivariant playlist hands it on.
      await studio().api('/api/streams/live%2Fladder', { method: 'PUT', body: JSON.stringify({ playToken: 'ladder-secret' }) });
      expect((await live(`240p/${mediaFile}`)).status).toBe(403);
      expect((await live(`240p/${mediaFile}?token=ladder-secret`)).status).toBe(200);
      expect(await (await live(`${abrFile}?token=ladder-secret`)).text()).toContain(`240p/${mediaFile}?token=ladder-secret`);
    } finally {
      await publisher.stop();
    }
    // The source ended: the ladder's ffmpeg stops with it.
    await until('the ladder to stop', async () => {
      const s = await studio().stream('live/ladder');
      return s?.renditions?.list.every((r) => r.state === 'idle') ? true : null;
    }, 10_000);
  }, 60_000);

  it('gives every stream without its own ladder the studio default, and a stream opts out with an empty one', async () => {
    const settings = await studio().api('/api/settings', { method: 'PUT', body: JSON.stringify({ transcodeLadder: '240p@400k, 160p@150k', transcodeEncoder: 'libx264' }) });
    expect(settings.status).toBe(200);
    expect((await studio().api('/api/settings', { method: 'PUT', body: JSON.stringify({ transcodeLadder: '240@400k' }) })).status).toBe(400);
    // A studio-wide pin this ffmpeg does not have: refused, naming what it has, and the setting stays as it was.
    const unknown = await studio().api('/api/settings', { method: 'PUT', body: JSON.stringify({ transcodeEncoder: 'h264_imaginary' }) });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { detail: string }).detail).toMatch(/h264_imaginary is not an encoder this ffmpeg has \(it has: .*libx264/);
    expect((((await (await studio().api('/api/settings')).json()) as { settings: { transcodeEncoder: string } }).settings.transcodeEncoder)).toBe('libx264');
    await studio().api('/api/streams/live%2Fplain', { method: 'PUT', body: JSON.stringify({ transcode: { renditions: [], encoder: 'auto' } }) });
    const laddered = startFfmpeg(['-re', ...testSourceArgs({ size: '640x360', seconds: 20, gop: 30 }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/dynamic`]);
    const plain = startFfmpeg(['-re', ...testSourceArgs({ size: '640x360', seconds: 20, gop: 30 }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/plain`]);
    try {
      const info = await until('the default ladder running', async () => {
        const s = await studio().stream('live/dynamic');
        return s?.renditions?.list.filter((r) => r.state === 'running').length === 2 ? s : null;
      }, 20_000);
      expect(info.renditions!.list.map((r) => [r.name, r.encoder])).toEqual([['240p', 'libx264'], ['160p', 'libx264']]);
      // Not asked to record: the archive holds the source alone.
      expect((await fetch(new URL('/live/dynamic/240p/recording_status.json?from=0&to=now', studio().urls.http))).status).toBe(404);
      const opted = await until('the opted-out stream live', async () => {
        const s = await studio().stream('live/plain');
        return s?.state === 'publishing' ? s : null;
      }, 10_000);
      expect(opted.renditions).toBeUndefined();
      // Clearing the default stops the ladder at once.
      await studio().api('/api/settings', { method: 'PUT', body: JSON.stringify({ transcodeLadder: '' }) });
      expect((await studio().stream('live/dynamic'))?.renditions).toBeUndefined();
    } finally {
      await Promise.all([laddered.stop(), plain.stop()]);
    }
  }, 40_000);
});
