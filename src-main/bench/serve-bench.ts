// `npm run bench -- serve`: HTTP delivery of one live stream to 50 keep-alive clients.
// A real studio records a ~6 Mbit/s RTMP publish (DVR, 2 s segments); nginx (Debian's
// package) serves byte-identical copies of the same files in the same run. Measured:
// MB/s on 1–2 MB segments, requests/s on LL-HLS parts and on the live playlist, how fast a
// blocking playlist reload answers once its part exists, and the studio's event-loop lag.
import { withBenchWorkspace, type Cleanups } from './workspace.js';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startFfmpeg } from '../test-support/ffmpeg-tools.js';
import { startStudioProcess, type StudioProcess } from '../test-support/studio-process.js';
import { runHttpLoad, type LoadResult } from './http-load.js';
import { startNginxStatic, type StaticServer } from './peers.js';
import { cpuSeconds, machineSeconds, sampleRss } from './process-cpu.js';
import { holdsPart, nextPart, parsePlaylist, type ParsedPlaylist } from './serve-playlist.js';

interface Options {
  /** Measured seconds per run; each server runs `rounds` times per phase. */
  seconds: number;
  rounds: number;
  warmup: number;
  connections: number;
  /** Archive to collect before measuring, in segments of 2 s. */
  segments: number;
  bitrate: string;
}

function parseOptions(argv: string[]): Options {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    seconds: Number(get('--seconds') ?? 3),
    rounds: Number(get('--rounds') ?? 2),
    warmup: Number(get('--warmup') ?? 0.5),
    connections: Number(get('--connections') ?? 50),
    segments: Number(get('--segments') ?? 10),
    bitrate: get('--bitrate') ?? '6M',
  };
}

const streamName = 'live/bench';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const out = (line: string) => process.stdout.write(`${line}\n`);

interface Stats {
  blockingReload?: { count: number; p50Ms: number; p99Ms: number; maxMs: number };
  eventLoopLag?: { p50Ms: number; p99Ms: number; maxMs: number };
}

/** A request over a keep-alive agent; the whole body. */
function get(url: string, agent: http.Agent, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, headers, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer from ${url} in 15 s`)));
    req.end();
  });
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

interface BlockingProbe {
  samples: number;
  /** How long each blocked request waited in all. */
  waitP50: number;
  /** How long after a non-blocking reload (polled back to back) first showed the part the blocked request answered; ≤ 0 means it answered first. */
  afterSeen: number[];
  failures: string[];
}

/**
 * From outside: ask for the next part with _HLS_msn/_HLS_part, and meanwhile poll the
 * plain playlist back to back; the blocked answer should come no later than the part shows up.
 */
export async function probeBlockingReload(base: string, seconds: number): Promise<BlockingProbe> {
  const blockAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const pollAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const playlistUrl = `${base}${streamName}/index.m3u8`;
  const result: BlockingProbe = { samples: 0, waitP50: Number.NaN, afterSeen: [], failures: [] };
  const waits: number[] = [];
  const until = performance.now() + seconds * 1000;
  try {
    let current = parsePlaylist((await get(playlistUrl, pollAgent)).body.toString());
    while (performance.now() < until && result.failures.length < 5) {
      const want = nextPart(current);
      let seenAt = Number.NaN;
      let answeredAt = Number.NaN;
      const poll = (async () => {
        const stopAt = performance.now() + 10_000;
        while (performance.now() < stopAt && !(performance.now() - answeredAt > 1000)) {
          const res = await get(playlistUrl, pollAgent);
          if (res.status === 200 && holdsPart(parsePlaylist(res.body.toString()), want.msn, want.part)) {
            seenAt = performance.now();
            return;
          }
          await sleep(1);
        }
      })();
      const asked = performance.now();
      const res = await get(`${playlistUrl}?_HLS_msn=${want.msn}&_HLS_part=${want.part}`, blockAgent);
      answeredAt = performance.now();
      await poll;
      if (res.status !== 200) {
        result.failures.push(`_HLS_msn=${want.msn}&_HLS_part=${want.part}: HTTP ${res.status} ${res.body.toString().slice(0, 120)}`);
        current = parsePlaylist((await get(playlistUrl, pollAgent)).body.toString());
        continue;
      }
      current = parsePlaylist(res.body.toString());
      if (!holdsPart(current, want.msn, want.part)) {
        result.failures.push(`_HLS_msn=${want.msn}&_HLS_part=${want.part}: answered after ${Math.round(answeredAt - asked)} ms without that part`);
        continue;
      }
      result.samples++;
      waits.push(answeredAt - asked);
      if (Number.isFinite(seenAt)) result.afterSeen.push(answeredAt - seenAt);
    }
  } finally {
    blockAgent.destroy();
    pollAgent.destroy();
  }
  result.waitP50 = percentile(waits, 50);
  return result;
}

export interface Phase {
  kind: 'dvr segments' | 'live segments' | 'parts' | 'playlists' | 'playlist + segments';
  server: string;
  workers: string;
  load: LoadResult;
  serverCpu: number;
  /** Peak resident memory of the server (nginx: master and workers summed) over the measured window. */
  serverRssMB: number;
  /** The ffmpeg publisher (share of one core): it encodes 720p live beside the load. */
  publisherCpu: number;
  /** CPU (share of one core) used by processes other than the server, the load generator and the publisher (ffmpeg, plus the studio's ingest while nginx serves). */
  othersCpu: number;
  /** Interrupt time (share of one core): mostly the kernel moving the loopback traffic. */
  irqCpu: number;
  lag?: Stats['eventLoopLag'];
  /** The blocking-reload probe run alongside, if one was. */
  probe?: BlockingProbe;
}

async function playbackStats(rig: ServeRig): Promise<Stats | null> {
  const res = await get(`${rig.base}api/playback/stats`, rig.api, rig.auth).catch(() => null);
  return res?.status === 200 ? (JSON.parse(res.body.toString()) as Stats) : null;
}

const resetPlaybackStats = (rig: ServeRig) => get(`${rig.base}api/playback/stats`, rig.api, rig.auth, 'DELETE').catch(() => null);

export interface LoadShape {
  connections: number;
  seconds: number;
  warmup: number;
  /** Run the blocking-reload probe alongside (the studio only). */
  probe?: boolean;
}

/**
 * One load phase against one target: `connections` keep-alive clients walking `paths`,
 * with the CPU of the server, the publisher and the whole machine, and the server's peak
 * memory, taken over the measured window only (after the warm-up).
 */
export async function measureLoad(rig: ServeRig, kind: Phase['kind'], target: ServeTarget, paths: string[], o: LoadShape): Promise<Phase> {
  const { studio, publisher, base } = rig;
  const ours = target.server === 'framehouse';
  const others = [publisher.child.pid!, ...(ours ? [] : [studio.child.pid!])];
  let cpuStart = 0;
  let othersStart = 0;
  let publisherStart = 0;
  let machineStart = { processes: 0, interrupts: 0 };
  let measured = Number.NaN;
  // Set from the timer below, once the warm-up is over.
  const sampled: { rss?: ReturnType<typeof sampleRss> } = {};
  const cpuTimer = setTimeout(() => {
    void (async () => {
      if (ours) await resetPlaybackStats(rig);
      measured = performance.now();
      cpuStart = cpuSeconds(target.pid);
      publisherStart = cpuSeconds(publisher.child.pid!, { children: false });
      othersStart = others.reduce((n, pid) => n + cpuSeconds(pid), 0);
      machineStart = await machineSeconds();
      sampled.rss = sampleRss(target.pid, 1000);
    })();
  }, o.warmup * 1000 + 150);
  const probing = o.probe ? sleep(o.warmup * 1000 + 200).then(() => probeBlockingReload(base, o.seconds - 0.5)) : null;
  let load: LoadResult;
  let peakRss: number;
  try {
    load = await runHttpLoad({ port: target.port, paths, connections: o.connections, seconds: o.seconds, warmupSeconds: o.warmup });
  } finally {
    clearTimeout(cpuTimer);
    peakRss = sampled.rss?.stop() ?? 0;
  }
  const seconds = (performance.now() - measured) / 1000;
  const serverCpu = (cpuSeconds(target.pid) - cpuStart) / seconds;
  const knownCpu = serverCpu + load.clientCpu + (others.reduce((n, pid) => n + cpuSeconds(pid), 0) - othersStart) / seconds;
  const machineEnd = await machineSeconds();
  const phase: Phase = {
    kind,
    server: target.server,
    workers: target.workers,
    load,
    serverCpu,
    serverRssMB: peakRss / 2 ** 20,
    publisherCpu: (cpuSeconds(publisher.child.pid!, { children: false }) - publisherStart) / seconds,
    othersCpu: Math.max(0, (machineEnd.processes - machineStart.processes) / seconds - knownCpu),
    irqCpu: (machineEnd.interrupts - machineStart.interrupts) / seconds,
  };
  if (probing) phase.probe = await probing;
  if (ours) phase.lag = (await playbackStats(rig))?.eventLoopLag;
  return phase;
}

export async function benchServe(argv: string[] = []): Promise<void> {
  const options = parseOptions(argv);
  await withBenchWorkspace('serve', (work, cleanups) => run(options, work, cleanups));
}

export interface ServeRigOptions {
  /** Archive to collect before measuring, in segments of 2 s. */
  segments: number;
  bitrate: string;
  /** More `framehouse serve` flags (a load from one address may need the per-address limits raised). */
  studioArgs?: string[];
  nginxWorkers?: readonly (number | 'auto')[];
}

/** Where a load is aimed: the studio or one nginx. */
export interface ServeTarget {
  server: string;
  workers: string;
  pid: number;
  port: number;
}

/** The server's CPU for one request of a phase, in µs: its share of a core over the window, per request answered. */
const cpuPerRequestUs = (p: { serverCpu: number; load: { rps: number } }) => (p.serverCpu * 1e6) / Math.max(1, p.load.rps);

/**
 * A studio recording a live ffmpeg publish, and nginx serving byte-identical copies of its
 * DVR segments and of one live playlist: what the serve benchmarks load. Everything it starts
 * is pushed onto `cleanups`.
 */
export interface ServeRig {
  studio: StudioProcess;
  publisher: ReturnType<typeof startFfmpeg>;
  /** The studio's URL, ending in '/'. */
  base: string;
  /** nginx's document root. */
  root: string;
  api: http.Agent;
  auth: Record<string, string>;
  nginx: StaticServer[];
  /** The studio first, then each nginx. */
  targets: ServeTarget[];
  /** DVR segments as the studio's playlist names them, and the file nginx serves with the same bytes. */
  archived: { request: string; file: string }[];
  segmentSizes: number[];
  playlistUrl: string;
  livePath: string;
  /** The live playlist as copied for nginx. */
  live: { text: string; parsed: ParsedPlaylist };
  liveNow(): Promise<{ text: string; parsed: ParsedPlaylist }>;
  /** A URI of the studio's live playlist: what to ask the studio for, and the plain file name for nginx. */
  resolve(uri: string): { request: string; file: string };
  /** Fetches `request` from the studio into the nginx root as `file`; its size, or null if the studio did not answer 200. */
  copy(request: string, file: string): Promise<number | null>;
}

const sizes = (list: number[], unit: number, name: string) =>
  `${(Math.min(...list) / unit).toFixed(unit === 1e6 ? 2 : 0)}–${(Math.max(...list) / unit).toFixed(unit === 1e6 ? 2 : 0)} ${name} (mean ${(list.reduce((x, y) => x + y, 0) / list.length / unit).toFixed(unit === 1e6 ? 2 : 0)} ${name})`;

export async function startServeRig(options: ServeRigOptions, work: string, cleanups: Cleanups): Promise<ServeRig> {
  const dataDir = path.join(work, 'studio');
  const root = path.join(work, 'nginx-root');
  await fs.mkdir(dataDir);
  await fs.mkdir(path.join(root, streamName), { recursive: true });

  const studio: StudioProcess = await startStudioProcess(['--data-dir', dataDir, '--http-port', '0', '--dvr-segment-seconds', '2', '--log-level', 'warn', ...(options.studioArgs ?? [])]);
  cleanups.push(() => studio.stop());
  const base = studio.url.endsWith('/') ? studio.url : `${studio.url}/`;
  const port = Number(new URL(base).port);
  const token = new URL(studio.loginUrl).searchParams.get('token') ?? '';
  const rtmp = /^rtmp\s+(rtmp:\/\/\S+)/m.exec(studio.stdout())?.[1];
  if (!rtmp) throw new Error(`the studio printed no rtmp line:\n${studio.stdout()}`);
  const api = new http.Agent({ keepAlive: true, maxSockets: 2 });
  cleanups.push(async () => api.destroy());
  const auth = { authorization: `Bearer ${token}` };

  const publishStart = Date.now();
  const publisher = startFfmpeg([
    '-re', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
    '-b:v', options.bitrate, '-minrate', options.bitrate, '-maxrate', options.bitrate, '-bufsize', options.bitrate,
    '-g', '60', '-keyint_min', '60', '-sc_threshold', '0',
    '-c:a', 'aac', '-b:a', '96k', '-f', 'flv', `${rtmp}/bench`,
  ]);
  cleanups.push(() => publisher.stop());

  // A live window starts with its first viewer: ask once now, so it is full when measuring.
  const liveWarm = (async () => {
    for (let i = 0; i < 30; i++) {
      const res = await get(`${base}${streamName}/index.m3u8`, api).catch(() => null);
      if (res?.status === 200) return;
      await sleep(500);
    }
  })();

  const nginx: StaticServer[] = [];
  for (const workers of options.nginxWorkers ?? [1, 'auto']) {
    const dir = path.join(work, `nginx-${workers}`);
    await fs.mkdir(dir);
    const server = await startNginxStatic(dir, root, workers);
    cleanups.push(() => server.stop());
    nginx.push(server);
  }

  // 1. Record an archive of whole segments.
  out(`publishing ${streamName} (1280x720 testsrc2, libx264 veryfast, ${options.bitrate}bit/s CBR, keyframe every 2 s) into the studio; recording ${options.segments} DVR segments…`);
  const from = Math.floor(publishStart / 1000) - 2;
  let archive: ParsedPlaylist | null = null;
  const deadline = Date.now() + (options.segments * 2 + 25) * 1000;
  for (;;) {
    if (publisher.child.exitCode !== null) throw new Error(`ffmpeg stopped publishing: ${publisher.stderr().slice(-500)}`);
    const res = await get(`${base}${streamName}/index-${from}-${Math.ceil(Date.now() / 1000) - from}.m3u8`, api);
    if (res.status === 200) {
      archive = parsePlaylist(res.body.toString());
      if (archive.segments.length >= options.segments) break;
    }
    if (Date.now() > deadline) throw new Error(`only ${archive?.segments.length ?? 0} segments recorded in time (HTTP ${res.status}: ${res.body.toString().slice(0, 200)})`);
    await sleep(1000);
  }
  const playlistUrl = `${base}${streamName}/index.m3u8`;
  // The studio is asked for each URI as its playlist wrote it (query included, as a player
  // would); nginx serves the same bytes from a plain file.
  const resolve = (uri: string) => {
    const u = new URL(uri, playlistUrl);
    return { request: u.pathname + u.search, file: u.pathname };
  };
  const copy = async (request: string, file: string): Promise<number | null> => {
    const res = await get(`${base}${request.slice(1)}`, api);
    if (res.status !== 200) return null;
    await fs.writeFile(path.join(root, file), res.body);
    return res.body.length;
  };
  const archived = archive.segments.map(resolve);
  const segmentSizes: number[] = [];
  for (const segment of archived) {
    const n = await copy(segment.request, segment.file);
    if (n === null) throw new Error(`GET ${segment.request} failed`);
    segmentSizes.push(n);
  }
  out(`DVR archive: ${archived.length} segments of ${sizes(segmentSizes, 1e6, 'MB')}, copied byte for byte under the nginx root`);

  // 2. The live playlist, copied once for nginx.
  await liveWarm;
  const livePath = `/${streamName}/index.m3u8`;
  const liveNow = async () => {
    const res = await get(playlistUrl, api);
    if (res.status !== 200) throw new Error(`GET ${livePath}: HTTP ${res.status} ${res.body.toString().slice(0, 200)}`);
    return { text: res.body.toString(), parsed: parsePlaylist(res.body.toString()) };
  };
  const live = await liveNow();
  await fs.writeFile(path.join(root, livePath), live.text);
  const targets: ServeTarget[] = [
    { server: 'framehouse', workers: '1 (Node)', pid: studio.child.pid!, port },
    ...nginx.map((n) => ({ server: n.name, workers: String(n.workers), pid: n.pid, port: n.port })),
  ];
  return { studio, publisher, base, root, api, auth, nginx, targets, archived, segmentSizes, playlistUrl, livePath, live, liveNow, resolve, copy };
}

async function run(options: Options, work: string, cleanups: Cleanups): Promise<void> {
  const rig = await startServeRig(options, work, cleanups);
  const { base, api, auth, nginx, targets, archived, livePath, liveNow, resolve, copy, publisher } = rig;
  // 2. (cont.) The live playlist's newest segments and its parts, copied once for nginx.
  const { text, parsed: live } = rig.live;
  // The newest two complete live segments stay in the live window (6 segments) for the whole phase.
  const liveSegmentsOf = (p: ParsedPlaylist) => p.segments.slice(-2).map(resolve);
  // Likewise the parts of those two segments and of the open one (older listed parts may leave the window mid-phase).
  const livePartsOf = (p: ParsedPlaylist) => {
    const from = p.mediaSequence + p.segments.length - 2;
    return p.parts.filter((x) => x.msn >= from).map((x) => resolve(x.uri));
  };
  const archivedFiles = new Set(archived.map((a) => a.file));
  const liveSegments = liveSegmentsOf(live).filter((s) => !archivedFiles.has(s.file));
  const nginxLiveSegments: string[] = [];
  const liveSegmentSizes: number[] = [];
  for (const segment of liveSegments) {
    const n = await copy(segment.request, segment.file);
    if (n === null) continue;
    nginxLiveSegments.push(segment.file);
    liveSegmentSizes.push(n);
  }
  const nginxParts: string[] = [];
  const partSizes: number[] = [];
  for (const [i, part] of livePartsOf(live).entries()) {
    // Part URIs may carry a query; nginx gets plain file names with the same bytes.
    const file = `/${streamName}/nginx-part-${i}.m4s`;
    const n = await copy(part.request, file);
    if (n === null) continue;
    nginxParts.push(file);
    partSizes.push(n);
  }
  const hasParts = nginxParts.length > 0;
  out(
    `live playlist: ${text.length} bytes, ${live.segments.length} segments` +
      (nginxLiveSegments.length ? ` (its own: newest ${nginxLiveSegments.length} of ${sizes(liveSegmentSizes, 1e6, 'MB')} copied)` : ' (the archive\'s)') +
      (hasParts ? `, ${live.parts.length} parts (the newest ${nginxParts.length} of ${sizes(partSizes, 1024, 'KB')} copied), blocking reload ${live.canBlockReload ? 'offered' : 'NOT offered'}` : '; parts: not offered by the studio yet'),
  );

  const stats = () => playbackStats(rig);
  const statsAnswer = await get(`${base}api/playback/stats`, api, auth).catch((err: unknown) => ({ status: 0, body: Buffer.from((err as Error).message) }));
  const statsNote = statsAnswer.status === 200 ? '' : `GET /api/playback/stats: HTTP ${statsAnswer.status}, server-side figures skipped`;

  const resetStats = () => resetPlaybackStats(rig);

  // 3. Blocking playlist reload, idle.
  await resetStats();
  let blocking: BlockingProbe | null = null;
  if (hasParts && live.canBlockReload) blocking = await probeBlockingReload(base, 6);
  const blockingStats = (await stats())?.blockingReload;

  // 4. Load phases: the same requests against the studio and each nginx, in alternating
  // order over a few rounds; the best round of each server counts (other work on the
  // machine only ever makes a round worse).
  const cores = os.availableParallelism();
  const phases: Phase[] = [];
  const kinds: { kind: Phase['kind']; studio: () => Promise<string[]>; nginx: string[] }[] = [
    { kind: 'dvr segments', studio: async () => archived.map((a) => a.request), nginx: archived.map((a) => a.file) },
    ...(nginxLiveSegments.length ? [{ kind: 'live segments' as const, studio: async () => liveSegmentsOf((await liveNow()).parsed).map((x) => x.request), nginx: nginxLiveSegments }] : []),
    ...(hasParts ? [{ kind: 'parts' as const, studio: async () => livePartsOf((await liveNow()).parsed).map((x) => x.request), nginx: nginxParts }] : []),
    { kind: 'playlists', studio: async () => [livePath], nginx: [livePath] },
  ];
  const measure = (kind: Phase['kind'], target: ServeTarget, paths: string[], probe: boolean) => measureLoad(rig, kind, target, paths, { ...options, probe });
  const line = (p: Phase, tries: Phase[]) => {
    const { load } = p;
    const failed = load.requests - load.ok + load.errors;
    const metric = p.kind.endsWith('segments') ? 'mbps' : 'rps';
    const rounds = tries.length > 1 ? `  (rounds: ${tries.map((t) => t.load[metric].toFixed(0)).join(' / ')} ${metric === 'mbps' ? 'MB/s' : 'req/s'})` : '';
    const lag = p.lag ? `  loop lag p99 ${p.lag.p99Ms.toFixed(1)} ms${tries.length > 1 ? ` (rounds: ${tries.map((t) => t.lag?.p99Ms.toFixed(1) ?? '?').join(' / ')})` : ''}` : '';
    const failures = failed
      ? `  FAILED ${failed} (${Object.entries(load.statuses).filter(([s]) => !s.startsWith('2')).map(([s, n]) => `${n}×${s}`).join(', ')}${load.errors ? ` ${load.errors} socket errors` : ''}; ${Object.entries(load.failedPaths).slice(0, 3).map(([q, n]) => `${q} ${n}×`).join(', ')})`
      : '';
    return `${p.kind.padEnd(13)} ${p.server.padEnd(10)} workers ${p.workers.padEnd(8)} ${load.rps.toFixed(0).padStart(7)} req/s ${load.mbps.toFixed(1).padStart(8)} MB/s  p50 ${load.p50Ms.toFixed(2).padStart(7)} ms  p99 ${load.p99Ms.toFixed(2).padStart(7)} ms  ${(load.bytes / Math.max(1, load.requests) / 1024).toFixed(0).padStart(5)} KB/resp  cpu: server ${(p.serverCpu * 100).toFixed(0).padStart(3)}% (${cpuPerRequestUs(p).toFixed(0)} µs a request)  client ${(load.clientCpu * 100).toFixed(0).padStart(3)}%  irq ${(p.irqCpu * 100).toFixed(0).padStart(3)}%  others ${(p.othersCpu * 100).toFixed(0).padStart(3)}%${failures}${lag}${rounds}`;
  };
  let underLoad: BlockingProbe | null = null;
  const worstLag = new Map<Phase['kind'], NonNullable<Phase['lag']>>();
  for (const { kind, studio: studioPaths, nginx: nginxPaths } of kinds) {
    const tries = new Map<string, Phase[]>();
    for (let round = 0; round < options.rounds; round++) {
      for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
        const ours = target.server === 'framehouse';
        // Live URIs move on: the studio is asked for what its playlist lists now.
        const paths = ours ? await studioPaths() : nginxPaths;
        const phase = await measure(kind, target, paths, ours && kind === 'parts' && blocking !== null && round === 0);
        if (phase.probe) underLoad = phase.probe;
        tries.set(target.server, [...(tries.get(target.server) ?? []), phase]);
      }
    }
    for (const target of targets) {
      const all = tries.get(target.server)!;
      const metric = kind.endsWith('segments') ? 'mbps' : 'rps';
      const best = all.reduce((a, b) => (b.load[metric] > a.load[metric] ? b : a));
      phases.push(best);
      for (const t of all) if (t.lag && t.lag.p99Ms > (worstLag.get(kind)?.p99Ms ?? -1)) worstLag.set(kind, t.lag);
      out(line(best, all));
    }
  }

  // 5. Ingest kept up while serving?
  const streams = await get(`${base}api/streams`, api, auth);
  const ours = (JSON.parse(streams.body.toString()) as { name: string; state: string; errors: { droppedFrames: number } }[]).find((s) => s.name === streamName);

  // 6. Summary.
  out('');
  out(`machine: ${cores} cores; ${options.connections} keep-alive clients from one separate load process; each server ${options.rounds} rounds (alternating order) of ${options.warmup} s warm-up + ${options.seconds} s measured per phase, best round shown`);
  out(`framehouse: one Node process (single-threaded JS; file reads on libuv's pool); nginx: sendfile on, worker_processes ${nginx.map((n) => `${n.workers}${n === nginx[1] ? ' (auto)' : ''}`).join(' and ')}`);
  out('cpu columns: % of one core over the measured window (200% = the whole machine); "irq": kernel interrupt time, mostly moving the loopback traffic; "others": other processes (not the server, the load generator, the ffmpeg publisher, or the studio ingesting while nginx serves)');
  const pick = (kind: Phase['kind'], server: string) => phases.find((p) => p.kind === kind && p.server === server);
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const ratios = (kind: Phase['kind'], metric: 'mbps' | 'rps') => {
    const ours = pick(kind, 'framehouse');
    if (!ours) return null;
    return nginx.map((n) => {
      const theirs = pick(kind, n.name)!;
      return { workers: n.workers, ratio: ours.load[metric] / theirs.load[metric] };
    });
  };
  const ratioText = (r: { workers: number; ratio: number }[]) => r.map((x) => `${x.ratio.toFixed(2)}x nginx(${x.workers} worker${x.workers === 1 ? '' : 's'})`).join(', ');
  // Goals against nginx with every core (the last row): issue 19's, which the studio's single JS core does not all meet yet.
  const best = (r: { ratio: number }[]) => r.at(-1)!.ratio;
  const seg = ratios('dvr segments', 'mbps')!;
  out(`DVR segments   MB/s   framehouse/nginx: ${ratioText(seg)}   goal >= 0.8x nginx(auto): ${verdict(best(seg) >= 0.8)}`);
  const liveSeg = ratios('live segments', 'mbps');
  if (liveSeg) out(`live segments  MB/s   framehouse/nginx: ${ratioText(liveSeg)}   goal >= 0.5x: ${verdict(liveSeg[0]!.ratio >= 0.5)}`);
  const parts = ratios('parts', 'rps');
  if (parts) out(`LL-HLS parts   req/s  framehouse/nginx: ${ratioText(parts)}   goal >= 0.3x: ${verdict(parts[0]!.ratio >= 0.3)}`);
  else out('LL-HLS parts   req/s  parts: not offered by the studio yet (no EXT-X-PART in the live playlist)');
  const pl = ratios('playlists', 'rps')!;
  out(`playlists      req/s  framehouse/nginx: ${ratioText(pl)}   goal >= 0.5x nginx(auto), a static copy there: ${verdict(best(pl) >= 0.5)}`);
  // What the server spent, which a rate alone hides when the load generator is the limit (both move with where the scheduler puts four busy processes).
  out(`playlists      server CPU per request: ${targets.map((t) => `${t.server} ${cpuPerRequestUs(pick('playlists', t.server)!).toFixed(0)} µs`).join(', ')}`);

  const outside = (b: BlockingProbe | null, label: string) => {
    if (!b) return;
    const late = b.afterSeen.map((v) => Math.max(0, v));
    const first = b.afterSeen.filter((v) => v <= 0).length;
    out(
      `blocking reload (${label}, from outside): ${b.samples} reloads, each waited p50 ${b.waitP50.toFixed(0)} ms; answered no later than a back-to-back poll of the plain playlist showed the part in ${first}/${b.afterSeen.length}, lateness p50 ${percentile(late, 50).toFixed(1)} ms, p99 ${percentile(late, 99).toFixed(1)} ms, max ${Math.max(...late, 0).toFixed(1)} ms${b.failures.length ? `; problems: ${b.failures.join('; ')}` : ''}`,
    );
  };
  if (!hasParts) out('blocking reload: not measured (no parts offered)');
  else if (!live.canBlockReload) out('blocking reload: not measured (no CAN-BLOCK-RELOAD=YES in EXT-X-SERVER-CONTROL)');
  outside(blocking, 'idle');
  outside(underLoad, `during the parts load`);
  if (blockingStats) {
    out(`blocking reload (server side): ${blockingStats.count} answered, p50 ${blockingStats.p50Ms.toFixed(1)} ms, p99 ${blockingStats.p99Ms.toFixed(1)} ms, max ${blockingStats.maxMs.toFixed(1)} ms after the part existed   goal p99 <= 10 ms: ${verdict(blockingStats.p99Ms <= 10)}`);
  } else if (blocking && blocking.afterSeen.length > 0) {
    const p99 = percentile(blocking.afterSeen.map((v) => Math.max(0, v)), 99);
    out(`blocking reload goal <= 10 ms (outside figure, idle, resolution ~1–2 ms): ${verdict(p99 <= 10)}`);
  }
  if (worstLag.size > 0) {
    const worst = Math.max(...[...worstLag.values()].map((l) => l.p99Ms));
    const each = [...worstLag].map(([kind, l]) => `${kind} ${l.p99Ms.toFixed(1)}`).join(', ');
    out(`event-loop lag p99 (server side, worst round of each studio phase): ${each} ms; max ${Math.max(...[...worstLag.values()].map((l) => l.maxMs)).toFixed(1)} ms   goal p99 < 50 ms: ${verdict(worst < 50)}`);
  }
  if (statsNote) out(statsNote);
  const busiest = Math.max(...phases.map((p) => p.othersCpu));
  if (busiest > 0.2) out(`WARNING: other processes used up to ${(busiest * 100).toFixed(0)}% of a core during a phase (of ${cores} cores): the figures are disturbed; re-run on a quiet machine`);
  out(`ingest while serving: ${ours ? `${ours.state}, ${ours.errors.droppedFrames} dropped frames` : 'stream gone!'}${publisher.child.exitCode !== null ? `; ffmpeg exited: ${publisher.stderr().slice(-300)}` : ''}`);
}
