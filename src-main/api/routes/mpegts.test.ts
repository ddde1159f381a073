import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Track } from '../../media/index.js';
import { installErrorHandlers } from '../../http/problem-reply.js';
import type { ArchiveStore } from '../../dvr/archive-store.js';
import type { DvrIndex } from '../../dvr/dvr-index.js';
import { TsDemuxer } from '../../formats/mpegts/index.js';
import { tsSource } from '../../formats/fmp4/testing/sources.js';
import { StreamHub, type SourceSession } from '../../streams/stream-hub.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { decodeErrors, ffprobeJson, lavfiInputs, startFfmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { until } from '../../test-support/wait.js';
import { LiveTsStream } from '../../delivery/mpegts/live-ts-sink.js';
import { mpegtsRoutes } from './mpegts.js';

const silent = pino({ level: 'silent' });

interface ProbedTs {
  streams: { codec_name: string; codec_type: string; width?: number }[];
  packets?: { stream_index: number; dts: number; pts: number }[];
  format?: { duration: string };
}

/** ffprobe's answer; throws on any error it prints. */
const probeTs = (input: string, entries: string[]) => ffprobeJson<ProbedTs>([...entries, input], { strict: true, timeout: 15_000 });

describe('MPEG-TS over HTTP in the studio', () => {
  const studio = useStudio();

  it('live /NAME/mpegts reads as H.264 + AAC; archive-FROM-DURATION.ts is one continuous file of that length', async () => {
    const base = studio().urls.http;
    const publisher = startFfmpeg(['-re', ...testSourceArgs({ size: '640x360', seconds: 7, gop: 30 }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/ts`]);
    await until('the stream has tracks', async () => (await studio().stream('live/ts'))?.audio, 15_000);
    const liveUrl = new URL('/live/ts/mpegts', base).href;

    const probed = await probeTs(liveUrl, ['-analyzeduration', '1000000', '-probesize', '300000', '-show_entries', 'stream=codec_name,codec_type,width']);
    expect(probed.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:aac', 'video:h264']);
    expect(probed.streams.find((s) => s.codec_type === 'video')!.width).toBe(640);

    const abort = new AbortController();
    const res = await fetch(liveUrl, { signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp2t');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const reader = res.body!.getReader();
    const first = (await reader.read()).value!;
    expect(first[0]).toBe(0x47);
    expect(((first[1]! & 0x1f) << 8) | first[2]!).toBe(0); // the PAT opens the stream
    abort.abort();

    expect(await publisher.exited).toBe(0);
    await until('idle', async () => (await studio().stream('live/ts'))?.state === 'idle');
    const ended = await fetch(liveUrl);
    expect(ended.status).toBe(404);
    expect(((await ended.json()) as { error: string }).error).toBe('Not live');

    const status = (await (await fetch(new URL(`/live/ts/recording_status.json?from=${Math.floor(Date.now() / 1000) - 120}&to=now`, base))).json()) as { ranges: { from: number; duration: number }[] }[];
    const range = status[0]!.ranges[0]!;
    const from = range.from + 1;
    const duration = Math.min(4, range.duration - 2);
    const head = await fetch(new URL(`/live/ts/archive-${from}-${duration}.ts`, base), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('video/mp2t');
    const archive = await fetch(new URL(`/live/ts/archive-${from}-${duration}.ts`, base));
    expect(archive.status).toBe(200);
    expect(archive.headers.get('content-type')).toBe('video/mp2t');
    expect(archive.headers.get('cache-control')).toBe('public, max-age=60');
    expect(archive.headers.get('access-control-allow-origin')).toBe('*');
    expect(archive.headers.get('content-disposition')).toBe(`inline; filename="live_ts-${from}-${duration}.ts"`);
    const { dir, cleanup } = await makeTempDir('framehouse-mpegts-archive-');
    try {
      const file = path.join(dir, 'archive.ts');
      const bytes = Buffer.from(await archive.arrayBuffer());
      expect(bytes.length % 188).toBe(0);
      await fs.writeFile(file, bytes);
      const whole = await probeTs(file, ['-show_entries', 'stream=codec_name,codec_type:format=duration:packet=stream_index,dts,pts']);
      expect(whole.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual(['video:h264', 'audio:aac']);
      // From the keyframe at or before FROM (1 s GOPs) to the last frame before FROM + DURATION.
      expect(Math.abs(Number(whole.format!.duration) - duration)).toBeLessThanOrEqual(1.2);
      for (const index of [0, 1]) {
        const dts = whole.packets!.filter((p) => p.stream_index === index).map((p) => p.dts);
        expect(dts.length).toBeGreaterThan(duration * 20);
        for (let k = 1; k < dts.length; k++) expect(dts[k]).toBeGreaterThan(dts[k - 1]!);
      }
      expect(await decodeErrors(file)).toBe('');
    } finally {
      await cleanup();
    }
  }, 30_000);

  it('an archive range across a gap and a new resolution plays on: timestamps monotonic, discontinuity_indicator at the join', async () => {
    const base = studio().urls.http;
    const rtmp = `rtmp://127.0.0.1:${studio().rtmpPort}/live/joined`;
    const firstFrom = Math.floor(Date.now() / 1000);
    expect(await startFfmpeg(['-re', ...testSourceArgs({ size: '320x240', seconds: 3, gop: 30 }), '-f', 'flv', rtmp]).exited).toBe(0);
    await until('idle', async () => (await studio().stream('live/joined'))?.state === 'idle');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await startFfmpeg(['-re', ...testSourceArgs({ size: '480x270', seconds: 3, gop: 30 }), '-f', 'flv', rtmp]).exited).toBe(0);
    await until('idle again', async () => (await studio().stream('live/joined'))?.state === 'idle');
    const to = Math.ceil(Date.now() / 1000) + 1;

    const res = await fetch(new URL(`/live/joined/archive-${firstFrom - 1}-${to - firstFrom + 1}.ts`, base));
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const { dir, cleanup } = await makeTempDir('framehouse-mpegts-joined-');
    try {
      const file = path.join(dir, 'joined.ts');
      await fs.writeFile(file, bytes);
      const probed = await probeTs(file, ['-show_entries', 'stream=codec_name,codec_type:format=duration:packet=stream_index,dts,pts']);
      for (const index of [0, 1]) {
        const dts = probed.packets!.filter((p) => p.stream_index === index).map((p) => p.dts);
        for (let k = 1; k < dts.length; k++) expect(dts[k]).toBeGreaterThan(dts[k - 1]!);
      }
      // The gap is closed up: two recordings of ~3 s each play as one of ~6 s.
      expect(Number(probed.format!.duration)).toBeGreaterThan(5);
      expect(Number(probed.format!.duration)).toBeLessThan(7.5);
    } finally {
      await cleanup();
    }
    const flagged = new Set<number>();
    for (let at = 0; at < bytes.length; at += 188) {
      const pid = ((bytes[at + 1]! & 0x1f) << 8) | bytes[at + 2]!;
      const hasField = (bytes[at + 3]! & 0x20) !== 0 && bytes[at + 4]! > 0;
      if (hasField && bytes[at + 5]! & 0x80) flagged.add(pid);
    }
    expect([...flagged].sort()).toEqual([0x100, 0x101]);
    const frames: Frame[] = [];
    const tracks: Track[][] = [];
    const demuxer = new TsDemuxer({ onTracks: (t) => tracks.push(t), onFrame: (f) => frames.push(f), onError: () => undefined });
    demuxer.push(bytes, 0);
    demuxer.end();
    expect(tracks.map((t) => t.map((track) => (track.kind === 'video' ? `${track.width}x${track.height}` : track.codec)))).toEqual([
      ['320x240', 'aac'],
      ['480x270', 'aac'],
    ]);
  }, 30_000);

  it('answers bad ranges, unknown streams, empty ranges and idle streams with the HLS routes’ reasons', async () => {
    const base = studio().urls.http;
    await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'cams/empty' }) });
    const cases: [string, number, RegExp][] = [
      ['/cams/empty/archive-100-0.ts', 400, /at least 1 second/],
      ['/cams/empty/archive-100-999999.ts', 400, /over 86400/],
      [`/cams/empty/archive-${Math.floor(Date.now() / 1000) + 3600}-10.ts`, 400, /future/],
      ['/cams/empty/archive-100-60.ts', 404, /no recording between/],
      ['/nobody/here/archive-100-60.ts', 404, /no stream named/],
      ['/nobody/here/mpegts', 404, /no stream named/],
      ['/cams/empty/mpegts', 404, /not receiving anything now/],
    ];
    for (const [url, status, why] of cases) {
      const res = await fetch(new URL(url, base));
      expect(res.status, url).toBe(status);
      expect(res.headers.get('content-type'), url).toMatch(/^application\/json/);
      expect(((await res.json()) as { detail: string }).detail, url).toMatch(why);
    }
  });
});

describe('live MPEG-TS viewers on a hub', () => {
  let tracks: readonly Track[];
  let frames: Frame[];
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const temp = await makeTempDir('framehouse-mpegts-live-');
    cleanup = temp.cleanup;
    ({ tracks, frames } = await tsSource(temp.dir, 'source.ts', [...lavfiInputs({ size: '320x240', rate: 30, seconds: 2, audioRate: 48000 }), '-c:v', 'libx264', '-g', '30', '-c:a', 'aac']));
  }, 30_000);
  afterAll(() => cleanup());

  const source = { protocol: 'rtmp' as const, remoteAddress: null, sourceUrl: null, kick: () => undefined };

  /** A hub and a bare Fastify app serving only the MPEG-TS routes, on loopback. */
  async function serve(idleMs: number): Promise<{ hub: StreamHub; app: FastifyInstance; url: string }> {
    const hub = new StreamHub('cam', silent, () => undefined);
    const app = Fastify();
    installErrorHandlers(app);
    const [live] = mpegtsRoutes({ hub: () => hub, index: {} as DvrIndex, archive: {} as ArchiveStore, streamKnown: () => true, log: silent, idleMs });
    const handle = live!.handle as (name: string, match: RegExpExecArray | null, request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;
    app.get('/cam/mpegts', (request, reply) => handle('cam', null, request, reply));
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return { hub, app, url: `${url}/cam/mpegts` };
  }

  const shiftedBy = (by: number) => (f: Frame): Frame => ({ ...f, dts: f.dts + by, pts: f.pts + by, arrivedAt: Date.now() });

  function publish(hub: StreamHub, list: readonly Frame[]): SourceSession {
    const session = hub.beginSession(source, 'publishing');
    session.setTracks(tracks);
    for (const f of list) session.pushFrame(f);
    return session;
  }

  it('a client that disconnects mid-stream detaches its sink from the hub', async () => {
    const { hub, app, url } = await serve(30_000);
    try {
      publish(hub, frames.slice(0, 40));
      const got = await new Promise<number>((resolve, reject) => {
        const request = http.get(url, (res) => {
          res.once('data', (chunk: Buffer) => {
            expect(hub.activeSinkCount).toBe(1);
            request.destroy();
            resolve(chunk.length);
          });
        });
        request.on('error', (err) => (request.destroyed ? undefined : reject(err)));
      });
      expect(got).toBeGreaterThan(0);
      await until('the sink detached', async () => hub.activeSinkCount === 0, 5_000);
    } finally {
      await app.close();
    }
  });

  it('keeps the response across a publisher reconnect (behind a discontinuity), then ends it when nothing comes', async () => {
    const { hub, app, url } = await serve(400);
    try {
      const session = publish(hub, frames.slice(0, 30));
      const received: Buffer[] = [];
      const ended = new Promise<void>((resolve, reject) => {
        http.get(url, (res) => {
          expect(res.statusCode).toBe(200);
          res.on('data', (c: Buffer) => received.push(c));
          res.on('end', resolve);
          res.on('error', reject);
        });
      });
      await until('the first GOP', async () => received.length > 0, 5_000);
      for (const f of frames.slice(30)) session.pushFrame(f);
      session.end('publisher left');
      // Back before the idle limit, with a clock that starts over.
      await new Promise((r) => setTimeout(r, 150));
      const second = publish(hub, frames.map(shiftedBy(-frames[0]!.dts)));
      second.end('publisher left again');
      const started = Date.now();
      await ended;
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(hub.activeSinkCount).toBe(0);

      const out: Frame[] = [];
      const demuxer = new TsDemuxer({ onTracks: () => undefined, onFrame: (f) => out.push(f), onError: (kind, detail) => out.push({ error: `${kind}: ${detail}` } as never) });
      demuxer.push(Buffer.concat(received), 0);
      demuxer.end();
      expect(out.filter((f) => 'error' in f)).toEqual([]);
      expect(out.length).toBe(2 * frames.length);
      for (const trackId of [0, 1]) {
        const dts = out.filter((f) => f.trackId === trackId).map((f) => f.dts);
        for (let k = 1; k < dts.length; k++) expect(dts[k]).toBeGreaterThan(dts[k - 1]!);
      }
    } finally {
      await app.close();
    }
  });

  it('a viewer that does not read makes the sink report full: the queue stays bounded and play resumes on a keyframe', () => {
    const hub = new StreamHub('cam', silent, () => undefined);
    const session = publish(hub, []);
    const mark = 8 << 10;
    const viewer = new LiveTsStream(hub, { label: 'slow viewer', log: silent, idleMs: 30_000, highWaterMark: mark });
    try {
      for (const f of frames) session.pushFrame(f);
      // One frame past the mark at most: the rest was dropped by the hub, not queued.
      const largest = Math.max(...frames.map((f) => f.data.length));
      expect(viewer.output.readableLength).toBeLessThan(mark + largest + 4 * 188);
      const before = drain(viewer);
      // Reading made room: delivery restarts at the next keyframe of what comes now.
      const later = frames.map(shiftedBy(10 * 90_000));
      for (const f of later) session.pushFrame(f);
      const got: Frame[] = [];
      const demuxer = new TsDemuxer({ onTracks: () => undefined, onFrame: (f) => got.push(f), onError: () => undefined });
      demuxer.push(Buffer.concat([...before, ...drain(viewer)]), 0);
      demuxer.end();
      const video = got.filter((f) => f.trackId === 0);
      expect(video.length).toBeLessThan(2 * frames.filter((f) => f.trackId === 0).length);
      const resumed = video.find((f) => f.dts >= later[0]!.dts + 90_000 - frames[0]!.dts);
      expect(resumed?.keyframe).toBe(true);
    } finally {
      viewer.close('test over');
    }
    expect(hub.activeSinkCount).toBe(0);
  });
});

function drain(viewer: LiveTsStream): Buffer[] {
  const chunks: Buffer[] = [];
  for (let chunk: Buffer | null; (chunk = viewer.output.read() as Buffer | null) !== null; ) chunks.push(chunk);
  return chunks;
}
