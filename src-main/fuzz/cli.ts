// `npm run fuzz [-- --iterations N] [--seed S] [--target a,b] [--start I] [--out DIR]`:
// mutated real captures against each parser in turn, each target in a worker thread
// watched from here. Only the parsers' own errors may come out: anything else is a
// crash, an input over 1 s a hang. Findings are written to DIR with their inputs.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Finding } from './fuzz-engine.js';
import { makeSeeds } from './fuzz-seeds.js';
import { targetNames, type FuzzSeeds, type TargetName } from './fuzz-targets.js';
import type { WorkerJob, WorkerMessage } from './fuzz-worker.js';

interface Args {
  iterations: number;
  seed: number;
  start: number;
  targets: TargetName[];
  out: string;
  hangMs: number;
}

/** An input still running after this long never ends: its worker is stopped and the run goes on after it. */
const watchdogMs = 10_000;

function parseArgs(argv: string[]): Args {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const number = (flag: string, fallback: number) => {
    const raw = value(flag);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} needs a whole number, not "${raw}"`);
    return n;
  };
  const targets = (value('--target') ?? targetNames.join(',')).split(',') as TargetName[];
  const unknown = targets.filter((t) => !targetNames.includes(t));
  if (unknown.length > 0) throw new Error(`unknown target ${unknown.join(', ')}; known: ${targetNames.join(', ')}`);
  return {
    iterations: number('--iterations', 100_000),
    seed: number('--seed', Math.floor(Math.random() * 0x7fffffff)),
    start: number('--start', 0),
    targets,
    out: path.resolve(value('--out') ?? 'fuzz-findings'),
    hangMs: number('--hang-ms', 1000),
  };
}

interface TargetTotals {
  inputs: number;
  crashes: number;
  hangs: number;
  wallMs: number;
  findings: Finding[];
}

/** Runs one worker from `start`; resolves with where it stopped and why. */
function runWorker(job: Omit<WorkerJob, 'progress'>, totals: TargetTotals): Promise<{ next: number | null }> {
  const progress = new Int32Array(new SharedArrayBuffer(16));
  progress[0] = job.start;
  const worker = new Worker(new URL('./fuzz-worker.js', import.meta.url), {
    workerData: { ...job, progress: progress.buffer } satisfies WorkerJob,
    resourceLimits: { maxOldGenerationSizeMb: 1024 },
  });
  const addCounts = () => {
    totals.inputs += Atomics.load(progress, 1);
    totals.crashes += Atomics.load(progress, 2);
    totals.hangs += Atomics.load(progress, 3);
  };
  return new Promise((resolve) => {
    let lastIndex = -1;
    let sameSince = Date.now();
    let settled = false;
    const finish = (next: number | null) => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      addCounts();
      resolve({ next });
    };
    // The input that killed or froze the worker is one more input, and one more finding.
    const lose = (kind: Finding['kind'], message: string) => {
      const index = Atomics.load(progress, 0);
      totals.inputs++;
      if (kind === 'crash') totals.crashes++;
      else totals.hangs++;
      totals.findings.push({ kind, index, message, ms: Date.now() - sameSince, input: new Uint8Array(0) });
      return index + 1;
    };
    const watchdog = setInterval(() => {
      const index = Atomics.load(progress, 0);
      if (index !== lastIndex) {
        lastIndex = index;
        sameSince = Date.now();
      } else if (Date.now() - sameSince > watchdogMs) {
        const next = lose('hang', `still running after ${watchdogMs / 1000} s: stopped`);
        void worker.terminate();
        finish(next);
      }
    }, 250);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'finding') totals.findings.push(message.finding);
      else finish(null);
    });
    worker.on('error', (err) => finish(lose('crash', `worker died: ${err.message}`)));
    worker.on('exit', (code) => {
      if (!settled) finish(code === 0 ? null : lose('crash', `worker exited with code ${code}`));
    });
  });
}

async function fuzzTarget(name: TargetName, seeds: FuzzSeeds, args: Args): Promise<TargetTotals> {
  const totals: TargetTotals = { inputs: 0, crashes: 0, hangs: 0, wallMs: 0, findings: [] };
  const began = performance.now();
  for (let start: number | null = args.start; start !== null && start < args.iterations; ) {
    ({ next: start } = await runWorker({ target: name, seeds, iterations: args.iterations, seed: args.seed, start, hangMs: args.hangMs }, totals));
  }
  totals.wallMs = performance.now() - began;
  return totals;
}

async function saveFindings(name: TargetName, totals: TargetTotals, args: Args): Promise<void> {
  if (totals.findings.length === 0) return;
  await fs.mkdir(args.out, { recursive: true });
  for (const f of totals.findings) {
    const base = path.join(args.out, `${name}-${f.kind}-${args.seed}-${f.index}`);
    await fs.writeFile(`${base}.bin`, f.input);
    const again = `npm run fuzz -- --target ${name} --seed ${args.seed} --start ${f.index} --iterations ${f.index + 1}`;
    await fs.writeFile(`${base}.txt`, `${f.kind} at input ${f.index} (${Math.round(f.ms)} ms)\n${f.message}\n${f.stack ?? ''}\nagain: ${again}\n`);
    process.stdout.write(`  ${f.kind} at input ${f.index}: ${f.message.split('\n')[0]}\n    ${f.stack?.split('\n')[1]?.trim() ?? ''}\n    again: ${again}\n`);
  }
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'framehouse-fuzz-'));
  let failed = false;
  try {
    process.stdout.write(`fuzz: making seeds with ffmpeg in ${dir}\n`);
    const seeds = await makeSeeds(dir);
    process.stdout.write(`fuzz: seed ${args.seed}, ${args.iterations.toLocaleString('en')} inputs per target\n`);
    process.stdout.write(`${'target'.padEnd(14)} ${'inputs'.padStart(10)} ${'crashes'.padStart(8)} ${'hangs'.padStart(6)} ${'inputs/s'.padStart(9)} ${'wall'.padStart(8)}\n`);
    for (const name of args.targets) {
      const totals = await fuzzTarget(name, seeds, args);
      const rate = totals.inputs / (totals.wallMs / 1000);
      process.stdout.write(
        `${name.padEnd(14)} ${totals.inputs.toLocaleString('en').padStart(10)} ${String(totals.crashes).padStart(8)} ${String(totals.hangs).padStart(6)} ${Math.round(rate).toLocaleString('en').padStart(9)} ${`${(totals.wallMs / 1000).toFixed(1)} s`.padStart(8)}\n`,
      );
      await saveFindings(name, totals, args);
      failed ||= totals.crashes + totals.hangs > 0;
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  if (failed) {
    process.stdout.write(`fuzz: findings written to ${args.out}\n`);
    process.exitCode = 1;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`fuzz: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
