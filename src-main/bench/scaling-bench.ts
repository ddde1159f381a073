// `npm run bench -- scaling`: CPU and memory against load, as curves rather than one
// figure. Ingest: N real-time RTMP publishers into the studio, node-media-server and
// nginx-rtmp (the ingest bench's points, one per N); serving: N keep-alive HTTP clients on
// the live playlist and DVR segments of the studio and of nginx serving identical copies
// (the serve bench's rig). Writes ingest-scaling.svg, serve-scaling.svg and scaling.md
// under --out (docs/bench by default).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appRoot } from '../version.js';
import { chosenIngestServers, ingestRecording, measureIngestPoint, ServerStartError, type IngestPoint } from './ingest-bench.js';
import { measureLoad, startServeRig, type Phase, type ServeTarget } from './serve-bench.js';
import { chartsSvg, type LineChart, type PlotSeries } from './svg-plot.js';
import { withBenchWorkspace } from './workspace.js';

type Curve = 'ingest' | 'serve';

interface Options {
  curves: Curve[];
  streams: number[];
  seconds: number;
  servers: string[] | null;
  clients: number[];
  serveSeconds: number;
  warmup: number;
  nginxWorkers: (number | 'auto')[];
  segments: number;
  bitrate: string;
  out: string;
}

const list = (text: string) => text.split(',').map((v) => v.trim()).filter(Boolean);

function parseOptions(argv: string[]): Options {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const numbers = (flag: string, fallback: string) => {
    const values = list(get(flag) ?? fallback).map(Number);
    if (values.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`${flag}: positive whole numbers separated by commas (got "${get(flag)}")`);
    return values;
  };
  const curves = list(get('--curves') ?? 'ingest,serve');
  for (const c of curves) if (c !== 'ingest' && c !== 'serve') throw new Error(`--curves: ingest and/or serve (got "${c}")`);
  const out = get('--out');
  return {
    curves: curves as Curve[],
    streams: numbers('--streams', '10,50,100,200,350,500'),
    seconds: Number(get('--seconds') ?? 20),
    servers: get('--servers') ? list(get('--servers')!) : null,
    clients: numbers('--clients', '10,50,100,250,500,1000'),
    serveSeconds: Number(get('--serve-seconds') ?? 5),
    warmup: Number(get('--warmup') ?? 2),
    nginxWorkers: list(get('--nginx-workers') ?? '1,auto').map((w) => (w === 'auto' ? 'auto' : Number(w))),
    segments: Number(get('--segments') ?? 10),
    bitrate: get('--bitrate') ?? '6M',
    // Relative to where the command runs; the default lands in the repository whatever the cwd.
    out: out ? path.resolve(out) : path.join(appRoot, 'docs', 'bench'),
  };
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Machine {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  openFiles: string;
  date: string;
}

function machine(): Machine {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const limits = fs.readFileSync('/proc/self/limits', 'utf8');
  return {
    cores: os.availableParallelism(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: os.totalmem() / 2 ** 30,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    openFiles: /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits)?.slice(1, 3).join(' / ') ?? 'unknown',
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

// ---- ingest ----

interface IngestSeries {
  server: string;
  points: IngestPoint[];
  /** Why the ladder stopped early, if it did for another reason than a point not held. */
  note: string;
}

async function ingestCurve(options: Options): Promise<IngestSeries[]> {
  const series: IngestSeries[] = [];
  await withBenchWorkspace('scaling-ingest', async (work, cleanups) => {
    const recording = await ingestRecording();
    out(`ingest: ${((recording.bytesPerSecond * 8) / 1e6).toFixed(2)} Mbit/s per publisher, ${options.seconds} s per point, ladder ${options.streams.join(', ')}`);
    for (const server of chosenIngestServers(options.servers)) {
      const s: IngestSeries = { server: server.label, points: [], note: '' };
      series.push(s);
      for (const n of options.streams) {
        let p: IngestPoint;
        try {
          p = await measureIngestPoint(server, n, { seconds: options.seconds, recording, work, cleanups });
        } catch (err) {
          if (!(err instanceof ServerStartError)) throw err;
          s.note = `could not start at ${n} streams: ${err.message}`;
          out(`${server.label.padEnd(18)} N=${String(n).padStart(4)}  ${s.note}`);
          break;
        }
        s.points.push(p);
        out(
          `${p.server.padEnd(18)} N=${String(n).padStart(4)}  server ${p.cores.toFixed(2)} cores = ${p.cpuPerStreamMinute.toFixed(3)} cpu-s/stream-min  peak RSS ${p.peakRssMB.toFixed(0).padStart(5)} MB` +
            `  publisher ${p.publisherCores.toFixed(2)} cores  machine ${p.machineCores.toFixed(2)}/${os.availableParallelism()} cores  late ${p.load.lateTags}  max lag ${Math.round(p.load.maxLagMs)} ms` +
            `${p.framesIn !== null ? `  frames in ${p.framesIn}/${p.expectedFrames}, the last ${Math.round(p.catchUpMs ?? 0)} ms after the publishers stopped` : ''}  ${p.held ? 'held' : `NOT held${p.load.failures.length ? ` (${p.load.failures.slice(0, 2).join('; ')})` : ''}: ladder stops`}`,
        );
        if (!p.held) break;
      }
    }
  });
  return series;
}

function ingestCharts(series: IngestSeries[]): LineChart[] {
  const flagLabel = 'not held (late tags, failed or dropped publishes)';
  const per = (pick: (p: IngestPoint) => number): PlotSeries[] => series.map((s) => ({ name: s.server, points: s.points.map((p) => ({ x: p.streams, y: pick(p), flagged: !p.held })) }));
  // The publishers share the machine with the server under test: their CPU belongs on the same chart.
  const loads = new Map<number, number[]>();
  for (const p of series.flatMap((s) => s.points)) loads.set(p.streams, [...(loads.get(p.streams) ?? []), p.publisherCores]);
  const publisher: PlotSeries = { name: 'RTMP publishers (bench process, mean of runs)', dashed: true, points: [...loads].map(([x, v]) => ({ x, y: v.reduce((a, b) => a + b, 0) / v.length })) };
  return [
    { title: 'RTMP ingest: CPU against publishers (2 Mbit/s each, real time)', xLabel: 'publishers (streams)', yLabel: 'CPU cores used', series: [...per((p) => p.cores), publisher], flagLabel },
    { title: 'RTMP ingest: memory against publishers', xLabel: 'publishers (streams)', yLabel: 'peak RSS (MB)', series: per((p) => p.peakRssMB), flagLabel },
  ];
}

// ---- serving ----

interface ServePoint {
  clients: number;
  phase: Phase;
  /** Every response 2xx, no socket errors. */
  ok: boolean;
}

interface ServeSeries {
  server: string;
  points: ServePoint[];
}

interface ServeResult {
  series: ServeSeries[];
  mix: string;
  ingest: string;
}

async function serveCurve(options: Options): Promise<ServeResult> {
  const result: ServeResult = { series: [], mix: '', ingest: '' };
  await withBenchWorkspace('scaling-serve', async (work, cleanups) => {
    const most = Math.max(...options.clients);
    // The whole load comes from 127.0.0.1: the studio's per-address limit (a defence for
    // the LAN) would refuse it by configuration before the server is measured.
    const studioArgs = ['--http-max-connections-per-address', String(most + 64), '--http-max-connections', String(Math.max(4000, most + 64))];
    const rig = await startServeRig({ segments: options.segments, bitrate: options.bitrate, studioArgs, nginxWorkers: options.nginxWorkers }, work, cleanups);
    // A player's mix: the live playlist, then a segment, again and again. DVR segments stay
    // put for the whole run, so the studio and nginx serve the same bytes at every point.
    const studioPaths = rig.archived.flatMap((a) => [rig.livePath, a.request]);
    const nginxPaths = rig.archived.flatMap((a) => [rig.livePath, a.file]);
    const mean = rig.segmentSizes.reduce((a, b) => a + b, 0) / rig.segmentSizes.length;
    result.mix = `each client alternates the live playlist (${rig.live.text.length} bytes, built per request by the studio, a static copy for nginx) and one of ${rig.archived.length} DVR segments (mean ${(mean / 1e6).toFixed(2)} MB), one request in flight per connection, no think time`;
    out(`serve: ${result.mix}; ${options.warmup} s warm-up + ${options.serveSeconds} s measured per point; ladder ${options.clients.join(', ')}`);
    const byServer = new Map<string, ServeSeries>(rig.targets.map((t) => [t.server, { server: t.server, points: [] }]));
    for (const [i, clients] of options.clients.entries()) {
      // Alternate who goes first: the studio's own ingest and the page cache drift over a run.
      const order: ServeTarget[] = i % 2 === 0 ? rig.targets : [...rig.targets].reverse();
      for (const target of order) {
        const ours = target.server === 'framehouse';
        const phase = await measureLoad(rig, 'playlist + segments', target, ours ? studioPaths : nginxPaths, { connections: clients, seconds: options.serveSeconds, warmup: options.warmup });
        const failed = phase.load.requests - phase.load.ok + phase.load.errors;
        const ok = failed === 0 && phase.load.requests > 0;
        byServer.get(target.server)!.points.push({ clients, phase, ok });
        out(
          `${target.server.padEnd(10)} clients ${String(clients).padStart(5)}  ${phase.load.rps.toFixed(0).padStart(7)} req/s ${phase.load.mbps.toFixed(0).padStart(6)} MB/s  p99 ${phase.load.p99Ms.toFixed(1).padStart(7)} ms` +
            `  server ${phase.serverCpu.toFixed(2)} cores  peak RSS ${phase.serverRssMB.toFixed(0).padStart(5)} MB  load gen ${phase.load.clientCpu.toFixed(2)}  publisher ${phase.publisherCpu.toFixed(2)}  irq ${phase.irqCpu.toFixed(2)} cores` +
            `${ok ? '' : `  FAILED ${failed} (${Object.entries(phase.load.statuses).filter(([st]) => !st.startsWith('2')).map(([st, n]) => `${n}×${st}`).join(', ')}${phase.load.errors ? ` ${phase.load.errors} socket errors` : ''})`}`,
        );
        await sleep(500);
      }
    }
    result.series = [...byServer.values()];
    const streams = (await (await fetch(`${rig.base}api/streams`, { headers: rig.auth })).json()) as { name: string; state: string; errors: { droppedFrames: number } }[];
    const ours = streams.find((s) => s.name === 'live/bench');
    result.ingest = ours ? `${ours.state}, ${ours.errors.droppedFrames} dropped frames` : 'stream gone';
    out(`studio ingest while serving: ${result.ingest}`);
  });
  return result;
}

function serveCharts(series: ServeSeries[]): LineChart[] {
  const flagLabel = 'requests failed';
  const per = (pick: (p: Phase) => number): PlotSeries[] => series.map((s) => ({ name: s.server, points: s.points.map((p) => ({ x: p.clients, y: pick(p.phase), flagged: !p.ok })) }));
  const xLabel = 'keep-alive clients';
  return [
    { title: 'Serving: requests per second against clients (playlist + DVR segment mix)', xLabel, yLabel: 'requests/s', series: per((p) => p.load.rps), flagLabel },
    { title: 'Serving: throughput against clients', xLabel, yLabel: 'MB/s', series: per((p) => p.load.mbps), flagLabel },
    { title: 'Serving: server CPU against clients', xLabel, yLabel: 'CPU cores used', series: per((p) => p.serverCpu), flagLabel },
    { title: 'Serving: server memory against clients', xLabel, yLabel: 'peak RSS (MB)', series: per((p) => p.serverRssMB), flagLabel },
  ];
}

// ---- marginal cost ----

interface Step {
  server: string;
  from: number;
  to: number;
  /** Added cost per added unit of load (a stream or a client) between the two points. */
  cores: number;
  rssMB: number;
  rps?: number;
  /** The upper point was not held / had failures. */
  bad: boolean;
}

function steps<P>(server: string, points: P[], x: (p: P) => number, cores: (p: P) => number, rss: (p: P) => number, bad: (p: P) => boolean, rps?: (p: P) => number): Step[] {
  const out: Step[] = [];
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1]!, points[i]!];
    const dx = x(b) - x(a);
    out.push({ server, from: x(a), to: x(b), cores: (cores(b) - cores(a)) / dx, rssMB: (rss(b) - rss(a)) / dx, ...(rps ? { rps: (rps(b) - rps(a)) / dx } : {}), bad: bad(b) });
  }
  return out;
}

const ingestSteps = (series: IngestSeries[]) => series.flatMap((s) => steps(s.server, s.points, (p) => p.streams, (p) => p.cores, (p) => p.peakRssMB, (p) => !p.held));
const serveSteps = (series: ServeSeries[]) => series.flatMap((s) => steps(s.server, s.points, (p) => p.clients, (p) => p.phase.serverCpu, (p) => p.phase.serverRssMB, (p) => !p.ok, (p) => p.phase.load.rps));

// ---- report ----

const f = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
/** A table head: the columns named in `text` left-aligned, figures right-aligned. */
const header = (cells: string[], text = ['server', 'status']) => [row(cells), row(cells.map((c) => (text.includes(c) ? '---' : '---:')))].join('\n');

function ingestSection(series: IngestSeries[], options: Options, m: Machine): string {
  const lines = [
    '## Ingest: RTMP publishers',
    '',
    '![CPU cores and peak RSS against RTMP publishers](ingest-scaling.svg)',
    '',
    `Each publisher replays a recorded 2 Mbit/s H.264 + AAC stream (1280×720, 30 fps) in real time for ${options.seconds} s; all publishers run in one Node process, the bench itself, on the same ${m.cores} cores as the server. Each point starts a fresh server in an empty folder. framehouse records every stream into its DVR, nginx-rtmp records with \`record all\`, node-media-server only relays.`,
    '',
    'A point is **held** when every publish started, no publisher ever had more than one second of media waiting in its socket (late tags), none was disconnected, and (framehouse) every frame sent was taken in. The first point not held is marked ✗ and ends that server\'s ladder.',
    '',
    'Columns: *server cores* — CPU-seconds of the server (nginx: master and workers) over the point ÷ the publishing seconds; *CPU-s per stream-min* — the same per stream and per minute; *peak RSS* — resident memory sampled each second, nginx\'s processes summed; *publisher cores* — the bench process that publishes; *machine cores* — every process and interrupt on the machine (of ' + m.cores + ').',
    '',
    header(['server', 'streams', 'status', 'server cores', 'CPU-s per stream-min', 'peak RSS MB', 'publisher cores', 'machine cores', 'late tags', 'max lag ms', 'frames in / sent']),
  ];
  for (const s of series) {
    for (const p of s.points) {
      lines.push(
        row([
          s.server, p.streams, p.held ? 'held' : `✗ not held${p.load.publishedOk < p.streams ? ` (${p.load.publishedOk}/${p.streams} published)` : ''}`,
          f(p.cores, 2), f(p.cpuPerStreamMinute, 3), f(p.peakRssMB, 0), f(p.publisherCores, 2), f(p.machineCores, 2), p.load.lateTags, Math.round(p.load.maxLagMs), p.framesIn === null ? '–' : `${p.framesIn} / ${p.expectedFrames}`,
        ]),
      );
    }
    if (s.note) lines.push(row([s.server, '–', s.note, '', '', '', '', '', '', '', '']));
  }
  lines.push('', header(['server', 'streams held', 'CPU-s per stream-min there', 'peak RSS MB there']));
  for (const s of series) {
    const best = s.points.filter((p) => p.held).at(-1);
    const beyond = s.points.some((p) => !p.held) ? '' : ` (top of the ladder; no limit found)`;
    lines.push(row([s.server, best ? `${best.streams}${beyond}` : '0', best ? f(best.cpuPerStreamMinute, 3) : '–', best ? f(best.peakRssMB, 0) : '–']));
  }
  return lines.join('\n');
}

function serveSection(result: ServeResult, options: Options): string {
  const lines = [
    '## Serving: HTTP clients',
    '',
    '![requests/s, MB/s, CPU cores and peak RSS against keep-alive clients](serve-scaling.svg)',
    '',
    `The studio records a live ${options.bitrate}bit/s 720p30 publish from ffmpeg (2 s DVR segments) during the whole run; nginx (Debian's package, sendfile, no access log) serves byte-identical copies beside it. Load: ${result.mix}. The load generator is a separate Node process on raw sockets. Each point: ${options.warmup} s warm-up, then ${options.serveSeconds} s measured.`,
    '',
    'Columns: *server cores* — CPU of the server (nginx: master and workers) over the measured window, the studio\'s including its recording of the live publish; *CPU µs/req* — that per request; *peak RSS* — sampled each second; *load gen*, *publisher* (ffmpeg encoding the live stream) and *irq* (kernel interrupt time, mostly loopback TCP) — the rest of the machine\'s work, in cores. A point with any non-2xx answer or socket error is marked ✗.',
    '',
    header(['server', 'clients', 'status', 'req/s', 'MB/s', 'p50 ms', 'p99 ms', 'server cores', 'CPU µs/req', 'peak RSS MB', 'load gen cores', 'publisher cores', 'irq cores']),
  ];
  for (const s of result.series) {
    for (const p of s.points) {
      const { load } = p.phase;
      const failed = load.requests - load.ok + load.errors;
      lines.push(
        row([
          s.server, p.clients, p.ok ? 'ok' : `✗ ${failed} failed`, f(load.rps, 0), f(load.mbps, 0), f(load.p50Ms, 2), f(load.p99Ms, 1),
          f(p.phase.serverCpu, 2), f((p.phase.serverCpu / load.rps) * 1e6, 0), f(p.phase.serverRssMB, 0), f(load.clientCpu, 2), f(p.phase.publisherCpu, 2), f(p.phase.irqCpu, 2),
        ]),
      );
    }
  }
  lines.push('', `Studio ingest after the run: ${result.ingest}.`);
  return lines.join('\n');
}

function readingSection(ingest: IngestSeries[] | null, serve: ServeResult | null): string {
  const lines = [
    '## Reading the curves',
    '',
    'What the curves of this run say is written up by hand in the README (section *Performance*): a run writes the figures, a person reads them.',
    '',
    'Marginal cost between neighbouring points: what one more stream or client added, from the figures above (the upper point of a row marked ✗ was not held / had failures).',
  ];
  if (ingest) {
    lines.push('', header(['server', 'streams', 'CPU millicores per added stream', 'RSS MB per added stream']));
    for (const s of ingestSteps(ingest)) lines.push(row([s.server, `${s.from} → ${s.to}${s.bad ? ' ✗' : ''}`, f(s.cores * 1000, 1), f(s.rssMB, 2)]));
  }
  if (serve) {
    lines.push('', header(['server', 'clients', 'req/s per added client', 'CPU millicores per added client', 'RSS MB per added client']));
    for (const s of serveSteps(serve.series)) lines.push(row([s.server, `${s.from} → ${s.to}${s.bad ? ' ✗' : ''}`, f(s.rps ?? Number.NaN, 1), f(s.cores * 1000, 2), f(s.rssMB, 3)]));
  }
  return lines.join('\n');
}

function printSteps(title: string, unit: string, all: Step[]): void {
  out(`\n${title}: marginal cost per added ${unit}`);
  for (const s of all) {
    out(`${s.server.padEnd(18)} ${`${s.from} → ${s.to}`.padEnd(12)}${s.rps !== undefined ? `${f(s.rps, 1).padStart(8)} req/s  ` : ''}${f(s.cores * 1000, 2).padStart(8)} millicores  ${f(s.rssMB, 3).padStart(8)} MB RSS${s.bad ? '  (upper point ✗)' : ''}`);
  }
}

export async function benchScaling(argv: string[] = []): Promise<void> {
  const options = parseOptions(argv);
  const started = performance.now();
  const m = machine();
  const command = `npm run bench -- scaling${argv.length ? ` ${argv.join(' ')}` : ''}`;
  out(`machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB.toFixed(0)} GiB, ${m.kernel}, Node ${m.node}; open files (soft / hard) ${m.openFiles}`);
  const ingestPoints = options.curves.includes('ingest') ? chosenIngestServers(options.servers).length * options.streams.length : 0;
  const servePoints = options.curves.includes('serve') ? (1 + options.nginxWorkers.length) * options.clients.length : 0;
  // Start-up, connecting and stopping cost a few seconds per point beyond the measured time; the serve rig records its archive first.
  const estimate = ingestPoints * (options.seconds + 6) + (servePoints ? options.segments * 2 + 15 + servePoints * (options.warmup + options.serveSeconds + 2) : 0);
  out(`${ingestPoints} ingest points, ${servePoints} serve points: about ${Math.ceil(estimate / 60)} min at most (a ladder stops early at a point not held); writing to ${options.out}`);
  const most = options.curves.includes('serve') ? Math.max(...options.clients) : 0;
  const softFiles = Number(m.openFiles.split(' ')[0]);
  // Node raised this process's soft limit to the hard one at start, and nginx and the load generator inherit it.
  if (softFiles < most + 256) out(`WARNING: ${softFiles} open files allowed: too few for ${most} clients plus the servers' files; raise the hard limit (ulimit -Hn)`);
  fs.mkdirSync(options.out, { recursive: true });

  const ingest = options.curves.includes('ingest') ? await ingestCurve(options) : null;
  if (ingest) {
    fs.writeFileSync(path.join(options.out, 'ingest-scaling.svg'), chartsSvg(ingestCharts(ingest), { title: 'Framehouse ingest scaling: CPU and memory against RTMP publishers' }));
    printSteps('ingest', 'stream', ingestSteps(ingest));
  }
  const serve = options.curves.includes('serve') ? await serveCurve(options) : null;
  if (serve) {
    fs.writeFileSync(path.join(options.out, 'serve-scaling.svg'), chartsSvg(serveCharts(serve.series), { title: 'Framehouse serving scaling: requests, throughput, CPU and memory against HTTP clients' }));
    printSteps('serve', 'client', serveSteps(serve.series));
  }

  const md = [
    '# Scaling curves',
    '',
    `CPU and memory against load, measured by \`${command}\` (\`src-main/bench/scaling-bench.ts\`); this file and the SVG figures beside it are written by that run.`,
    '',
    `- machine: ${m.cores} cores (\`nproc\`), ${m.cpuModel}, ${m.memoryGiB.toFixed(0)} GiB memory, ${m.kernel}, Node ${m.node}`,
    `- date: ${m.date}`,
    '- traffic: loopback (127.0.0.1) only; the load generators run on the same machine as the servers',
    '',
    ...(ingest ? [ingestSection(ingest, options, m), ''] : []),
    ...(serve ? [serveSection(serve, options), ''] : []),
    readingSection(ingest, serve),
    '',
    '## Reproducing',
    '',
    '```sh',
    command,
    '```',
    '',
    'Flags: `--curves ingest,serve`, `--streams`, `--seconds` (per ingest point), `--servers framehouse,nms,nginx`, `--clients`, `--serve-seconds`, `--warmup`, `--nginx-workers 1,auto`, `--segments`, `--bitrate`, `--out DIR`.',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(options.out, 'scaling.md'), md);
  out(`\ndone in ${((performance.now() - started) / 60_000).toFixed(1)} min; wrote ${[ingest ? 'ingest-scaling.svg' : '', serve ? 'serve-scaling.svg' : '', 'scaling.md'].filter(Boolean).map((n) => path.join(options.out, n)).join(', ')}`);
}
