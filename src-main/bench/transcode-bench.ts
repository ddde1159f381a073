// `npm run bench -- transcode [--seconds 30]`: a 1080p30 source to a 720p/480p/360p
// libx264 ladder, three ways in one run, on the same bytes:
//   engine    the studio's TranscodeJob: the source streamed into ffmpeg's stdin, the
//             renditions read back from its output pipes (what a live ladder does);
//   ffmpeg    the same filter graph as a plain command line reading the file;
//   split     one ffmpeg process per rendition, each decoding the source itself.
// Each prints speed (× real time, unpaced: how much faster than real time it could go)
// and CPU seconds per minute of source (ffmpeg's, plus the studio's own for the engine).
// Then ladders of 1–5 renditions run through the engine, to find the largest that
// holds real time on this machine.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { TranscodeCapacity } from '../transcode/capacity.js';
import { ladderArgs } from '../transcode/ladder-command.js';
import { ProcessRegistry } from '../transcode/process-registry.js';
import { planRenditions, type RenditionPlan } from '../transcode/rendition-plan.js';
import { TranscodeJob } from '../transcode/transcode-job.js';
import { cpuSeconds } from './process-cpu.js';

const ffmpegPath = process.env.FFMPEG_PATH ?? 'ffmpeg';
const log = pino({ level: 'silent' });

interface Figures {
  wallS: number;
  cpuS: number;
  /** Of cpuS, what the studio's own process spent (streaming in, reading out). */
  ownCpuS?: number;
}

/** The run with the median wall time of several (the machine's noise is larger than the effect measured). */
function median(runs: Figures[]): Figures {
  return [...runs].sort((a, b) => a.wallS - b.wallS)[Math.floor(runs.length / 2)]!;
}

/** Polls a process's CPU time until it ends: the last reading is within 100 ms of its end. */
function watchCpu(pid: number | undefined): { stop(): number } {
  let last = 0;
  const timer = setInterval(() => {
    if (pid !== undefined) last = Math.max(last, cpuSeconds(pid, { children: false }));
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return last;
    },
  };
}

async function runPlain(args: string[]): Promise<Figures> {
  const started = performance.now();
  const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const cpu = watchCpu(child.pid);
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`ffmpeg failed: ${err.slice(-500)}`);
  return { wallS: (performance.now() - started) / 1000, cpuS: cpu.stop() };
}

async function runEngine(source: string, renditions: RenditionPlan[]): Promise<Figures> {
  const processes = new ProcessRegistry(log);
  const capacity = new TranscodeCapacity({ cores: os.cpus().length, softwareMppsPerCore: 1e6, softwareShare: 1, hardwareSessions: {} });
  let cpu: { stop(): number } | null = null;
  const ownCpuBefore = process.cpuUsage();
  const started = performance.now();
  const job = new TranscodeJob(
    {
      label: 'bench ladder',
      ffmpegPath,
      encoders: ['libx264'],
      args: (encoder) => ladderArgs({ input: 'pipe:0', renditions, encoder, gpuDecode: false }),
      outputs: renditions.length,
      cost: 0,
      openInput: () => {
        const stream = fs.createReadStream(source, { highWaterMark: 256 * 1024 });
        return { stream, close: () => stream.destroy() };
      },
      onAttemptStart: (_attempt, pid) => (cpu = watchCpu(pid)),
      onOutput: () => undefined,
    },
    { processes, capacity, log },
  );
  await new Promise<void>((resolve, reject) => {
    job.once('finished', resolve);
    job.once('failed', (reason) => reject(new Error(reason)));
    job.start();
  });
  const wallS = (performance.now() - started) / 1000;
  const own = process.cpuUsage(ownCpuBefore);
  const ownCpuS = (own.user + own.system) / 1e6;
  return { wallS, cpuS: (cpu as { stop(): number } | null)!.stop() + ownCpuS, ownCpuS };
}

function graph(renditions: RenditionPlan[]): string[] {
  // The engine's own command, reading the file instead of stdin.
  return ['-y', ...ladderArgs({ input: 'SOURCE', renditions, encoder: 'libx264', gpuDecode: false, outputs: renditions.map(() => '/dev/null') })];
}

export async function benchTranscode(argv: string[]): Promise<void> {
  const at = argv.indexOf('--seconds');
  const seconds = at >= 0 ? Number(argv[at + 1]) : 30;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'framehouse-bench-transcode-'));
  try {
    const source = path.join(dir, 'source-1080p30.ts');
    process.stdout.write(`making a ${seconds} s 1080p30 6 Mbit/s H.264 + AAC source…\n`);
    await runPlain([
      '-hide_banner', '-loglevel', 'error',
      '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30', '-f', 'lavfi', '-i', 'sine=sample_rate=48000', '-t', String(seconds),
      '-c:v', 'libx264', '-preset', 'veryfast', '-g', '60', '-b:v', '6M', '-c:a', 'aac', '-f', 'mpegts', source,
    ]);
    const ladder = planRenditions([{ height: 720, videoBitrate: '3M' }, { height: 480, videoBitrate: '1200k' }, { height: 360, videoBitrate: '700k' }], { height: 1080 }).renditions;
    const perMinute = (f: Figures) => (f.cpuS / seconds) * 60;
    const row = (name: string, f: Figures) =>
      process.stdout.write(`${name.padEnd(34)} speed ${(seconds / f.wallS).toFixed(2)}×   CPU ${perMinute(f).toFixed(1)} s per minute of source   (wall ${f.wallS.toFixed(1)} s)\n`);

    process.stdout.write(`\n1080p30 → 720p/480p/360p, libx264 veryfast, on ${os.cpus().length} cores\n`);
    const plainArgs = graph(ladder).map((a) => (a === 'SOURCE' ? source : a));
    // Alternate the two, three times each: the same conditions for both, medians reported.
    const engineRuns: Figures[] = [];
    const plainRuns: Figures[] = [];
    for (let i = 0; i < 3; i++) {
      engineRuns.push(await runEngine(source, ladder));
      plainRuns.push(await runPlain(plainArgs));
    }
    const engine = median(engineRuns);
    const plain = median(plainRuns);
    row('engine (stdin → 3 pipes)', engine);
    row('plain ffmpeg, one process', plain);
    process.stdout.write(`of the engine's CPU, the studio's own process: ${((engine.ownCpuS! / seconds) * 60).toFixed(1)} s per minute of source\n`);
    process.stdout.write(`engine overhead: ${(((engine.cpuS - plain.cpuS) / plain.cpuS) * 100).toFixed(1)}% CPU, ${(((engine.wallS - plain.wallS) / plain.wallS) * 100).toFixed(1)}% wall (medians of 3)\n`);
    const perRendition = ladder.map((r) => graph([r]).map((a) => (a === 'SOURCE' ? source : a)));
    const startedSplit = performance.now();
    const split = await Promise.all(perRendition.map((args) => runPlain(args)));
    const splitFigures = { wallS: (performance.now() - startedSplit) / 1000, cpuS: split.reduce((s, f) => s + f.cpuS, 0) };
    row('one process per rendition (3)', splitFigures);
    process.stdout.write(`one decode for all: ${(((splitFigures.cpuS - plain.cpuS) / splitFigures.cpuS) * 100).toFixed(0)}% less CPU than a process per rendition\n`);

    process.stdout.write('\nladders through the engine (speed ≥ 1.0 holds real time):\n');
    const rungs = [
      { height: 720, videoBitrate: '3M' },
      { height: 540, videoBitrate: '2M' },
      { height: 480, videoBitrate: '1200k' },
      { height: 360, videoBitrate: '700k' },
      { height: 240, videoBitrate: '400k' },
    ];
    let largest = 0;
    for (let n = 1; n <= rungs.length; n++) {
      const plan = planRenditions(rungs.slice(rungs.length - n), { height: 1080 }).renditions;
      const f = await runEngine(source, plan);
      const speed = seconds / f.wallS;
      if (speed >= 1) largest = n;
      row(`${n}: ${plan.map((r) => r.name).join('/')}`, f);
    }
    process.stdout.write(`largest ladder that holds real time here: ${largest} rendition(s) from one 1080p30 source\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
