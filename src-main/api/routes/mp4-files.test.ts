import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { chromium, type Page } from '@playwright/test';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandlers } from '../../http/problem-reply.js';
import { streamFilesRoutes } from '../../http/stream-files.js';
import { ViewerSessions } from '../../delivery/viewers/viewer-sessions.js';
import { decodeErrors, startFfmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { until } from '../../test-support/wait.js';
import { ProcessRegistry } from '../../transcode/process-registry.js';
import { mp4ExportRoutes } from './mp4-files.js';
import { encodeSource, openArchive, record, type Archive, type EncodedSource } from '../../export/testing/archive-fixture.js';
import { frameHashes, grayFrames, probe, topLevelBoxes } from '../../export/testing/mp4-checks.js';

const t0 = Date.UTC(2026, 2, 1, 10);
const t0s = t0 / 1000;
const width = 320;
const height = 240;

let dir: string;
let cleanup: () => Promise<void>;
let archive: Archive;
let processes: ProcessRegistry;
let sessions: ViewerSessions;
let app: FastifyInstance;
let base: string;
let source: EncodedSource;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('framehouse-mp4-routes-'));
  source = await encodeSource(path.join(dir, 'source.ts'), [
    '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=25`, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '10',
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', '30', '-bf', '2', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k',
  ]);
  archive = await openArchive(path.join(dir, 'studio'));
  await record(archive, 'live/cam', source, t0);
  await record(archive, 'live/secret', source, t0);
  await record(archive, 'live/gap', source, t0);
  await record(archive, 'live/gap', source, t0 + 15_000);
  processes = new ProcessRegistry(pino({ level: 'silent' }));
  sessions = new ViewerSessions();
  app = Fastify();
  installErrorHandlers(app);
  const known = new Set(['live/cam', 'live/secret', 'live/gap', 'live/empty']);
  const routes = mp4ExportRoutes({ archive: archive.store, ffmpegPath: () => 'ffmpeg', processes, streamKnown: (n) => known.has(n), maxSeconds: () => 3600, log: pino({ level: 'silent' }) });
  await app.register(streamFilesRoutes(routes, { playToken: (name) => (name === 'live/secret' ? 'open-sesame' : null), isAdmin: () => false, sessions }));
  base = await app.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => {
  app?.server.closeAllConnections();
  await app?.close();
  sessions?.close();
  await processes?.killAll();
  archive?.close();
  await cleanup?.();
});

async function saved(res: Response, name: string): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, Buffer.from(await res.arrayBuffer()));
  return file;
}

describe('GET /NAME/archive-FROM-DURATION.mp4', () => {
  it('answers a progressive MP4 with its length, name and recording figures, and any byte range of it', async () => {
    const url = `${base}/live/cam/archive-${t0s + 3}-5.mp4`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="live_cam-20260301T100003Z-5s.mp4"');
    expect(res.headers.get('x-framehouse-gaps')).toBe('0');
    expect(res.headers.get('x-framehouse-recorded')).toBe('5.000');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/x-framehouse-gaps.*x-framehouse-recorded/);
    const etag = res.headers.get('etag')!;
    const length = Number(res.headers.get('content-length'));
    const file = await saved(res, 'whole.mp4');
    const whole = await fs.readFile(file);
    expect(whole.length).toBe(length);
    expect(await topLevelBoxes(file)).toEqual(['ftyp', 'moov', 'mdat']);
    expect((await probe(file)).format.duration).toBe('5.000000');
    expect(await decodeErrors(file)).toBe('');
    expect(await frameHashes(file)).toEqual((await frameHashes(source.file)).slice(75, 200));

    const inline = await fetch(`${url}?inline=1`);
    expect(inline.headers.get('content-disposition')).toMatch(/^inline; filename="live_cam-/);
    await inline.arrayBuffer();
    const head = await fetch(url, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), head.headers.get('etag')]).toEqual([200, String(length), etag]);

    for (const [header, start, end] of [
      ['bytes=0-99', 0, 99],
      [`bytes=${length - 500}-`, length - 500, length - 1],
      ['bytes=-700', length - 700, length - 1],
      [`bytes=1000-${length + 5000}`, 1000, length - 1],
      [`bytes=${Math.floor(length / 2)}-${Math.floor(length / 2) + 12_345}`, Math.floor(length / 2), Math.floor(length / 2) + 12_345],
    ] as const) {
      const part = await fetch(url, { headers: { range: header } });
      expect(part.status, header).toBe(206);
      expect(part.headers.get('content-range'), header).toBe(`bytes ${start}-${end}/${length}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(whole.subarray(start, end + 1)), header).toBe(true);
    }
    const beyond = await fetch(url, { headers: { range: `bytes=${length}-` } });
    expect([beyond.status, beyond.headers.get('content-range')]).toEqual([416, `bytes */${length}`]);
    const stale = await fetch(url, { headers: { range: 'bytes=0-99', 'if-range': '"something-else"' } });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
  });

  it('says how many gaps were closed up and how much was recorded', async () => {
    const res = await fetch(`${base}/live/gap/archive-${t0s + 5}-20.mp4`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-framehouse-gaps')).toBe('1');
    expect(res.headers.get('x-framehouse-recorded')).toBe('15.000');
    const file = await saved(res, 'gap.mp4');
    expect(Math.abs(Number((await probe(file)).format.duration) - 15)).toBeLessThan(0.05);
    expect(await decodeErrors(file)).toBe('');
  });

  it('answers bad ranges with 400 and the reason, gaps only with 404, and wants the play token', async () => {
    const future = Math.floor(Date.now() / 1000) + 3600;
    const cases: [string, number, RegExp][] = [
      [`/live/cam/archive-${t0s}-0.mp4`, 400, /at least 1 second/],
      [`/live/cam/archive-${t0s}--5.mp4`, 400, /at least 1 second/],
      [`/live/cam/archive-abc-5.mp4`, 400, /FROM must be whole UTC seconds/],
      [`/live/cam/archive-${t0s}-1.5.mp4`, 400, /DURATION must be whole UTC seconds/],
      [`/live/cam/archive--${t0s}-5.mp4`, 400, /not negative/],
      [`/live/cam/archive-${t0s}-7200.mp4`, 400, /export limit of 3600 s/],
      [`/live/cam/archive-${future}-10.mp4`, 400, /future/],
      [`/live/cam/archive-${t0s - 7200}-60.mp4`, 400, /outside the archive/],
      [`/live/gap/archive-${t0s + 11}-3.mp4`, 404, /no recording between/],
      ['/live/empty/archive-1000-10.mp4', 404, /has no recording/],
      ['/nobody/archive-1000-10.mp4', 404, /no stream named/],
      [`/live/secret/archive-${t0s}-5.mp4`, 403, /token/],
      [`/live/secret/archive-${t0s}-5.mp4?token=wrong`, 403, /token/],
    ];
    for (const [url, status, why] of cases) {
      const res = await fetch(`${base}${url}`);
      expect(res.status, url).toBe(status);
      expect(res.headers.get('content-type'), url).toMatch(/^application\/json/);
      expect(((await res.json()) as { detail: string }).detail, url).toMatch(why);
    }
    const allowed = await fetch(`${base}/live/secret/archive-${t0s}-5.mp4?token=open-sesame`);
    expect(allowed.status).toBe(200);
    await allowed.arrayBuffer();
  });

  it('a client that goes away mid-download releases the export', async () => {
    const url = `${base}/live/cam/archive-${t0s}-10.mp4`;
    await new Promise<void>((resolve, reject) => {
      const req = http.get(url, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    });
    // The studio still answers, and the same plan serves the next request in full.
    const again = await fetch(url);
    expect(again.status).toBe(200);
    expect((await again.arrayBuffer()).byteLength).toBe(Number(again.headers.get('content-length')));
  });

  it('plays in Chromium: FROM’s picture first (edit list, or a precise cut), and seeks by Range', async () => {
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    const originals = await grayFrames(source.file, width, height);
    try {
      // 1.2 s GOPs at 25 fps: FROM is picture 50, twenty after its keyframe and ten before the next one.
      const from = t0s + 2;
      for (const query of ['inline=1', 'precise=true&inline=1']) {
        const page = await browser.newPage();
        const shown = await firstPicture(page, `${base}/live/cam/archive-${from}-6.mp4?${query}`);
        expect(shown.width).toBe(width);
        expect(Math.abs(shown.duration - 6)).toBeLessThan(0.05);
        // Nearest to original picture 50: equal to it from the edit list, close to it when re-encoded.
        const distance = (k: number) => shown.luma.reduce((n, v, i) => n + Math.abs(v - originals[k]![i]!), 0) / shown.luma.length;
        const nearest = [47, 48, 49, 50, 51, 52, 53].sort((x, y) => distance(x) - distance(y))[0];
        expect(nearest, query).toBe(50);
        // Seek into the middle (Range requests) and play a little: no error, pictures decoded.
        const played = (await page.evaluate(`(async () => {
          const video = document.querySelector('video');
          video.currentTime = 4;
          await new Promise((resolve) => video.addEventListener('seeked', resolve, { once: true }));
          await video.play();
          // Half a second of pictures played, however long the machine takes (the test's timeout is the deadline).
          while (video.currentTime < 4.5 && !video.error && !video.ended) {
            await new Promise((resolve) => ['timeupdate', 'error', 'ended'].forEach((type) => video.addEventListener(type, resolve, { once: true })));
          }
          video.pause();
          const quality = video.getVideoPlaybackQuality();
          return { time: video.currentTime, error: video.error ? video.error.message : null, corrupted: quality.corruptedVideoFrames, frames: quality.totalVideoFrames };
        })()`)) as { time: number; error: string | null; corrupted: number; frames: number };
        expect(played.error, query).toBeNull();
        expect(played.corrupted, query).toBe(0);
        expect(played.time, query).toBeGreaterThan(4);
        expect(played.frames, query).toBeGreaterThan(0);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 60_000);
});

/** The first picture of `url` in a <video> of our own (a media document would autoplay), as luma; CORS lets the canvas read it. */
async function firstPicture(page: Page, url: string): Promise<{ luma: number[]; duration: number; width: number }> {
  await page.setContent(`<video muted preload="auto" crossorigin="anonymous" src="${url}"></video>`);
  // Browser code as text: this file is type-checked without the DOM library.
  return (await page.evaluate(`(async () => {
    const video = document.querySelector('video');
    if (video.readyState < 2) {
      await new Promise((resolve, reject) => {
        video.addEventListener('loadeddata', resolve, { once: true });
        video.addEventListener('error', () => reject(new Error(video.error ? video.error.message : 'media error')), { once: true });
      });
    }
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.drawImage(video, 0, 0);
    const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const luma = [];
    for (let i = 0; i < rgba.length; i += 4) luma.push(Math.round(0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2]));
    return { luma, duration: video.duration, width: video.videoWidth };
  })()`)) as { luma: number[]; duration: number; width: number };
}

describe('in the studio', () => {
  const studio = useStudio();

  it('exports what an RTMP publisher recorded (1 ms clock), wired with the exportMaxSeconds setting', async () => {
    const publisher = startFfmpeg(['-re', ...testSourceArgs({ size: '320x240', seconds: 6, gop: 30 }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/exp`]);
    expect(await publisher.exited).toBe(0);
    await until('recorded', async () => (await studio().stream('live/exp'))?.state === 'idle', 10_000);
    const status = (await (await fetch(new URL(`/live/exp/recording_status.json?from=${Math.floor(Date.now() / 1000) - 120}&to=now`, studio().urls.http))).json()) as { ranges: { from: number; duration: number }[] }[];
    const range = status[0]!.ranges[0]!;
    const res = await fetch(new URL(`/live/exp/archive-${range.from + 1}-3.mp4`, studio().urls.http));
    expect(res.status).toBe(200);
    const file = await saved(res, 'studio.mp4');
    const probed = await probe(file);
    expect(probed.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual(['video:h264', 'audio:aac']);
    expect(Math.abs(Number(probed.format.duration) - 3)).toBeLessThanOrEqual(0.04);
    expect(await decodeErrors(file)).toBe('');
    const tooLong = await fetch(new URL(`/live/exp/archive-${range.from}-14401.mp4`, studio().urls.http));
    expect([tooLong.status, ((await tooLong.json()) as { detail: string }).detail]).toEqual([400, expect.stringMatching(/export limit of 14400 s/)]);
  }, 40_000);
});
