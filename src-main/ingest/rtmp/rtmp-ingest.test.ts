import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { until } from '../../test-support/wait.js';
import { describe, expect, it } from 'vitest';
import { useStudio } from '../../test-support/studio-instance.js';
import { ffmpeg, ffprobeStreams, testedEncoders, parseRate, startFfmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { RtmpTestClient } from '../../test-support/rtmp-client.js';
import { readFlvTags } from '../../test-support/flv-file.js';
import { encodeAmf0 } from '../../formats/amf/amf0.js';
import type { StreamInfo } from '../../contract/studio-api.js';

// Short handshake and idle limits: the tests read the limit from the studio's reason, and need not wait 10 s for it.
const studio = useStudio({ ingestHandshakeSeconds: 3, ingestIdleSeconds: 3 });


const publishing = (name: string, extra: (s: StreamInfo) => boolean = () => true) =>
  until(`${name} publishing`, async () => {
    const s = await studio().stream(name);
    return s && s.state === 'publishing' && s.video && extra(s) ? s : null;
  });

describe('RTMP ingest from ffmpeg', () => {
  it.each(testedEncoders)('shows the stream with the codec, resolution and frame rate ffprobe reads from the source (%s)', async (encoder) => {
    const file = path.join(studio().dir, 'source.flv');
    await ffmpeg([...testSourceArgs({ size: '1280x720', rate: 30, seconds: 8, gop: 60, encoder }), '-f', 'flv', file]);
    const [video, audio] = await ffprobeStreams(file);
    // What each encoder is for: OBS's defaults reorder frames (High, B-frames), zero latency does not.
    expect(video).toMatchObject(encoder === 'obs' ? { profile: 'High', has_b_frames: 2 } : { has_b_frames: 0 });
    const publisher = startFfmpeg(['-re', '-i', file, '-c', 'copy', '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/cam1`]);
    try {
      // The frame rate is counted on arrival over the last 5 s: read it once that window is full, past -re's opening burst.
      const s = await publishing('live/cam1', (info) => info.video!.fps > 20 && info.keyframeInterval.average !== null && info.uptime >= 5);
      expect(s).toMatchObject({ protocol: 'rtmp', remoteAddress: '127.0.0.1', configured: false });
      expect(s.video).toMatchObject({ codec: 'h264', width: video!.width, height: video!.height, profile: video!.profile, bFrames: encoder === 'obs' });
      expect(s.video!.fps).toBeGreaterThan(parseRate(video!.r_frame_rate)! - 4);
      expect(s.video!.fps).toBeLessThan(parseRate(video!.r_frame_rate)! + 4);
      expect(s.audio).toEqual({ codec: 'aac', profile: 'LC', sampleRate: Number(audio!.sample_rate), channels: audio!.channels });
      expect(s.keyframeInterval.average).toBeCloseTo(2, 1);
      expect(s.warnings).toEqual([]);
      expect(studio().events.some((e) => e.type === 'stream_started' && e.data.name === 'live/cam1')).toBe(true);

      const health = await studio().api('/api/streams/live%2Fcam1/health');
      expect(health.status).toBe(200);
      const preview = await until('preview', async () => {
        const res = await fetch(new URL('/live/cam1/preview.jpg', studio().urls.http));
        return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : null;
      });
      expect([preview[0], preview[1]]).toEqual([0xff, 0xd8]);
      const jpeg = path.join(studio().dir, 'preview.jpg');
      await fs.writeFile(jpeg, preview);
      expect((await ffprobeStreams(jpeg))[0]).toMatchObject({ codec_name: 'mjpeg', width: 640, height: 360 });
    } finally {
      await publisher.stop();
    }
    const stopped = await until('stream idle', async () => {
      const s = await studio().stream('live/cam1');
      return s?.state === 'idle' ? s : null;
    });
    expect(stopped.reason).toMatch(/disconnected|stopped/);
    expect((await studio().api('/api/streams/live%2Fcam1/health')).status).toBe(424);
    expect((await studio().api('/api/streams/live%2Fnope/health')).status).toBe(404);
  });

  it.each(['obs'] as const)('warns when keyframes are further apart than the segment target (%s)', async (encoder) => {
    const publisher = startFfmpeg(['-re', ...testSourceArgs({ gop: 150, rate: 30, encoder }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/longgop`]);
    try {
      const s = await until('keyframe interval', async () => {
        const info = await studio().stream('live/longgop');
        return info?.keyframeInterval.average ? info : null;
      }, 20_000);
      expect(s.keyframeInterval.average).toBeCloseTo(5, 0);
      expect(s.warnings.join(' ')).toMatch(/Keyframes every 5\.0 s, longer than the 2 s segment target/);
    } finally {
      await publisher.stop();
    }
  });

  it('refuses a second publisher, lets a configured takeover stream replace it, and resumes after a reconnect', async () => {
    const url = `rtmp://127.0.0.1:${studio().rtmpPort}/live/dup`;
    const first = startFfmpeg(['-re', ...testSourceArgs(), '-f', 'flv', url]);
    try {
      await publishing('live/dup');
      const second = startFfmpeg(['-re', ...testSourceArgs(), '-t', '5', '-f', 'flv', url]);
      expect(await second.exited).not.toBe(0);
      const refused = studio().events.find((e) => e.type === 'publish_refused');
      expect(refused?.type === 'publish_refused' && refused.data.reason).toMatch(/already being published from 127\.0\.0\.1/);

      await studio().api('/api/streams/live%2Fdup', { method: 'PUT', body: JSON.stringify({ takeover: true }) });
      const third = startFfmpeg(['-re', ...testSourceArgs({ size: '320x240' }), '-f', 'flv', url]);
      try {
        await publishing('live/dup', (s) => s.video!.width === 320);
        expect(await first.exited).not.toBe(0);
      } finally {
        await third.stop();
      }
    } finally {
      await first.stop();
    }
    const again = startFfmpeg(['-re', ...testSourceArgs({ size: '480x270' }), '-f', 'flv', url]);
    try {
      await publishing('live/dup', (s) => s.video!.width === 480);
    } finally {
      await again.stop();
    }
  });

  it('checks the password of a configured stream', async () => {
    const created = await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'live/secure', publishPassword: 'let-me-in' }) });
    expect(created.status).toBe(201);
    const client = await RtmpTestClient.open(studio().rtmpPort);
    await client.connect('live');
    expect(await client.publish('secure?password=wrong')).toMatchObject({ code: 'NetStream.Publish.BadName', description: 'wrong password for live/secure' });
    await client.closed;
    const anonymous = await RtmpTestClient.open(studio().rtmpPort);
    await anonymous.connect('live');
    expect((await anonymous.publish('secure')).description).toMatch(/needs a password/);
    anonymous.close();
    const right = await RtmpTestClient.open(studio().rtmpPort);
    await right.connect('live');
    expect(await right.publish('secure?password=let-me-in')).toMatchObject({ code: 'NetStream.Publish.Start' });
    right.close();
    const outside = await RtmpTestClient.open(studio().rtmpPort);
    await outside.connect('other');
    expect((await outside.publish('x')).description).toBe('other/x is not a configured stream and not under live/');
    outside.close();
  });
});

describe('RTMP bad input: each ends only its own connection', () => {
  async function withHealthyNeighbour(run: () => Promise<void>): Promise<void> {
    const neighbour = startFfmpeg(['-re', ...testSourceArgs(), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/healthy`]);
    try {
      const before = await publishing('live/healthy');
      await run();
      // Still publishing, and frames still arriving after the attack.
      const after = await until('the neighbour to keep flowing', async () => {
        const s = await studio().stream('live/healthy');
        return s && s.framesIn > before.framesIn ? s : null;
      });
      expect(after.state).toBe('publishing');
    } finally {
      await neighbour.stop();
    }
  }

  const rawSocket = async () => {
    const socket = net.connect({ port: studio().rtmpPort, host: '127.0.0.1' });
    await new Promise((r) => socket.once('connect', r));
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => undefined);
    return { socket, closed };
  };

  /**
   * When and how the server ended a connection this client keeps open and never ends:
   * its FIN ('end') or its RST (ECONNRESET). A close the client caused has neither.
   */
  const serverHangUp = (socket: net.Socket) =>
    new Promise<{ at: number; how: 'fin' | 'reset' }>((resolve, reject) => {
      socket.once('end', () => resolve({ at: Date.now(), how: 'fin' }));
      socket.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve({ at: Date.now(), how: 'reset' }) : reject(err)));
      socket.once('close', () => reject(new Error('closed without a FIN or RST from the server')));
    });
  /** "no data for 10 s" → 10 000 ms: the limit the server says it applied. */
  const limitMs = (reason: string) => {
    const match = /(\d+) s\b/.exec(reason);
    if (!match) throw new Error(`no time limit in "${reason}"`);
    return Number(match[1]) * 1000;
  };

  it('garbage instead of a handshake', async () => {
    await withHealthyNeighbour(async () => {
      const { socket, closed } = await rawSocket();
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.padEnd(1600, 'x'));
      await closed;
      expect(studio().events.some((e) => e.type === 'publish_refused' && /version 71/.test(e.data.reason))).toBe(true);
    });
  });

  it('a truncated handshake, then silence: the server hangs up after its time limit, the client never does', async () => {
    await withHealthyNeighbour(async () => {
      const { socket } = await rawSocket();
      const hungUp = serverHangUp(socket);
      socket.write(Buffer.alloc(700, 3));
      const silentFrom = Date.now();
      const { at } = await hungUp;
      const refused = studio().events.find((e) => e.type === 'publish_refused' && e.data.remoteAddress === '127.0.0.1');
      const reason = refused?.type === 'publish_refused' ? refused.data.reason : '';
      expect(reason).toMatch(/\d+ s\b/);
      // Cut for the silence, by the limit it names, not before (1 s for timer granularity).
      expect(at - silentFrom).toBeGreaterThanOrEqual(limitMs(reason) - 1000);
    });
  }, 45_000);

  it('an absurd chunk size, an oversized message, an unknown AMF marker', async () => {
    await withHealthyNeighbour(async () => {
      const cases: [string, (c: RtmpTestClient) => void, RegExp][] = [
        ['chunk size', (c) => c.raw(Uint8Array.from([0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff])), /chunk size 2147483647 is out of range/],
        // Three unfinished 16 MB messages (the most RTMP can announce), each with its first 4096-byte chunk: 48 MB > 32 MB.
        ['oversized', (c) => [6, 7, 8].forEach((csid) => c.raw(Uint8Array.from([csid, 0, 0, 0, 0xff, 0xff, 0xff, 9, 1, 0, 0, 0, ...new Uint8Array(4096)]))), /over the 32 MB per-publisher limit \(setting ingestMaxBufferMB/],
        ['amf', (c) => c.raw(Uint8Array.from([0x03, 0, 0, 0, 0, 0, 3, 20, 0, 0, 0, 0, 0x42, 0x00, 0x00])), /unknown AMF0 marker 0x42/],
      ];
      for (const [, send, reason] of cases) {
        const client = await RtmpTestClient.open(studio().rtmpPort);
        await client.connect('live');
        send(client);
        await client.closed;
        expect(studio().events.some((e) => e.type === 'publish_refused' && reason.test(e.data.reason))).toBe(true);
      }
    });
  });

  it('unsupported codecs (Sorenson H.263 video, Nellymoser audio) end the publisher with the codec named', async () => {
    await withHealthyNeighbour(async () => {
      const video = startFfmpeg(['-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15', '-t', '5', '-c:v', 'flv', '-an', '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/h263`]);
      await video.exited;
      const audio = startFfmpeg(['-re', '-f', 'lavfi', '-i', 'sine', '-t', '5', '-c:a', 'nellymoser', '-ar', '44100', '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/nelly`]);
      await audio.exited;
      const reasons = studio().events.filter((e) => e.type === 'source_lost').map((e) => (e.type === 'source_lost' ? e.data.reason : ''));
      expect(reasons).toContain('video codec Sorenson H.263 is not supported; use H.264, HEVC or AV1');
      expect(reasons.some((r) => /audio codec Nellymoser.* is not supported; use AAC/.test(r))).toBe(true);
    });
  });

  it('a publisher that stalls in the middle of a frame is cut off after its idle limit', async () => {
    await withHealthyNeighbour(async () => {
      const file = path.join(studio().dir, 'clip.flv');
      await ffmpeg([...testSourceArgs({ seconds: 1 }), '-f', 'flv', file]);
      const tags = readFlvTags(await fs.readFile(file));
      const client = await RtmpTestClient.open(studio().rtmpPort);
      await client.connect('live');
      await client.publish('stall');
      client.media(18, 0, encodeAmf0('@setDataFrame', 'onMetaData', { width: 640, height: 360 }));
      for (const tag of tags.slice(0, 12)) client.media(tag.type as 8 | 9, tag.timestamp, tag.body);
      await publishing('live/stall');
      // Half of a video message: the header promises more bytes than ever come. The client stays connected and silent.
      const hungUp = serverHangUp(client.socket);
      client.raw(Uint8Array.from([0x06, 0, 0, 0, 0, 0x10, 0, 9, 1, 0, 0, 0, 0x17, 1, 0, 0]));
      const silentFrom = Date.now();
      const { at } = await hungUp;
      const lost = studio().events.find((e) => e.type === 'source_lost' && e.data.name === 'live/stall');
      const reason = lost?.type === 'source_lost' ? lost.data.reason : '';
      expect(reason).toMatch(/^no data for \d+ s\b/);
      expect(at - silentFrom).toBeGreaterThanOrEqual(limitMs(reason) - 1000);
      const stream = await until('the stream to show the cut', async () => {
        const s = await studio().stream('live/stall');
        return s && s.state !== 'publishing' ? s : null;
      });
      expect(stream.reason).toBe(reason);
    });
  }, 45_000);
});
