// MP4 export plans and thumbnails against the real studio: at most mediaJobsMax run at
// once, a bounded line waits behind them, the rest are refused with 503 + Retry-After,
// and a client that hangs up takes its plan and its ffmpeg with it.
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaybackStatsBody } from '../contract/studio-api.js';
import { deltaMb, watchHealth } from '../delivery/testing/hostile-clients.js';
import { useStudio } from '../test-support/studio-instance.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import { until } from '../test-support/wait.js';
import { encodeSource, openArchive, record, type EncodedSource } from './testing/archive-fixture.js';

const scratch = path.join(os.tmpdir(), `framehouse-export-storm-${process.pid}-${Date.now()}`);
/** While this file exists, the test ffmpeg hangs in the runs that make pictures (precise cuts, thumbnails) until it is killed. */
const hold = path.join(scratch, 'hold');
const wrapper = path.join(scratch, 'ffmpeg');

const studio = useStudio({ ffmpegPath: wrapper, mediaJobsMax: 4 });

let source: EncodedSource;
let cleanupSource: () => Promise<void>;
const t0 = Math.floor(Date.now() / 1000 - 3600) * 1000;
const t0s = t0 / 1000;

beforeAll(async () => {
  await fs.mkdir(scratch, { recursive: true });
  // `exec`, so the process the registry started is the one that hangs, and killing it ends it.
  await fs.writeFile(wrapper, `#!/bin/sh\nif [ -e '${hold}' ]; then\n  case "$*" in *sps-id=*|*image2pipe*) exec sleep 300 ;; esac\nfi\nexec ffmpeg "$@"\n`, { mode: 0o755 });
  const temp = await makeTempDir('framehouse-export-storm-src-');
  cleanupSource = temp.cleanup;
  // 20 s, a keyframe every 1.2 s: most whole seconds fall inside a GOP, so a precise cut runs ffmpeg there.
  source = await encodeSource(path.join(temp.dir, 'source.ts'), [
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '20', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '30', '-bf', '2', '-pix_fmt', 'yuv420p',
  ]);
}, 60_000);

afterAll(async () => {
  await fs.rm(scratch, { recursive: true, force: true });
  await cleanupSource?.();
});

async function mediaJobs(): Promise<PlaybackStatsBody['mediaJobs']> {
  return ((await (await studio().api('/api/playback/stats')).json()) as PlaybackStatsBody).mediaJobs;
}

interface Pending {
  req: http.ClientRequest;
  /** The status and body once answered; never resolves for a request destroyed first. */
  answer: Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>;
}

function start(base: URL, path: string): Pending {
  let req!: http.ClientRequest;
  const answer = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve) => {
    req = http.get(new URL(path, base), { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', () => undefined);
    });
    req.on('error', () => undefined);
  });
  return { req, answer };
}

/** 50 distinct ranges whose FROM falls inside a GOP (keyframes at multiples of 1.2 s): each plan runs a precise cut. */
function ranges(): string[] {
  const out: string[] = [];
  for (let duration = 1; out.length < 50; duration++) {
    for (let from = 1; from + duration <= 19 && out.length < 50; from++) if (from % 6 !== 0) out.push(`/live/exp/archive-${t0s + from}-${duration}.mp4?precise=1`);
  }
  return out;
}

describe('an export storm', () => {
  it('runs at most mediaJobsMax plans at once, queues 4× that, refuses the rest with 503; clients that hang up kill their ffmpeg', async () => {
    const s = studio();
    const base = new URL(s.urls.http);
    const archive = await openArchive(s.dir);
    try {
      await record(archive, 'live/exp', source, t0);
    } finally {
      archive.close();
    }
    await until('ffmpeg found', async () => ((await (await s.api('/api/system')).json()) as { ffmpeg: { available: boolean } }).ffmpeg.available, 30_000);
    await s.api('/api/playback/stats', { method: 'DELETE' });
    await fs.writeFile(hold, '');
    const rssBefore = process.memoryUsage().rss;
    const watch = await watchHealth(base, { keepAlive: true });

    const storm = ranges().map((p) => start(base, p));
    await until('4 plans running with their ffmpeg and 16 waiting', async () => {
      const jobs = await mediaJobs();
      return jobs.running === 4 && jobs.waiting === 16 && jobs.processes === 4 ? jobs : null;
    });
    const refused = await until('30 refused', async () => {
      const answered = await Promise.all(storm.map((p) => Promise.race([p.answer, new Promise<null>((r) => setTimeout(() => r(null), 10))])));
      const done = answered.filter((a) => a !== null);
      return done.length === 30 ? done : null;
    });
    for (const answer of refused) {
      expect(answer!.status).toBe(503);
      expect(answer!.headers['retry-after']).toMatch(/^\d+$/);
      expect(answer!.body.toString()).toMatch(/mediaJobsMax = 4/);
    }
    const stormed = await mediaJobs();
    expect(stormed).toMatchObject({ max: 4, running: 4, waiting: 16, processes: 4, peakRunning: 4, peakWaiting: 16, refused: 30 });

    // Every client still waiting hangs up: the queued plans leave the line, the running ones are aborted and their ffmpeg killed.
    for (const p of storm) p.req.destroy();
    const after = await until('no plan and no ffmpeg left', async () => {
      const jobs = await mediaJobs();
      return jobs.running === 0 && jobs.waiting === 0 && jobs.processes === 0 ? jobs : null;
    });
    expect(after.peakRunning).toBe(4);

    // A thumbnail whose client hangs up mid-ffmpeg: its process goes too.
    const when = new Date(t0 + 5000).toISOString();
    const thumb = start(base, `/live/exp/${when.slice(0, 4)}/${when.slice(5, 7)}/${when.slice(8, 10)}/${when.slice(11, 13)}/${when.slice(14, 16)}/${when.slice(17, 19)}.jpg`);
    await until('the thumbnail ffmpeg running', async () => (await mediaJobs()).processes === 1);
    thumb.req.destroy();
    await until('the thumbnail ffmpeg killed', async () => {
      const jobs = await mediaJobs();
      return jobs.processes === 0 && jobs.running === 0;
    });
    const seen = await watch.stop();

    // Nothing was left behind: with ffmpeg working again, the same plan and picture are made.
    await fs.rm(hold);
    const again = await start(base, `/live/exp/archive-${t0s + 1}-1.mp4?precise=1`).answer;
    expect(again.status).toBe(200);
    expect(again.body.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const picture = await start(base, `/live/exp/${when.slice(0, 4)}/${when.slice(5, 7)}/${when.slice(8, 10)}/${when.slice(11, 13)}/${when.slice(14, 16)}/${when.slice(17, 19)}.jpg`).answer;
    expect(picture.status).toBe(200);
    expect(picture.headers['content-type']).toBe('image/jpeg');

    const rssGrowth = process.memoryUsage().rss - rssBefore;
    console.log(`export storm: 50 precise plans at once: ${stormed.running} ran, ${stormed.waiting} waited, ${stormed.refused} refused (503), peak ${stormed.peakRunning} running; all aborted when their clients left; health ${seen.count} answers, slowest ${Math.round(seen.maxMs)} ms; RSS ${deltaMb(rssGrowth)}`);
    expect(seen.failures).toEqual([]);
    expect(seen.maxMs).toBeLessThan(1000);
    expect(rssGrowth).toBeLessThan(100e6);
  }, 90_000);
});
