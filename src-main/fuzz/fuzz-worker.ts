// Runs one target's inputs in a worker thread, so the supervisor can stop an input that
// never ends (and a heap that blows up) without losing the run.
import { parentPort, workerData } from 'node:worker_threads';
import { fuzz, type Finding, type FuzzReport } from './fuzz-engine.js';
import { fuzzTargets, type FuzzSeeds, type TargetName } from './fuzz-targets.js';

export interface WorkerJob {
  target: TargetName;
  seeds: FuzzSeeds;
  iterations: number;
  seed: number;
  start: number;
  hangMs: number;
  /** Int32Array over a SharedArrayBuffer: [index of the input being run]. */
  progress: SharedArrayBuffer;
}

export type WorkerMessage = { type: 'finding'; finding: Finding } | { type: 'done'; report: FuzzReport };

const job = workerData as WorkerJob;
const port = parentPort!;
const target = fuzzTargets(job.seeds)[job.target];
const report = await fuzz(target, {
  iterations: job.iterations,
  seed: job.seed,
  start: job.start,
  hangMs: job.hangMs,
  progress: new Int32Array(job.progress),
  onFinding: (finding) => port.postMessage({ type: 'finding', finding } satisfies WorkerMessage),
});
port.postMessage({ type: 'done', report: { ...report, findings: [] } } satisfies WorkerMessage);
