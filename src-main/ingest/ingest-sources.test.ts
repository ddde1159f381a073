import fs from 'node:fs/promises';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { until, freePort } from '../test-support/wait.js';
import { describe, expect, it } from 'vitest';
import { useStudio } from '../test-support/studio-instance.js';
import { ffmpeg, testedEncoders, startFfmpeg, testSourceArgs } from '../test-support/ffmpeg-tools.js';
import { RtspRelay } from '../test-support/rtsp-relay.js';
import type { StreamInfo } from '../contract/studio-api.js';

const studio = useStudio();


const streamWhere = (name: string, ok: (s: StreamInfo) => boolean, timeoutMs?: number) =>
  until(`${name}`, async () => {
    const s = await studio().stream(name);
    return s && ok(s) ? s : null;
  }, timeoutMs);

const live = (s: StreamInfo) => (s.state === 'publishing' || s.state === 'pulling') && s.video !== null && s.framesIn > 30;
/** Live, with the measured frame rate settled near what the source sends. */
const liveAt = (rate: number) => (s: StreamInfo) => live(s) && Math.abs(s.video!.fps - rate) <= 2;


async function configure(name: string, body: Record<string, unknown>): Promise<void> {
  const res = await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name, ...body }) });
  expect(res.status).toBe(201);
}

async function mediaFile(relative: string, extra: string[] = []): Promise<void> {
  const file = path.join(studio().dir, 'media', relative);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await ffmpeg([...testSourceArgs({ size: '426x240', seconds: 2, gop: 30 }), ...extra, file]);
}

describe('push ingest other than RTMP', () => {
  it.each(testedEncoders)('MPEG-TS over HTTP POST (%s)', async (encoder) => {
    const port = new URL(studio().urls.http).port;
    const pub = startFfmpeg(['-re', ...testSourceArgs({ size: '854x480', encoder }), '-f', 'mpegts', `http://127.0.0.1:${port}/live/ts1/mpegts`]);
    try {
      const s = await streamWhere('live/ts1', liveAt(30));
      expect(s).toMatchObject({ protocol: 'mpegts-http', state: 'publishing' });
      expect(s.video).toMatchObject({ codec: 'h264', width: 854, height: 480, bFrames: encoder === 'obs' });
      expect(s.audio).toMatchObject({ codec: 'aac', sampleRate: 48000, channels: 2 });
      expect(s.errors.continuity).toBe(0);
    } finally {
      await pub.stop();
    }
    await streamWhere('live/ts1', (s) => s.state === 'idle');
    const refused = await fetch(new URL('/elsewhere/x/mpegts', studio().urls.http), { method: 'POST', body: 'x' });
    expect(refused.status).toBe(403);
  });

  // One profile: what SRT routing does is the same for both (the MPEG-TS over HTTP check above covers the two); OBS's, whose B-frames must be seen.
  it.each(['obs'] as const)('SRT: two publishers on one port, routed by stream id; playback requests refused (%s)', async (encoder) => {
    const url = (id: string) => `srt://127.0.0.1:${studio().srtPort}?streamid=${id}`;
    const a = startFfmpeg(['-re', ...testSourceArgs({ size: '640x360', encoder }), '-f', 'mpegts', url('publish:live/srt1')]);
    const b = startFfmpeg(['-re', ...testSourceArgs({ size: '320x240', encoder }), '-f', 'mpegts', url('#!::r=live/srt2,m=publish')]);
    try {
      const s1 = await streamWhere('live/srt1', liveAt(30));
      const s2 = await streamWhere('live/srt2', live);
      expect(s1).toMatchObject({ protocol: 'srt', remoteAddress: '127.0.0.1' });
      expect(s1.video).toMatchObject({ width: 640, height: 360, bFrames: encoder === 'obs' });
      expect(s2.video).toMatchObject({ width: 320, height: 240 });
      expect(s1.errors.continuity).toBe(0);
      const reader = startFfmpeg(['-i', url('read:live/srt1'), '-t', '1', '-f', 'null', '-']);
      expect(await reader.exited).not.toBe(0);
      expect(studio().events.some((e) => e.type === 'publish_refused' && e.data.protocol === 'srt' && /publishers only/.test(e.data.reason))).toBe(true);
    } finally {
      await a.stop();
      await b.stop();
    }
    const ended = await streamWhere('live/srt1', (s) => s.state === 'idle', 10_000);
    expect(ended.reason).toMatch(/no data|disconnected/);
  });
});

describe('pulled sources', () => {
  it('RTSP (a camera: ffmpeg publishing into an RTSP relay), over TCP', async () => {
    const relay = new RtspRelay();
    const port = await relay.listen();
    const cam = startFfmpeg(['-re', ...testSourceArgs({ size: '640x480', rate: 25 }), '-f', 'rtsp', '-rtsp_transport', 'tcp', `rtsp://127.0.0.1:${port}/cam`]);
    try {
      await until('relay publisher', async () => relay.hasPublisher);
      await configure('cams/door', { sources: [{ url: `rtsp://user:secret@127.0.0.1:${port}/cam`, priority: 0 }] });
      const s = await streamWhere('cams/door', liveAt(25));
      expect(s).toMatchObject({ protocol: 'pull', state: 'pulling', sourceUrl: `rtsp://user:***@127.0.0.1:${port}/cam` });
      expect(s.video).toMatchObject({ codec: 'h264', width: 640, height: 480 });
      expect(s.audio).toMatchObject({ codec: 'aac' });
    } finally {
      await cam.stop();
      await relay.close();
    }
  });

  it('RTMP served by ffmpeg, HLS over HTTP, and UDP MPEG-TS', async () => {
    const rtmpPort = await freePort();
    const rtmp = startFfmpeg(['-re', ...testSourceArgs({ size: '480x270' }), '-f', 'flv', '-listen', '1', `rtmp://127.0.0.1:${rtmpPort}/app/feed`]);
    const hlsDir = path.join(studio().dir, 'hls');
    await fs.mkdir(hlsDir);
    const hls = startFfmpeg(['-re', ...testSourceArgs({ size: '352x288', gop: 30 }), '-f', 'hls', '-hls_time', '1', '-hls_list_size', '5', '-hls_flags', 'delete_segments', path.join(hlsDir, 'live.m3u8')]);
    const files = http.createServer((req, res) => {
      fs.readFile(path.join(hlsDir, path.basename(req.url ?? ''))).then(
        (data) => res.end(data),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    const udpPort = await freePort();
    try {
      await configure('pull/rtmp', { sources: [{ url: `rtmp://127.0.0.1:${rtmpPort}/app/feed`, priority: 0 }] });
      await until('hls playlist', async () => fs.access(path.join(hlsDir, 'live.m3u8')).then(() => true, () => false));
      await configure('pull/hls', { sources: [{ url: `http://127.0.0.1:${(files.address() as net.AddressInfo).port}/live.m3u8`, priority: 0 }] });
      await configure('pull/udp', { sources: [{ url: `udp://127.0.0.1:${udpPort}`, priority: 0 }] });
      // Sent before the pull listens or after, UDP just arrives from then on: no wait needed.
      const udp = startFfmpeg(['-re', ...testSourceArgs({ size: '320x180' }), '-f', 'mpegts', `udp://127.0.0.1:${udpPort}?pkt_size=1316`]);
      try {
        expect((await streamWhere('pull/rtmp', live)).video).toMatchObject({ width: 480, height: 270 });
        expect((await streamWhere('pull/hls', live)).video).toMatchObject({ width: 352, height: 288 });
        expect((await streamWhere('pull/udp', live)).video).toMatchObject({ width: 320, height: 180 });
      } finally {
        await udp.stop();
      }
    } finally {
      await rtmp.stop();
      await hls.stop();
      files.close();
    }
  }, 45_000);

  it('plays a library file as live, looping, with moov at the end', async () => {
    await mediaFile('clips/intro.mp4', ['-f', 'mp4']);
    await configure('files/intro', { sources: [{ url: 'file://clips/intro.mp4', priority: 0 }], loop: true });
    const s = await streamWhere('files/intro', liveAt(30));
    expect(s).toMatchObject({ protocol: 'file', sourceUrl: 'file://clips/intro.mp4' });
    expect(s.video).toMatchObject({ codec: 'h264', width: 426, height: 240 });
    // The clip lasts 2 s with a keyframe each second: a fifth keyframe means it played twice and goes on a third time.
    const later = await streamWhere('files/intro', (info) => info.keyframes >= 5, 20_000);
    expect(later.state).toBe('pulling');
    expect(later.lastFrameAgeMs).toBeLessThan(1000);
    expect(later.errors.timestampJumps).toBe(0);
  });

  it('a missing file fails with "File not found"; a path out of the media folder is refused', async () => {
    await configure('files/missing', { sources: [{ url: 'file://nope.mp4', priority: 0 }] });
    expect((await streamWhere('files/missing', (s) => s.state === 'failed')).reason).toBe('File not found');
    // Paths that leave the media folder are refused when the stream is saved, so they never run.
    for (const [url, why] of [
      ['file://../../etc/passwd', /leaves the media folder/],
      ['file:///etc/passwd', /relative to the media folder/],
      ['file://clips/%2e%2e/%2e%2e/x.mp4', /leaves the media folder/],
    ] as const) {
      const res = await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'files/escape', sources: [{ url, priority: 0 }] }) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toMatch(why);
    }
  });

  it('fails over to the next source and says so', async () => {
    await mediaFile('backup.mp4', ['-f', 'mp4', '-movflags', '+faststart']);
    const dead = await freePort();
    await configure('cams/failover', {
      sources: [
        { url: `rtmp://127.0.0.1:${dead}/app/none`, priority: 0 },
        { url: 'file://backup.mp4', priority: 1 },
      ],
      loop: true,
    });
    const s = await streamWhere('cams/failover', live, 20_000);
    expect(s.sourceUrl).toBe('file://backup.mp4');
    expect(studio().events.some((e) => e.type === 'source_switched' && e.data.name === 'cams/failover' && e.data.to === 'file://backup.mp4')).toBe(true);
  }, 30_000);
});
