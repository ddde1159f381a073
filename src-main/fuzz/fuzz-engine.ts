// A small mutation fuzzer: inputs are real captures (seeds) with a few mutations each,
// chosen by a PRNG seeded from (run seed, input index), so any input can be made again
// from its index alone: a crash or hang is reproducible without storing the stream.

/** mulberry32: fast, 32-bit state, good enough to pick mutations. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** 0 … n-1 (n ≥ 1). */
  below(n: number): number {
    return n <= 1 ? 0 : this.next() % n;
  }

  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}

export interface FuzzTarget {
  name: string;
  about: string;
  seeds: readonly Uint8Array[];
  /**
   * Parses one input (cutting it into arrival chunks with `rng` where the parser takes a
   * stream). Our own parse errors are caught inside; anything thrown out is a crash.
   */
  run(input: Uint8Array, rng: Rng): void;
}

export interface Finding {
  kind: 'crash' | 'hang';
  index: number;
  message: string;
  /** Where it was thrown (the stack), for a crash. */
  stack?: string;
  ms: number;
  input: Uint8Array;
}

export interface FuzzReport {
  target: string;
  inputs: number;
  crashes: number;
  hangs: number;
  elapsedMs: number;
  /** The first finding of each distinct kind and place, with its input. */
  findings: Finding[];
}

export interface FuzzOptions {
  iterations: number;
  seed: number;
  /** First input index (a worker restarted after a hang goes on from the next). */
  start?: number;
  /** An input that takes longer than this is a hang. */
  hangMs?: number;
  /**
   * Kept up to date for a watchdog in another thread, which may have to stop this one:
   * [index of the input being run, inputs run, crashes, hangs].
   */
  progress?: Int32Array;
  /** Told of each finding that is the first of its kind and place. */
  onFinding?: (finding: Finding) => void;
}

const maxInputBytes = 256 * 1024;
const interesting8 = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe];
const interesting32 = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0xffffff, 0x7fffffff, 0x80000000, 0xffffffff];

type Mutator = (data: Uint8Array, rng: Rng, seeds: readonly Uint8Array[]) => Uint8Array;

const range = (data: Uint8Array, rng: Rng, most: number) => {
  const start = rng.below(data.length);
  return { start, end: Math.min(data.length, start + 1 + rng.below(most)) };
};

const insert = (data: Uint8Array, at: number, piece: Uint8Array): Uint8Array => {
  if (data.length + piece.length > maxInputBytes) return data;
  const out = new Uint8Array(data.length + piece.length);
  out.set(data.subarray(0, at), 0);
  out.set(piece, at);
  out.set(data.subarray(at), at + piece.length);
  return out;
};

const mutators: Mutator[] = [
  function flipBits(data, rng) {
    for (let n = 1 + rng.below(8); n > 0; n--) {
      const at = rng.below(data.length);
      data[at] = data[at]! ^ (1 << rng.below(8));
    }
    return data;
  },
  function interestingByte(data, rng) {
    data[rng.below(data.length)] = rng.pick(interesting8);
    return data;
  },
  function interestingWord(data, rng) {
    // Length and count fields are 16, 24 or 32 bits, mostly big-endian.
    const value = rng.pick(interesting32);
    const bytes = 2 + rng.below(3);
    const at = rng.below(Math.max(1, data.length - bytes + 1));
    const littleEndian = rng.chance(0.2);
    for (let i = 0; i < bytes && at + i < data.length; i++) {
      const shift = 8 * (littleEndian ? i : bytes - 1 - i);
      data[at + i] = Math.floor(value / 2 ** shift) & 0xff;
    }
    return data;
  },
  function arithmetic(data, rng) {
    const at = rng.below(data.length);
    data[at] = (data[at]! + (rng.chance(0.5) ? 1 : -1) * (1 + rng.below(35))) & 0xff;
    return data;
  },
  function randomBytes(data, rng) {
    const { start, end } = range(data, rng, 16);
    for (let i = start; i < end; i++) data[i] = rng.below(256);
    return data;
  },
  function truncate(data, rng) {
    return data.subarray(0, rng.below(data.length));
  },
  function deleteRange(data, rng) {
    const { start, end } = range(data, rng, 256);
    const out = new Uint8Array(data.length - (end - start));
    out.set(data.subarray(0, start), 0);
    out.set(data.subarray(end), start);
    return out;
  },
  function duplicateRange(data, rng) {
    const { start, end } = range(data, rng, 1024);
    return insert(data, rng.below(data.length + 1), data.slice(start, end));
  },
  function splice(data, rng, seeds) {
    const other = rng.pick(seeds);
    if (other.length === 0) return data;
    const { start, end } = range(other, rng, 2048);
    const piece = other.subarray(start, end);
    if (rng.chance(0.5)) return insert(data, rng.below(data.length + 1), piece);
    const at = rng.below(data.length);
    data.set(piece.subarray(0, data.length - at), at);
    return data;
  },
];

/** Input number `index` of a run: a seed with 0–4 stacked mutations, and the PRNG its target goes on with. */
export function inputFor(seeds: readonly Uint8Array[], runSeed: number, index: number): { input: Uint8Array; rng: Rng } {
  const rng = new Rng(Math.imul(runSeed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
  let data: Uint8Array = rng.pick(seeds).slice();
  // A few percent unmutated: the chunking alone is then the only change.
  const count = rng.chance(0.05) ? 0 : 1 + rng.below(rng.chance(0.7) ? 2 : 4);
  for (let i = 0; i < count && data.length > 0; i++) data = rng.pick(mutators)(data, rng, seeds);
  return { input: data, rng };
}

/** Arrival chunks of a stream: whole, or cut at random sizes (often tiny, to cross every header). */
export function chunksOf(data: Uint8Array, rng: Rng): Uint8Array[] {
  if (rng.chance(0.3)) return [data];
  const most = rng.pick([3, 24, 188, 1500, 8192]);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < data.length; ) {
    const size = 1 + rng.below(most);
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

const describeError = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : `thrown ${String(err)}`);

/**
 * Runs `iterations` inputs against `target` in this thread. Yields to the event loop now
 * and then, so timers the code under test sets (and clears) do not pile up.
 */
export async function fuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const hangMs = options.hangMs ?? 1000;
  const start = options.start ?? 0;
  const report: FuzzReport = { target: target.name, inputs: 0, crashes: 0, hangs: 0, elapsedMs: 0, findings: [] };
  const seen = new Set<string>();
  const record = (finding: Finding) => {
    if (finding.kind === 'crash') report.crashes++;
    else report.hangs++;
    // One finding per place in the code: messages differ by offsets and sizes.
    const place = finding.stack?.split('\n').find((line) => line.trim().startsWith('at ')) ?? finding.message;
    const key = `${finding.kind}:${finding.message.split(':')[0]}:${place}`;
    if (seen.has(key)) return;
    seen.add(key);
    report.findings.push(finding);
    options.onFinding?.(finding);
  };
  const progress = options.progress;
  const began = performance.now();
  for (let index = start; index < options.iterations; index++) {
    if (progress) Atomics.store(progress, 0, index);
    const { input, rng } = inputFor(target.seeds, options.seed, index);
    const t0 = performance.now();
    let crash: unknown = null;
    let crashed = false;
    try {
      target.run(input, rng);
    } catch (err) {
      crash = err;
      crashed = true;
    }
    const ms = performance.now() - t0;
    report.inputs++;
    // The input is made again for a finding: a copy of every input would cost more than the parse.
    const again = () => inputFor(target.seeds, options.seed, index).input;
    if (crashed) record({ kind: 'crash', index, message: describeError(crash), stack: crash instanceof Error ? crash.stack : undefined, ms, input: again() });
    else if (ms > hangMs && slowAgain(target, options.seed, index, hangMs)) record({ kind: 'hang', index, message: `took ${Math.round(ms)} ms`, ms, input: again() });
    if (progress) {
      Atomics.store(progress, 1, report.inputs);
      Atomics.store(progress, 2, report.crashes);
      Atomics.store(progress, 3, report.hangs);
    }
    if ((index & 255) === 255) await new Promise((resolve) => setImmediate(resolve));
  }
  report.elapsedMs = performance.now() - began;
  return report;
}

/** A slow input is run once more: on shared cores one slow run may be the scheduler's doing. */
function slowAgain(target: FuzzTarget, seed: number, index: number, hangMs: number): boolean {
  const { input, rng } = inputFor(target.seeds, seed, index);
  const t0 = performance.now();
  try {
    target.run(input, rng);
  } catch {
    // reported the first time round
  }
  return performance.now() - t0 > hangMs;
}
