// `npm run bench -- vod`: library files played as HLS, segments made on first request.
// A real studio (`framehouse serve`) gets a library folder holding a ~60 s 1080p30
// H.264/AAC MP4 (testsrc2 + a tone, libx264 veryfast, a keyframe every 2 s) under several
// names (hard links: each name is a new file to the studio, so nothing is cached yet).
// In one run, side by side:
//   1. time to the first 720p segment (2 s), uncached, vs the same ffmpeg command line
//      (segmentCommand() with the same spec) run alone to a pipe; medians of N, alternating;
//   2. cached segments to 50 keep-alive clients, MB/s, vs nginx on byte-identical copies;
//   3. 10 viewers asking at once for one uncached segment: how many ffmpeg jobs made it,
//      counted from the studio's child processes (/proc), with the timing and the cache;
//   4. the listing of a folder of 10,000 files (GET /api/library?folder=…&limit=10000).
import { withBenchWorkspace } from './workspace.js';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { LibraryListing, ProbedMedia } from '../contract/library-api.js';
import { startStudioProcess, type StudioProcess } from '../test-support/studio-process.js';
import { segmentCommand, type SegmentSpec } from '../vod/segment-command.js';
import { gridSegments, planVariants, segmentSpan, type VodVariant } from '../vod/vod-plan.js';
import { runHttpLoad, type LoadResult } from './http-load.js';
import { startNginxStatic, type StaticServer } from './peers.js';
import { cpuSeconds } from './process-cpu.js';

interface Options {
  /** Runs of each side for the first-segment time (medians reported). */
  runs: number;
  /** Measured seconds of the cached-segment load, per server. */
  seconds: number;
  warmup: number;
  connections: number;
  viewers: number;
  files: number;
  sourceSeconds: number;
  /** The rendition timed (a transcoded one: 720p from the H.264 source, 1080p from the HEVC one). */
  variant: string;
  /** The source's video codec: h264 (its 1080p is the original remuxed) or hevc (every size transcoded). */
  sourceCodec: 'h264' | 'hevc';
}

function parseOptions(argv: string[]): Options {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    runs: Number(get('--runs') ?? 5),
    seconds: Number(get('--seconds') ?? 5),
    warmup: Number(get('--warmup') ?? 0.5),
    connections: Number(get('--connections') ?? 50),
    viewers: Number(get('--viewers') ?? 10),
    files: Number(get('--files') ?? 10_000),
    sourceSeconds: Number(get('--source-seconds') ?? 60),
    variant: get('--variant') ?? '720p',
    sourceCodec: get('--source-codec') === 'hevc' ? 'hevc' : 'h264',
  };
}

const folderName = 'bench';
const manyName = 'many';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const out = (line: string) => process.stdout.write(`${line}\n`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

interface Answer {
  status: number;
  body: Buffer;
  ms: number;
}

/** A request over a keep-alive agent: the whole body, and the time from asking to its last byte. */
function get(url: string, agent: http.Agent, headers: Record<string, string> = {}, method = 'GET', payload?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(url, { agent, headers: payload ? { ...headers, 'content-type': 'application/json' } : headers, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(120_000, () => req.destroy(new Error(`no answer from ${url} in 120 s`)));
    req.end(payload);
  });
}

async function ok(answer: Promise<Answer>, what: string): Promise<Answer> {
  const a = await answer;
  if (a.status < 200 || a.status > 299) throw new Error(`${what}: HTTP ${a.status} ${a.body.toString().slice(0, 300)}`);
  return a;
}

/** An ffmpeg child of the studio, as /proc showed it. */
interface Job {
  pid: number;
  argv: string[];
  seenAt: number;
  goneAt: number | null;
}

/**
 * Watches the studio's child processes through /proc (every 20 ms): each ffmpeg it starts,
 * with its command line and roughly when it ran. The count of segment jobs comes from here.
 */
class ChildWatch {
  readonly jobs: Job[] = [];
  private readonly live = new Map<number, Job>();
  private timer: NodeJS.Timeout | null = null;
  private lastBusyAt = performance.now();

  constructor(private readonly parent: number) {}

  start(): void {
    this.lastBusyAt = performance.now();
    this.tick();
    this.timer ??= setInterval(() => this.tick(), 20);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Resolves once the studio has had no child process for `quietMs`. */
  async idle(quietMs = 400, timeoutMs = 90_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() - this.lastBusyAt < quietMs) {
      if (performance.now() > deadline) throw new Error(`the studio still runs child processes after ${timeoutMs / 1000} s`);
      await sleep(50);
    }
  }

  /** Transcoding segment jobs (not copies: the master playlist of an fMP4 original makes its init by remuxing). */
  segmentJobs(since = 0): Job[] {
    return this.jobs.filter((j) => j.seenAt >= since && j.argv.includes('-output_ts_offset') && j.argv[j.argv.indexOf('-c:v') + 1] !== 'copy');
  }

  private tick(): void {
    const now = performance.now();
    const alive = new Set<number>();
    let busy = false;
    let entries: string[];
    try {
      entries = fs.readdirSync('/proc');
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue;
      }
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== this.parent) continue;
      busy = true;
      const pid = Number(entry);
      alive.add(pid);
      if (this.live.has(pid)) continue;
      // Read the command line until it is ffmpeg's (a child seen between fork and exec shows node's).
      let argv: string[];
      try {
        argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      } catch {
        continue;
      }
      if (argv.at(-1) === '') argv.pop();
      if (path.basename(argv[0] ?? '') !== 'ffmpeg') continue;
      const job: Job = { pid, argv, seenAt: now, goneAt: null };
      this.live.set(pid, job);
      this.jobs.push(job);
    }
    for (const [pid, job] of this.live) {
      if (alive.has(pid)) continue;
      job.goneAt = now;
      this.live.delete(pid);
    }
    if (busy) this.lastBusyAt = now;
  }
}

/** Where a segment job's picture starts, and from which file: the `-ss` and `-i` before its first input. */
function jobTarget(argv: string[]): { file: string; start: number } | null {
  const i = argv.indexOf('-i');
  if (i < 0) return null;
  const ss = argv.slice(0, i).indexOf('-ss');
  return { file: argv[i + 1]!, start: ss >= 0 ? Number(argv[ss + 1]) : 0 };
}

interface Plain {
  ms: number;
  bytes: number;
}

async function runPlain(ffmpeg: string, args: string[]): Promise<Plain> {
  const started = performance.now();
  const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let bytes = 0;
  let err = '';
  child.stdout.on('data', (c: Buffer) => (bytes += c.length));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed (${code}): ${err.slice(-500)}`);
  return { ms, bytes };
}

export async function benchVod(argv: string[] = []): Promise<void> {
  const options = parseOptions(argv);
  await withBenchWorkspace('vod', (work, cleanups) => run(options, work, cleanups));
}

interface Row {
  what: string;
  ours: string;
  peer: string;
  ratio: string;
  goal: string;
}

async function run(options: Options, work: string, cleanups: (() => Promise<unknown>)[]): Promise<void> {
  const variantName = options.variant;
  const dataDir = path.join(work, 'studio');
  const library = path.join(work, 'library');
  const many = path.join(work, 'many');
  const root = path.join(work, 'nginx-root');
  for (const dir of [dataDir, library, many, root]) await fsp.mkdir(dir, { recursive: true });
  const envFfmpeg = process.env.FFMPEG_PATH ?? 'ffmpeg';
  const rows: Row[] = [];
  // peers.ts spawns `nginx` from PATH (Debian's package); without it the comparison is skipped, not the run.
  const nginxFound = !spawnSync('nginx', ['-v'], { stdio: 'ignore' }).error;
  if (!nginxFound) out('WARNING: no nginx on PATH (apt-get install nginx): the cached-segment comparison runs the studio alone');

  // The source: once, outside the library; the library gets hard links of it.
  const source = path.join(work, 'source-1080p30.mp4');
  const videoCodec = options.sourceCodec === 'hevc' ? ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1'] : ['-c:v', 'libx264', '-preset', 'veryfast'];
  out(`making a ${options.sourceSeconds} s 1080p30 ${options.sourceCodec === 'hevc' ? 'HEVC' : 'H.264'}/AAC MP4 (testsrc2 + sine, ${videoCodec[1]} ${videoCodec[3]} 6 Mbit/s, keyframe every 2 s)…`);
  const made = await runPlain(envFfmpeg, [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(options.sourceSeconds),
    ...videoCodec, '-pix_fmt', 'yuv420p', '-b:v', '6M', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0',
    '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', source,
  ]);
  out(`  made in ${seconds(made.ms)}, ${(fs.statSync(source).size / 1e6).toFixed(1)} MB`);
  const runNames = Array.from({ length: options.runs }, (_, i) => `run-${i + 1}.mp4`);
  const viewersName = 'viewers.mp4';
  for (const name of [...runNames, viewersName]) await fsp.link(source, path.join(library, name));

  const studio: StudioProcess = await startStudioProcess(['--data-dir', dataDir, '--http-port', '0', '--log-level', 'warn']);
  cleanups.push(() => studio.stop());
  const base = studio.url.endsWith('/') ? studio.url : `${studio.url}/`;
  const port = Number(new URL(base).port);
  const token = new URL(studio.loginUrl).searchParams.get('token') ?? '';
  const auth = { authorization: `Bearer ${token}` };
  const api = new http.Agent({ keepAlive: true, maxSockets: 2 });
  cleanups.push(async () => api.destroy());
  const watch = new ChildWatch(studio.child.pid!);
  cleanups.push(async () => watch.stop());

  // The encoder probe runs ffmpeg children at start: begin once they are done.
  for (let i = 0; ; i++) {
    const system = JSON.parse((await ok(get(`${base}api/system`, api, auth), 'GET /api/system')).body.toString()) as { ffmpeg: { probing?: boolean; available?: boolean } };
    if (system.ffmpeg.probing === false || !('probing' in system.ffmpeg)) {
      if (system.ffmpeg.available === false) throw new Error('the studio found no ffmpeg');
      break;
    }
    if (i > 300) throw new Error('the studio still probes ffmpeg after 60 s');
    await sleep(200);
  }

  await ok(get(`${base}api/library/folders`, api, auth, 'POST', JSON.stringify({ name: folderName, path: library })), 'POST /api/library/folders');
  const listing = async (folder: string, limit = 1000) =>
    JSON.parse((await ok(get(`${base}api/library?folder=${folder}&limit=${limit}`, api, auth), `GET /api/library?folder=${folder}`)).body.toString()) as LibraryListing;
  let media: ProbedMedia | null = null;
  const probeDeadline = Date.now() + 60_000;
  for (;;) {
    const files = (await listing(folderName)).files;
    const bad = files.find((f) => f.state === 'unplayable');
    if (bad) throw new Error(`the studio cannot play ${bad.path}: ${bad.problem}`);
    if (files.length === runNames.length + 1 && files.every((f) => f.state === 'ready')) {
      media = files[0]!.media;
      break;
    }
    if (Date.now() > probeDeadline) throw new Error(`library files not read in 60 s: ${files.map((f) => `${f.path} ${f.state}`).join(', ')}`);
    await sleep(200);
  }
  if (!media) throw new Error('no media description in the listing');
  const variant = planVariants(media).find((v): v is Extract<VodVariant, { kind: 'transcode' }> => v.name === variantName && v.kind === 'transcode');
  if (!variant) throw new Error(`the studio plans no ${variantName} rendition for the source (${planVariants(media).map((v) => v.name).join(', ')})`);
  const starts = gridSegments(media.duration);
  const spec = (name: string, k: number, encoder: string): SegmentSpec => {
    const span = segmentSpan(starts, media.duration, k)!;
    return { file: path.join(library, name), variant, start: span.start, end: span.end, last: k === starts.length - 1, encoder };
  };
  const segmentPath = (name: string, k: number) => `/vod/${folderName}/${name}/${variantName}/${k}.ts`;
  out(
    `studio ${studio.url}: library folder "${folderName}" with ${runNames.length + 1} names of the source, ${media.duration.toFixed(1)} s, ${media.video?.width}x${media.video?.height}; ` +
      `${variantName}: ${variant.width}x${variant.height} at ${(variant.rung.videoBitrate / 1e6).toFixed(1)} Mbit/s, segments ${starts.length} (first ${starts[1]} s, then ${(starts[2] ?? 0) - (starts[1] ?? 0)} s)`,
  );

  // 1. Time to the first segment, uncached: a new name each run, against the same command alone.
  out(`\n1. first ${variantName} segment (0.ts, ${starts[1]} s), uncached: the studio vs the same ffmpeg command alone, ${options.runs} runs each, alternating`);
  watch.start();
  await watch.idle();
  const player = new http.Agent({ keepAlive: true, maxSockets: 1 });
  cleanups.push(async () => player.destroy());
  const studioRuns: { ms: number; ffmpegMs: number; alongside: number; overlapMs: number; playlistsMs: number }[] = [];
  const plainRuns: Plain[] = [];
  let encoder = 'libx264';
  let ffmpeg = envFfmpeg;
  const sameCommand: boolean[] = [];
  const plainFile = runNames[0]!;
  const studioRun = async (name: string) => {
    const since = performance.now();
    // As a player: the multivariant playlist, the variant's, then its first segment.
    const master = await ok(get(`${base}vod/${folderName}/${name}/index.m3u8`, player), `GET ${name}/index.m3u8`);
    const variantList = await ok(get(`${base}vod/${folderName}/${name}/${variantName}/index.m3u8`, player), `GET ${name}/${variantName}/index.m3u8`);
    const segment = await ok(get(`${base}${segmentPath(name, 0).slice(1)}`, player), `GET ${segmentPath(name, 0)}`);
    const jobs = watch.segmentJobs(since);
    const own = jobs.find((j) => jobTarget(j.argv)?.file === path.join(library, name) && jobTarget(j.argv)?.start === 0);
    if (!own) throw new Error(`no ffmpeg job for ${name} segment 0 was seen among the studio's children`);
    const cv = own.argv.indexOf('-c:v');
    if (cv >= 0) encoder = own.argv[cv + 1]!;
    ffmpeg = own.argv[0]!;
    sameCommand.push(JSON.stringify(own.argv.slice(1)) === JSON.stringify(segmentCommand(spec(name, 0, encoder)).args));
    const ownEnd = own.goneAt ?? performance.now();
    // Other segment jobs (made ahead) that ran while this one did.
    const alongside = jobs.filter((j) => j !== own && j.seenAt < ownEnd && (j.goneAt ?? Infinity) > own.seenAt);
    const overlapMs = alongside.reduce((sum, j) => sum + Math.max(0, Math.min(ownEnd, j.goneAt ?? ownEnd) - Math.max(own.seenAt, j.seenAt)), 0);
    studioRuns.push({ ms: segment.ms, ffmpegMs: ownEnd - own.seenAt, alongside: alongside.length, overlapMs, playlistsMs: master.ms + variantList.ms });
    await watch.idle();
  };
  const plainRun = async () => {
    plainRuns.push(await runPlain(ffmpeg, segmentCommand(spec(plainFile, 0, encoder)).args));
    await watch.idle(200);
  };
  for (let i = 0; i < options.runs; i++) {
    if (i % 2 === 0) {
      await studioRun(runNames[i]!);
      await plainRun();
    } else {
      await plainRun();
      await studioRun(runNames[i]!);
    }
  }
  const studioMs = median(studioRuns.map((r) => r.ms));
  const plainMs = median(plainRuns.map((r) => r.ms));
  const firstRatio = studioMs / plainMs;
  out(`  studio  GET 0.ts: ${studioRuns.map((r) => Math.round(r.ms)).join(' / ')} ms   median ${seconds(studioMs)}`);
  out(`          its ffmpeg process ran ~${studioRuns.map((r) => Math.round(r.ffmpegMs)).join(' / ')} ms (seen in /proc every 20 ms), median ${seconds(median(studioRuns.map((r) => r.ffmpegMs)))}; the rest of the request (spawn, cut and remux, cache write, send): median ${Math.round(median(studioRuns.map((r) => r.ms - r.ffmpegMs)))} ms`);
  out(`          segment jobs made ahead (1.ts, 2.ts) running alongside it: ${studioRuns.map((r) => `${r.alongside} for ${Math.round(r.overlapMs)} ms`).join(' / ')} (${os.cpus().length} cores)`);
  out(`          playlists before it (master + ${variantName}): median ${median(studioRuns.map((r) => r.playlistsMs)).toFixed(1)} ms`);
  out(`  plain   ffmpeg ${encoder}, same arguments, stdout to a pipe: ${plainRuns.map((r) => Math.round(r.ms)).join(' / ')} ms   median ${seconds(plainMs)}   (${(median(plainRuns.map((r) => r.bytes)) / 1e6).toFixed(2)} MB of MPEG-TS)`);
  out(`  the studio's ffmpeg command line was segmentCommand()'s with the same spec: ${sameCommand.every(Boolean) ? `yes, all ${sameCommand.length}` : `NO in ${sameCommand.filter((s) => !s).length} of ${sameCommand.length}`}`);
  out(`  ratio studio/plain ${firstRatio.toFixed(2)}×  (goal ≤ 1.1×: ${verdict(firstRatio <= 1.1)});  absolute ${seconds(studioMs)}  (goal ≤ 2 s: ${verdict(studioMs <= 2000)})`);
  rows.push({
    what: `first ${variantName} segment (${starts[1]} s), uncached, median of ${options.runs}`,
    ours: seconds(studioMs),
    peer: `plain ffmpeg ${seconds(plainMs)}`,
    ratio: `${firstRatio.toFixed(2)}×`,
    goal: `≤ 1.1×: ${verdict(firstRatio <= 1.1)}; ≤ 2 s: ${verdict(studioMs <= 2000)}`,
  });

  // 2. Viewers at once on one uncached segment.
  const k = Math.min(10, starts.length - 3);
  out(`\n2. ${options.viewers} viewers at once on one uncached segment (${viewersName} ${variantName}/${k}.ts, ${(starts[k + 1]! - starts[k]!).toFixed(0)} s)`);
  const alone = await runPlain(ffmpeg, segmentCommand(spec(viewersName, k, encoder)).args);
  await watch.idle(200);
  await ok(get(`${base}vod/${folderName}/${viewersName}/index.m3u8`, player), 'master playlist');
  await ok(get(`${base}vod/${folderName}/${viewersName}/${variantName}/index.m3u8`, player), 'variant playlist');
  const viewersAgent = new http.Agent({ keepAlive: true, maxSockets: options.viewers });
  cleanups.push(async () => viewersAgent.destroy());
  const since = performance.now();
  const answers = await Promise.all(Array.from({ length: options.viewers }, () => get(`${base}${segmentPath(viewersName, k).slice(1)}`, viewersAgent)));
  const allMs = performance.now() - since;
  await watch.idle();
  const viewerJobs = watch.segmentJobs(since).filter((j) => jobTarget(j.argv)?.file === path.join(library, viewersName));
  const jobsFor = (n: number) => viewerJobs.filter((j) => jobTarget(j.argv)?.start === starts[n]).length;
  const hashes = new Set(answers.map((a) => crypto.createHash('sha256').update(a.body).digest('hex')));
  const okAnswers = answers.filter((a) => a.status === 200).length;
  const fileRow = (await listing(folderName)).files.find((f) => f.path === viewersName)!;
  // The studio's cache key of the file (vod-service.ts): folder, path, size and mtime.
  const key = crypto.createHash('sha256').update(`${folderName}\0${viewersName}\0${fileRow.size}\0${fileRow.modifiedAt}`).digest('hex').slice(0, 24);
  const cached = await fsp.readdir(path.join(dataDir, 'cache', 'vod', key, variantName)).catch(() => [] as string[]);
  const jobsK = jobsFor(k);
  const kJob = viewerJobs.find((j) => jobTarget(j.argv)?.start === starts[k]);
  out(`  ${okAnswers}/${options.viewers} answered 200, ${hashes.size === 1 ? 'all byte-identical' : `${hashes.size} different bodies!`}; slowest ${Math.round(Math.max(...answers.map((a) => a.ms)))} ms, fastest ${Math.round(Math.min(...answers.map((a) => a.ms)))} ms, all done ${Math.round(allMs)} ms`);
  out(`  timing: the studio's one ffmpeg for ${k}.ts ran ~${kJob ? Math.round((kJob.goneAt ?? performance.now()) - kJob.seenAt) : '?'} ms (beside the 2 made ahead, on ${os.cpus().length} cores); the same command alone: ${Math.round(alone.ms)} ms; ${options.viewers} jobs would need ≈ ${seconds(alone.ms * options.viewers / os.cpus().length)} at best`);
  out(`  method: the studio's ffmpeg children read from /proc every 20 ms, matched to segments by their -i file and -ss: ${k}.ts ${jobsK} job(s); made ahead: ${k + 1}.ts ${jobsFor(k + 1)}, ${k + 2}.ts ${jobsFor(k + 2)}; other segment jobs ${viewerJobs.length - jobsK - jobsFor(k + 1) - jobsFor(k + 2)}`);
  out(`  cache folder <dataDir>/cache/vod/${key}/${variantName}/: ${cached.sort((a, b) => parseInt(a) - parseInt(b)).join(', ') || 'empty'}`);
  out(`  one job per segment: ${verdict(jobsK === 1 && okAnswers === options.viewers && hashes.size === 1)}`);
  rows.push({
    what: `${options.viewers} viewers on one uncached segment`,
    ours: `${jobsK} ffmpeg job, ${seconds(allMs)}`,
    peer: `1 job alone ${seconds(alone.ms)}`,
    ratio: `${(allMs / alone.ms).toFixed(2)}×`,
    goal: `1 job: ${verdict(jobsK === 1 && okAnswers === options.viewers && hashes.size === 1)}`,
  });

  // 3. Cached segments: copies for nginx, and no segment left to make during the load.
  out(`\n3. cached ${variantName} segments, ${options.connections} keep-alive clients, ${options.warmup} s warm-up + ${options.seconds} s measured per server`);
  const served = [...runNames.flatMap((name) => [0, 1].map((n) => segmentPath(name, n))), segmentPath(viewersName, k), segmentPath(viewersName, k + 1)];
  const sizes: number[] = [];
  // A request for a cached segment still makes its next two ahead when the studio is idle:
  // ask for every one until a pass starts no job, so the load meets a quiet studio.
  let slowest = 0;
  for (let pass = 0; pass < 5; pass++) {
    const passSince = performance.now();
    sizes.length = 0;
    for (const p of served) {
      const a = await ok(get(`${base}${p.slice(1)}`, player), `GET ${p}`);
      if (pass === 0) {
        slowest = Math.max(slowest, a.ms);
        await fsp.mkdir(path.dirname(path.join(root, p)), { recursive: true });
        await fsp.writeFile(path.join(root, p), a.body);
      }
      sizes.push(a.body.length);
    }
    await watch.idle();
    if (watch.segmentJobs(passSince).length === 0) break;
  }
  watch.stop();
  const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
  out(`  ${served.length} segments of ${(Math.min(...sizes) / 1e6).toFixed(2)}–${(Math.max(...sizes) / 1e6).toFixed(2)} MB (mean ${(mean / 1e6).toFixed(2)} MB), slowest copy request ${Math.round(slowest)} ms; copied byte for byte under the nginx root at the same paths`);
  const nginx: StaticServer[] = [];
  for (const workers of nginxFound ? ([1, 'auto'] as const) : []) {
    const dir = path.join(work, `nginx-${workers}`);
    await fsp.mkdir(dir);
    const server = await startNginxStatic(dir, root, workers);
    cleanups.push(() => server.stop());
    nginx.push(server);
  }
  for (const n of nginx) {
    const check = await ok(get(`http://127.0.0.1:${n.port}${served[0]}`, new http.Agent()), `nginx GET ${served[0]}`);
    if (!check.body.equals(await fsp.readFile(path.join(root, served[0]!)))) throw new Error(`${n.name} serves other bytes than the copy`);
  }
  const targets = [{ name: 'framehouse', workers: '1 (Node)', pid: studio.child.pid!, port }, ...nginx.map((n) => ({ name: n.name, workers: String(n.workers), pid: n.pid, port: n.port }))];
  const loads = new Map<string, { load: LoadResult; cpu: number }>();
  // Segments made during the load would show as new files in the cache (no /proc watching while measuring).
  const cachedFiles = async () => (await fsp.readdir(path.join(dataDir, 'cache', 'vod'), { recursive: true }).catch(() => [] as string[])).filter((f) => f.endsWith('.ts')).length;
  const cachedBefore = await cachedFiles();
  for (const target of targets) {
    const cpuStart = cpuSeconds(target.pid);
    const began = performance.now();
    const load = await runHttpLoad({ port: target.port, paths: served, connections: options.connections, seconds: options.seconds, warmupSeconds: options.warmup });
    const cpu = (cpuSeconds(target.pid) - cpuStart) / ((performance.now() - began) / 1000);
    loads.set(target.name, { load, cpu });
    const failed = load.requests - load.ok + load.errors;
    out(
      `  ${target.name.padEnd(11)} workers ${target.workers.padEnd(8)} ${load.mbps.toFixed(1).padStart(8)} MB/s ${load.rps.toFixed(0).padStart(6)} req/s  p50 ${load.p50Ms.toFixed(1).padStart(6)} ms  p99 ${load.p99Ms.toFixed(1).padStart(6)} ms  server cpu ${(cpu * 100).toFixed(0).padStart(3)}% (of one core, warm-up included)  client cpu ${(load.clientCpu * 100).toFixed(0)}%` +
        (failed ? `  FAILED ${failed} (${Object.entries(load.statuses).map(([s, n]) => `${n}×${s}`).join(', ')}, ${load.errors} socket errors)` : ''),
    );
  }
  const cachedAfter = await cachedFiles();
  out(`  segments made during the loads: ${cachedAfter - cachedBefore} (files in the studio's cache: ${cachedBefore} before, ${cachedAfter} after)`);
  const ours = loads.get('framehouse')!.load.mbps;
  if (nginx.length === 0) rows.push({ what: `cached segments, ${options.connections} clients, MB/s`, ours: `${ours.toFixed(0)} MB/s`, peer: 'nginx not found', ratio: '—', goal: 'none set' });
  for (const n of nginx) {
    const theirs = loads.get(n.name)!.load.mbps;
    rows.push({
      what: `cached segments, ${options.connections} clients, MB/s`,
      ours: `${ours.toFixed(0)} MB/s`,
      peer: `${n.name} (${n.workers} worker${n.workers === 1 ? '' : 's'}) ${theirs.toFixed(0)} MB/s`,
      ratio: `${(ours / theirs).toFixed(2)}×`,
      goal: 'none set',
    });
  }

  // 4. A folder of many files: the scan, then the listing.
  out(`\n4. a library folder of ${options.files.toLocaleString('en')} files (empty .mp4 files: ffprobe fails on them, which a listing does not mind)`);
  const names = Array.from({ length: options.files }, (_, i) => `clip-${String(i).padStart(5, '0')}.mp4`);
  for (let i = 0; i < names.length; i += 500) await Promise.all(names.slice(i, i + 500).map((n) => fsp.writeFile(path.join(many, n), '')));
  const added = await ok(get(`${base}api/library/folders`, api, auth, 'POST', JSON.stringify({ name: manyName, path: many })), 'POST /api/library/folders (many)');
  let total: number;
  const listedDeadline = Date.now() + 120_000;
  for (;;) {
    total = (await listing(manyName, 1)).total;
    if (total >= options.files) break;
    if (Date.now() > listedDeadline) throw new Error(`only ${total} of ${options.files} files listed after 120 s`);
    await sleep(100);
  }
  const listedAfter = performance.now();
  const listMs: number[] = [];
  let bytes = 0;
  let states: Record<string, number> = {};
  for (let i = 0; i < 5; i++) {
    const a = await ok(get(`${base}api/library?folder=${manyName}&limit=${options.files}`, api, auth), 'GET /api/library (many)');
    listMs.push(a.ms);
    bytes = a.body.length;
    if (i === 4) {
      const parsed = JSON.parse(a.body.toString()) as LibraryListing;
      if (parsed.files.length !== options.files) throw new Error(`the listing held ${parsed.files.length} rows, not ${options.files}`);
      states = parsed.files.reduce<Record<string, number>>((acc, f) => ({ ...acc, [f.state]: (acc[f.state] ?? 0) + 1 }), {});
    }
  }
  const listMedian = median(listMs);
  out(`  POST /api/library/folders (scans the folder before it answers): ${Math.round(added.ms)} ms; all ${total.toLocaleString('en')} listed when it answered`);
  out(`  GET /api/library?folder=${manyName}&limit=${options.files}: ${listMs.map((m) => m.toFixed(0)).join(' / ')} ms, median ${listMedian.toFixed(0)} ms, ${(bytes / 1e6).toFixed(1)} MB of JSON  (goal < 200 ms: ${verdict(listMedian < 200)})`);
  out(`  rows by state when timed: ${Object.entries(states).map(([s, n]) => `${s} ${n}`).join(', ')} (ffprobe works through them one at a time behind, as after any folder is added; measured within ${((performance.now() - listedAfter) / 1000).toFixed(1)} s of the scan)`);
  rows.push({ what: `listing of ${options.files.toLocaleString('en')} files, median of 5`, ours: `${listMedian.toFixed(0)} ms`, peer: '—', ratio: '—', goal: `< 200 ms: ${verdict(listMedian < 200)}` });

  // Summary.
  out('');
  out(`machine: ${os.availableParallelism()} cores; framehouse: one Node process, segment jobs ≤ ${os.cpus().length} at once (one per core), two made ahead; nginx: sendfile on`);
  const widths = {
    what: Math.max(4, ...rows.map((r) => r.what.length)),
    ours: Math.max(10, ...rows.map((r) => r.ours.length)),
    peer: Math.max(4, ...rows.map((r) => r.peer.length)),
    ratio: Math.max(5, ...rows.map((r) => r.ratio.length)),
  };
  const line = (r: Row) => `${r.what.padEnd(widths.what)}  ${r.ours.padEnd(widths.ours)}  ${r.peer.padEnd(widths.peer)}  ${r.ratio.padStart(widths.ratio)}  ${r.goal}`;
  out(line({ what: 'measure', ours: 'framehouse', peer: 'peer', ratio: 'ratio', goal: 'goal' }));
  out('-'.repeat(line(rows[0]!).length));
  for (const r of rows) out(line(r));
}
