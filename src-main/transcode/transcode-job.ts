// One transcoding job: an ffmpeg process built from a typed description, run on the
// first encoder of its order that works. When the encoder fails (at start, or later:
// a driver gone, a session limit) the job starts again at once on the next one and
// says so (`fallbackFrom`, `reason`). Outputs keep the source's timestamps, so the
// caller's timeline continues across a restart.
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { TranscodeCapacity, CapacityLease } from './capacity.js';
import { encoderFailureReason } from './encoder-probe.js';
import { ProgressReader, type FfmpegProgress } from './ffmpeg-progress.js';
import type { ProcessRegistry, RunningProcess } from './process-registry.js';
import { encoderFamily, type EncoderFamily } from './video-encode.js';

/** Families whose frames can stay on the device from decode to encode. */
const decodesOnDevice: ReadonlySet<EncoderFamily> = new Set(['nvenc', 'qsv', 'vaapi', 'videotoolbox']);

export type JobState = 'queued' | 'starting' | 'running' | 'failed' | 'stopped';

export interface JobStatus {
  state: JobState;
  encoder: string | null;
  /** The encoder this job left, and why (ffmpeg's own words). */
  fallbackFrom: string | null;
  reason: string | null;
  fps: number;
  speed: number;
  droppedFrames: number;
  /** How many times the process was started. */
  attempts: number;
}

export interface JobInput {
  stream: Readable;
  close(): void;
}

export interface TranscodeJobSpec {
  label: string;
  ffmpegPath: string;
  /** Encoders to try, first to last (encoder-choice.ts). */
  encoders: readonly string[];
  /**
   * The full argument list for one encoder. `gpuDecode` false is the second try of a GPU
   * encoder whose device could not decode the source (a profile it lacks): software decode.
   */
  args(encoder: string, gpuDecode: boolean): string[];
  /** Output pipes the command writes (fd 3…). */
  outputs: number;
  /** Software cost in megapixels per second (capacity.ts). */
  cost: number;
  /** A fresh input for each attempt, piped into stdin; omit when the command reads a file. */
  openInput?(): JobInput;
  /** Bytes from output `index` of attempt `attempt`. */
  onOutput(index: number, chunk: Buffer, attempt: number): void;
  /** An attempt's process started (its pid, for measuring). */
  onAttemptStart?(attempt: number, pid: number | undefined): void;
  /** An attempt ended; `ok` when ffmpeg finished its input cleanly. */
  onAttemptEnd?(attempt: number, ok: boolean): void;
}

export interface TranscodeJobDeps {
  processes: ProcessRegistry;
  capacity: TranscodeCapacity;
  log: Logger;
}

interface JobEvents {
  status: [JobStatus];
  /** Every encoder failed (the last one too): the job stopped with `reason`. */
  failed: [string];
  /** The input ended and ffmpeg finished cleanly. */
  finished: [];
}

/** An attempt that produced nothing for this long is treated as a failed encoder (a hung GPU). */
const stallMs = 10_000;
/** The last encoder of the order is retried after a failure, with this pause, up to `lastEncoderRetries` times. */
const retryPauseMs = 1_000;
const lastEncoderRetries = 3;

export class TranscodeJob extends EventEmitter<JobEvents> {
  private readonly current: JobStatus = { state: 'starting', encoder: null, fallbackFrom: null, reason: null, fps: 0, speed: 0, droppedFrames: 0, attempts: 0 };
  private readonly stopController = new AbortController();
  private running: RunningProcess | null = null;
  private loop: Promise<void> | null = null;
  /** Each encoder in order; a GPU encoder first with the GPU decoding, then with software decoding. */
  private readonly steps: readonly { encoder: string; gpuDecode: boolean }[];

  constructor(
    private readonly spec: TranscodeJobSpec,
    private readonly deps: TranscodeJobDeps,
  ) {
    super();
    if (spec.encoders.length === 0) throw new Error(`${spec.label}: no encoder to try`);
    this.steps = spec.encoders.flatMap((encoder) => {
      const family = encoderFamily(encoder);
      return family && decodesOnDevice.has(family) ? [{ encoder, gpuDecode: true }, { encoder, gpuDecode: false }] : [{ encoder, gpuDecode: false }];
    });
  }

  status(): JobStatus {
    return { ...this.current };
  }

  start(): void {
    this.loop ??= this.run().catch((err: unknown) => {
      if (!this.stopController.signal.aborted) this.deps.log.error({ err }, `${this.spec.label}: transcoding loop failed`);
    });
  }

  /** Stops the process (and a wait for capacity) and resolves when it is gone. */
  async stop(): Promise<void> {
    this.stopController.abort(new Error('stopped'));
    this.running?.stop();
    await this.loop;
    this.set({ state: 'stopped' });
  }

  private set(patch: Partial<JobStatus>): void {
    Object.assign(this.current, patch);
    this.emit('status', this.status());
  }

  private async run(): Promise<void> {
    const signal = this.stopController.signal;
    let index = 0;
    let lastEncoderFailures = 0;
    while (!signal.aborted) {
      const { encoder, gpuDecode } = this.steps[index]!;
      let lease: CapacityLease;
      try {
        lease = await this.deps.capacity.acquire(encoder, this.spec.cost, { signal, onQueued: (reason) => this.set({ state: 'queued', encoder, reason }) });
      } catch {
        return; // stopped while waiting
      }
      let outcome: AttemptOutcome;
      try {
        outcome = await this.attempt(encoder, gpuDecode);
      } finally {
        lease.release();
      }
      if (signal.aborted) return;
      if (outcome.ok) {
        this.emit('finished');
        return;
      }
      // No device at all: decoding in software would not help the encoder, which needs it too.
      if (outcome.deviceMissing) while (index < this.steps.length - 1 && this.steps[index + 1]!.encoder === encoder) index++;
      if (index < this.steps.length - 1) {
        const next = this.steps[index + 1]!;
        const nextName = next.encoder === encoder ? `${encoder} with software decoding` : next.encoder;
        this.deps.log.warn(`${this.spec.label}: ${encoder}${gpuDecode ? ' (GPU decoding)' : ''} failed (${outcome.reason}); continuing on ${nextName}`);
        this.set({ fallbackFrom: next.encoder === encoder ? `${encoder} (GPU decoding)` : encoder, reason: outcome.reason });
        index++;
        continue;
      }
      // The last encoder failed: the input may be at fault, so try again a few times, then give up.
      lastEncoderFailures = outcome.ranMs > 30_000 ? 1 : lastEncoderFailures + 1;
      if (lastEncoderFailures > lastEncoderRetries) {
        this.set({ state: 'failed', reason: outcome.reason });
        this.emit('failed', outcome.reason);
        return;
      }
      this.deps.log.warn(`${this.spec.label}: ${encoder} failed (${outcome.reason}); trying again`);
      this.set({ reason: outcome.reason });
      await pause(retryPauseMs, signal);
    }
  }

  private async attempt(encoder: string, gpuDecode: boolean): Promise<AttemptOutcome> {
    const attempt = this.current.attempts + 1;
    this.set({ state: 'starting', encoder, attempts: attempt, fps: 0, speed: 0 });
    const started = Date.now();
    const input = this.spec.openInput?.();
    const child = this.deps.processes.start(this.spec.ffmpegPath, this.spec.args(encoder, gpuDecode), {
      label: `${this.spec.label} (${encoder})`,
      streamStdin: input !== undefined,
      extraOutputs: this.spec.outputs,
      keepBytes: 16 * 1024,
    });
    this.running = child;
    this.spec.onAttemptStart?.(attempt, child.pid);
    if (this.stopController.signal.aborted) child.stop();
    let lastOutputAt = Date.now();
    let stalled = false;
    child.outputs.forEach((output, i) =>
      output.on('data', (chunk: Buffer) => {
        lastOutputAt = Date.now();
        if (this.current.state === 'starting') this.set({ state: 'running' });
        this.spec.onOutput(i, chunk, attempt);
      }),
    );
    const progress = new ProgressReader((p: FfmpegProgress) => this.set({ fps: p.fps, speed: p.speed, droppedFrames: p.droppedFrames }));
    child.stdout.on('data', (chunk: Buffer) => progress.push(chunk));
    // A quiet source is not a hung encoder: a stall counts only while input keeps coming.
    let lastInputAt = Date.now();
    if (input && child.stdin) {
      input.stream.on('data', () => (lastInputAt = Date.now()));
      input.stream.pipe(child.stdin);
      input.stream.once('error', () => child.stdin?.end());
    }
    const watchdog = setInterval(() => {
      const now = Date.now();
      if (now - lastOutputAt > stallMs && (!input || now - lastInputAt < stallMs)) {
        stalled = true;
        child.stop();
      }
    }, 1000);
    watchdog.unref();
    const exit = await child.exited;
    clearInterval(watchdog);
    input?.close();
    this.running = null;
    const ok = exit.code === 0 && !stalled;
    this.spec.onAttemptEnd?.(attempt, ok);
    const reason = stalled ? `${encoder} produced nothing for ${stallMs / 1000} s` : exit.timedOut ? `${encoder} timed out` : encoderFailureReason(exit.stderr, encoder);
    return { ok, reason, ranMs: Date.now() - started, deviceMissing: /^Device creation failed/m.test(exit.stderr) };
  }
}

interface AttemptOutcome {
  ok: boolean;
  reason: string;
  ranMs: number;
  /** ffmpeg could not open the GPU device at all (no driver, no card). */
  deviceMissing: boolean;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
