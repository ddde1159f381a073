// `npm run bench -- soak [--minutes 10] [--publishers 20] [--viewers 100]`: the studio left running
// under a steady load plus storms, as a LAN event would have it. N real-time RTMP publishers,
// viewers split between plain HLS (playlist polling) and LL-HLS (blocking reload, parts), and
// every 10 s a storm of DVR playlists (index-0-now included) and MP4 exports, some abandoned
// mid-download. Every 30 s: the server's RSS and event-loop lag p99 (measured inside it). At
// the end: frames lost (sent by publishers minus taken in), segments lost (gaps in each
// stream's archive, and live segments viewers were shown but could not fetch).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { ffmpeg } from '../test-support/ffmpeg-tools.js';
import { readFlvTags } from '../test-support/flv-file.js';
import { publishLoad } from './rtmp-load.js';
import { startFramehouse, type FramehouseServer } from './framehouse-server.js';
import { nextPart, parsePlaylist } from './serve-playlist.js';
import type { PlaybackStatsBody } from '../contract/studio-api.js';

interface Options {
  minutes: number;
  publishers: number;
  viewers: number;
}

function parseOptions(argv: string[]): Options {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  return { minutes: get('--minutes') ?? 10, publishers: get('--publishers') ?? 20, viewers: get('--viewers') ?? 100 };
}

interface ViewerTally {
  segments: number;
  parts: number;
  bytes: number;
  /** Segments or parts a playlist listed that then could not be fetched (4xx/5xx, or the connection failed). */
  lost: number;
  playlistErrors: number;
  lastError: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One GET with a keep-alive agent; the body is read and counted, not kept (unless asked). */
function get(url: string, agent: http.Agent, keep = false, abortAfterBytes = 0): Promise<{ status: number; bytes: number; body: string }> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent }, (res) => {
      let bytes = 0;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (keep) chunks.push(c);
        if (abortAfterBytes > 0 && bytes >= abortAfterBytes) request.destroy();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, body: keep ? Buffer.concat(chunks).toString() : '' }));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, bytes, body: keep ? Buffer.concat(chunks).toString() : '' }));
    });
    request.on('error', () => resolve({ status: 0, bytes: 0, body: '' }));
    request.setTimeout(30_000, () => request.destroy());
  });
}

const resolveUri = (playlistUrl: string, uri: string) => new URL(uri, playlistUrl).toString();

/** A plain HLS player: polls the playlist about once a second and fetches each new segment once. */
async function hlsViewer(base: string, stream: string, tally: ViewerTally, until: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = `${base}/${stream}/index.m3u8`;
  const seen = new Set<string>();
  try {
    while (Date.now() < until) {
      const res = await get(url, agent, true);
      if (res.status !== 200) {
        tally.playlistErrors++;
        await sleep(1000);
        continue;
      }
      for (const uri of parsePlaylist(res.body).segments) {
        if (seen.has(uri)) continue;
        seen.add(uri);
        const seg = await get(resolveUri(url, uri), agent);
        if (seg.status === 200) {
          tally.segments++;
          tally.bytes += seg.bytes;
        } else {
          tally.lost++;
          tally.lastError = `segment ${uri}: ${seg.status}`;
        }
      }
      if (seen.size > 200) for (const uri of [...seen].slice(0, 100)) seen.delete(uri);
      await sleep(1000);
    }
  } finally {
    agent.destroy();
  }
}

/** An LL-HLS player: blocking reloads for the next part, fetching each new part once. */
async function llHlsViewer(base: string, stream: string, tally: ViewerTally, until: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = `${base}/${stream}/index.m3u8`;
  const seen = new Set<string>();
  let query = '';
  try {
    while (Date.now() < until) {
      const res = await get(`${url}${query}`, agent, true);
      if (res.status !== 200) {
        tally.playlistErrors++;
        query = '';
        await sleep(500);
        continue;
      }
      const playlist = parsePlaylist(res.body);
      // Only the newest parts: a player joining at the edge does not fetch the whole window.
      for (const part of playlist.parts.slice(-3)) {
        if (seen.has(part.uri)) continue;
        seen.add(part.uri);
        const got = await get(resolveUri(url, part.uri), agent);
        if (got.status === 200) {
          tally.parts++;
          tally.bytes += got.bytes;
        } else {
          tally.lost++;
          tally.lastError = `part ${part.uri}: ${got.status}`;
        }
      }
      if (seen.size > 400) for (const uri of [...seen].slice(0, 200)) seen.delete(uri);
      const next = nextPart(playlist);
      query = `?_HLS_msn=${next.msn}&_HLS_part=${next.part}`;
    }
  } finally {
    agent.destroy();
  }
}

/** Every 10 s: DVR playlists over the whole archive and random ranges, and MP4 exports, some abandoned. */
async function storms(base: string, streams: string[], startedSec: number, until: number, counts: { playlists: number; exports: number; refused: number; failed: number }): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  try {
    while (Date.now() < until) {
      await sleep(10_000);
      const nowSec = Math.floor(Date.now() / 1000);
      const span = Math.max(10, nowSec - startedSec - 10);
      const requests: Promise<void>[] = [];
      for (let i = 0; i < 20; i++) {
        const stream = streams[i % streams.length]!;
        const from = startedSec + Math.floor(Math.random() * span);
        const file = i % 4 === 0 ? 'index-0-now.m3u8' : i % 4 === 1 ? `recording_status.json` : `index-${from}-${Math.max(4, Math.floor(Math.random() * (nowSec - from)))}.m3u8`;
        requests.push(
          get(`${base}/${stream}/${file}`, agent).then((r) => {
            counts.playlists++;
            if (r.status >= 500 || r.status === 0) counts.failed++;
          }),
        );
      }
      for (let i = 0; i < 6; i++) {
        const stream = streams[(i * 7) % streams.length]!;
        const from = startedSec + 5 + Math.floor(Math.random() * Math.max(1, span - 40));
        // Half are abandoned after their first 256 KB: the plan and any ffmpeg behind it must go.
        requests.push(
          get(`${base}/${stream}/archive-${from}-30.mp4`, agent, false, i % 2 === 0 ? 256 * 1024 : 0).then((r) => {
            counts.exports++;
            if (r.status === 503 || r.status === 429) counts.refused++;
            else if (r.status >= 500 || r.status === 0) counts.failed++;
          }),
        );
      }
      await Promise.all(requests);
    }
  } finally {
    agent.destroy();
  }
}

async function rssMB(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Gaps between consecutive recorded ranges of a stream (the recorder makes a gap only where media was missing). */
async function archiveGaps(server: FramehouseServer, stream: string): Promise<{ ranges: number; seconds: number }> {
  const res = await fetch(`http://127.0.0.1:${server.httpPort}/${stream}/recording_status.json`, { headers: { authorization: `Bearer ${server.token}` } });
  if (res.status !== 200) return { ranges: -1, seconds: 0 };
  const body = (await res.json()) as { ranges?: { from: number; duration: number }[] }[] | { ranges?: { from: number; duration: number }[] };
  const entry = Array.isArray(body) ? body[0] : body;
  const ranges = entry?.ranges ?? [];
  return { ranges: ranges.length, seconds: ranges.reduce((n, r) => n + r.duration, 0) };
}

export async function benchSoak(argv: string[] = []): Promise<void> {
  const o = parseOptions(argv);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'framehouse-bench-soak-'));
  const flv = path.join(os.tmpdir(), 'framehouse-bench-soak-1mbit.flv');
  if (!(await fs.access(flv).then(() => true, () => false))) {
    out('making the 1 Mbit/s 640x360 H.264 (B-frames) + AAC recording (once)…');
    await ffmpeg([
      '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '30',
      '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-bf', '2', '-b:v', '900k', '-maxrate', '900k', '-bufsize', '1800k', '-g', '60', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '96k', '-f', 'flv', flv,
    ]);
  }
  const tags = readFlvTags(await fs.readFile(flv));
  const bytes = tags.reduce((n, t) => n + t.body.length, 0);
  const bytesPerSecond = bytes / ((tags.at(-1)!.timestamp + 33) / 1000);
  out(`${o.publishers} publishers at ${((bytesPerSecond * 8) / 1e6).toFixed(2)} Mbit/s, ${o.viewers} viewers (half LL-HLS), playlist/export storm every 10 s, for ${o.minutes} min`);

  const server = await startFramehouse(path.join(work, 'studio'));
  const base = `http://127.0.0.1:${server.httpPort}`;
  const streams = Array.from({ length: o.publishers }, (_, i) => `live/bench${i}`);
  const startedSec = Math.floor(Date.now() / 1000);
  const seconds = o.minutes * 60;
  const until = Date.now() + seconds * 1000;
  const tallies: ViewerTally[] = [];
  const samples: { minute: number; rssMB: number; lagP99: number; lagMax: number; viewers: number }[] = [];
  const storm = { playlists: 0, exports: 0, refused: 0, failed: 0 };
  try {
    const load = publishLoad({ port: server.rtmpPort, app: 'live', streams: o.publishers, seconds, tags, bytesPerSecond });
    // Let the streams start and the first segments exist before the viewers come.
    await sleep(6000);
    const viewers: Promise<void>[] = [];
    for (let i = 0; i < o.viewers; i++) {
      const tally: ViewerTally = { segments: 0, parts: 0, bytes: 0, lost: 0, playlistErrors: 0, lastError: '' };
      tallies.push(tally);
      const stream = streams[i % streams.length]!;
      viewers.push(i % 2 === 0 ? llHlsViewer(base, stream, tally, until) : hlsViewer(base, stream, tally, until));
    }
    const stormRun = storms(base, streams, startedSec, until, storm);
    await server.api('/api/playback/stats', { method: 'DELETE' });
    const sampler = (async () => {
      while (Date.now() < until) {
        await sleep(30_000);
        const stats = (await (await server.api('/api/playback/stats')).json()) as PlaybackStatsBody;
        await server.api('/api/playback/stats', { method: 'DELETE' });
        const sample = { minute: (Date.now() - (until - seconds * 1000)) / 60_000, rssMB: await rssMB(server.pid), lagP99: stats.eventLoopLag.p99Ms, lagMax: stats.eventLoopLag.maxMs, viewers: stats.viewers };
        samples.push(sample);
        out(`t=${sample.minute.toFixed(1).padStart(5)} min  RSS ${sample.rssMB.toFixed(0).padStart(5)} MB  lag p99 ${sample.lagP99.toFixed(1).padStart(6)} ms  max ${sample.lagMax.toFixed(0).padStart(5)} ms  viewer sessions ${sample.viewers}`);
      }
    })();
    const [published] = await Promise.all([load, ...viewers, stormRun, sampler]);
    await sleep(1500);
    const framesIn = await server.framesIn!();
    const gaps = await Promise.all(streams.map((s) => archiveGaps(server, s)));
    const lost = tallies.reduce((n, t) => n + t.lost, 0);
    const segs = tallies.reduce((n, t) => n + t.segments, 0);
    const parts = tallies.reduce((n, t) => n + t.parts, 0);
    const mb = tallies.reduce((n, t) => n + t.bytes, 0) / 1e6;
    const firstMinutes = samples.slice(0, 2);
    const lastMinutes = samples.slice(-2);
    const avg = (list: typeof samples) => list.reduce((n, s) => n + s.rssMB, 0) / Math.max(1, list.length);
    const lagP99Worst = Math.max(...samples.map((s) => s.lagP99));
    out('');
    out(`publishers: ${published.publishedOk}/${o.publishers} published, ${published.failures.length} failures, late tags ${published.lateTags}`);
    out(`frames: sent ${published.framesSent}, taken in ${framesIn}, lost ${Math.max(0, published.framesSent - framesIn)}`);
    out(`archive: ${gaps.filter((g) => g.ranges === 1).length}/${streams.length} streams in one unbroken range; gaps: ${gaps.reduce((n, g) => n + Math.max(0, g.ranges - 1), 0)}; recorded ${gaps.reduce((n, g) => n + g.seconds, 0).toFixed(0)} s of ${streams.length * seconds} s`);
    out(`viewers: ${segs} segments + ${parts} parts, ${mb.toFixed(0)} MB; listed but not fetchable: ${lost}; playlist errors ${tallies.reduce((n, t) => n + t.playlistErrors, 0)}${lost ? ` (last: ${tallies.find((t) => t.lastError)?.lastError})` : ''}`);
    out(`storms: ${storm.playlists} playlist/status requests, ${storm.exports} MP4 exports (${storm.refused} turned away busy), ${storm.failed} failed`);
    out(`RSS: first minute ${avg(firstMinutes).toFixed(0)} MB, last minute ${avg(lastMinutes).toFixed(0)} MB, peak ${Math.max(...samples.map((s) => s.rssMB)).toFixed(0)} MB; event-loop lag p99 worst 30 s window ${lagP99Worst.toFixed(1)} ms (goal < 50 ms)`);
  } finally {
    await server.stop();
    await fs.rm(work, { recursive: true, force: true });
  }
}
