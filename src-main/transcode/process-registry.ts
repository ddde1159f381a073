import { spawn } from 'node:child_process';
import os from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';

export interface RunOptions {
  /** Short name for logs, e.g. "probe h264_nvenc". */
  label: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Bytes of stdout/stderr kept (the tail); ffmpeg can print a lot. */
  keepBytes?: number;
  /** Written to the child's stdin, which is then closed. */
  stdin?: Uint8Array;
  /** Leave stdin open for the caller to stream into (`RunningProcess.stdin`). */
  streamStdin?: boolean;
  /** Extra output pipes the child writes (fd 3, 4, …): one per output of a ladder. */
  extraOutputs?: number;
  /** Extra input pipes the child reads, after the extra outputs (fd 3 + extraOutputs, …): a mix's sound beside its pictures. */
  extraInputs?: number;
  /** Background work (probing a library, rendering a mix): runs at this niceness (1–19) so what a viewer waits for goes first. */
  niceness?: number;
  /**
   * A program the user chose (a recording handler): it runs in its own process group, and
   * a stop ends the whole group, so children it left behind (a `sleep` in a script) cannot
   * keep it, or its pipes, alive. POSIX only; elsewhere the child alone is stopped.
   */
  processGroup?: boolean;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

/** A child whose stdout the caller reads as a stream (ffmpeg remuxing into the studio). */
export interface RunningProcess {
  /** undefined when the spawn itself failed. */
  readonly pid: number | undefined;
  readonly stdout: Readable;
  /** With `streamStdin`: the child's stdin, for the caller to write and end. */
  readonly stdin: Writable | null;
  /** With `extraOutputs`: the child's fd 3, 4, … */
  readonly outputs: readonly Readable[];
  /** With `extraInputs`: the pipes after the outputs, for the caller to write and end. */
  readonly inputs: readonly Writable[];
  /** Resolves when the process is gone; `stdout` there is empty (it was the caller's to read). */
  readonly exited: Promise<RunResult>;
  stop(): void;
}

/** Quotes an argument the way a POSIX shell would need, so logged command lines can be pasted. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * Every child process the studio starts goes through here, so that stopping the
 * studio stops all of them: each has its own AbortController.
 */
export class ProcessRegistry {
  private readonly running = new Set<{ controller: AbortController; exited: Promise<unknown> }>();

  constructor(private readonly log: Logger) {}

  get size(): number {
    return this.running.size;
  }

  /** Runs to the end and keeps the tail of stdout and stderr. */
  async run(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
    const started = this.start(file, args, options);
    const out = new TailBuffer(options.keepBytes ?? 64 * 1024);
    started.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    const result = await started.exited;
    return { ...result, stdout: out.text() };
  }

  /** Starts a child whose stdout the caller consumes; stderr's tail comes with `exited`. */
  start(file: string, args: readonly string[], options: RunOptions): RunningProcess {
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const started = performance.now();
    this.log.debug({ cmd: [file, ...args].map(shellQuote).join(' ') }, `run ${options.label}`);
    const err = new TailBuffer(options.keepBytes ?? 64 * 1024);
    const extra = Array.from({ length: (options.extraOutputs ?? 0) + (options.extraInputs ?? 0) }, () => 'pipe' as const);
    const group = options.processGroup === true && process.platform !== 'win32';
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe', ...extra], windowsHide: true, detached: group });
    const signal = (name: NodeJS.Signals) => {
      if (group && child.pid !== undefined) {
        try {
          process.kill(-child.pid, name);
          return;
        } catch {
          // The group is gone already: signal the child alone.
        }
      }
      child.kill(name);
    };
    if (options.niceness && child.pid !== undefined) {
      try {
        os.setPriority(child.pid, options.niceness);
      } catch {
        // Not allowed here (or the child is already gone): it runs at normal priority.
      }
    }
    // SIGTERM lets ffmpeg finish its output; one stuck in a blocking read (UDP, a dead
    // camera) ignores it, so a SIGKILL follows if it has not gone within 3 s.
    let escalation: NodeJS.Timeout | null = null;
    const terminate = () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        // The child is gone, but what it started may still hold its pipes.
        if (group) signal('SIGKILL');
        return;
      }
      signal('SIGTERM');
      escalation = setTimeout(() => signal('SIGKILL'), 3000);
      escalation.unref();
    };
    controller.signal.addEventListener('abort', terminate, { once: true });
    // A child that exits early closes its stdin: not our error to report.
    child.stdin.on('error', () => undefined);
    if (!options.streamStdin) child.stdin.end(options.stdin);
    const outputCount = options.extraOutputs ?? 0;
    const outputs = extra.slice(0, outputCount).map((_, i) => child.stdio[3 + i] as Readable);
    const inputs = extra.slice(outputCount).map((_, i) => child.stdio[3 + outputCount + i] as Writable);
    for (const pipe of [...outputs, ...inputs]) pipe.on('error', () => undefined);
    let timedOut = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, options.timeoutMs)
      : null;
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdout.on('error', () => undefined);

    const entry = { controller, exited: Promise.resolve() as Promise<unknown> };
    const exited = new Promise<RunResult>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
        if (timer) clearTimeout(timer);
        if (escalation) clearTimeout(escalation);
        options.signal?.removeEventListener('abort', onOuterAbort);
        this.running.delete(entry);
        const stderr = spawnError ? `${err.text()}${spawnError.message}` : err.text();
        resolve({ code, signal, stdout: '', stderr, timedOut, durationMs: performance.now() - started });
      };
      child.on('error', (e) => {
        // 'error' without a later 'close' happens when the spawn itself failed (ENOENT, EACCES).
        if (child.pid === undefined) finish(null, null, e);
      });
      child.on('close', (code, signal) => finish(code, signal));
    });
    entry.exited = exited;
    this.running.add(entry);
    return { pid: child.pid, stdout: child.stdout, stdin: options.streamStdin ? child.stdin : null, outputs, inputs, exited, stop: () => controller.abort() };
  }

  /** Stops every running child and waits for them to exit. */
  async killAll(): Promise<void> {
    const all = [...this.running];
    for (const entry of all) entry.controller.abort();
    await Promise.all(all.map((e) => e.exited));
  }
}

class TailBuffer {
  private chunks: Buffer[] = [];
  private bytes = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer) {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes - (this.chunks[0]?.length ?? 0) >= this.limit && this.chunks.length > 1) {
      this.bytes -= this.chunks.shift()!.length;
    }
  }
  /** The last `limit` bytes: whole chunks are kept while pushing (cheap), the cut is made only when read. */
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}
