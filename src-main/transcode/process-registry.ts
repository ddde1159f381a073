import { spawn } from 'node:child_process';
import type { Logger } from 'pino';

export interface RunOptions {
  /** Short name for logs, e.g. "probe h264_nvenc". */
  label: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Bytes of stdout/stderr kept (the tail); ffmpeg can print a lot. */
  keepBytes?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
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
  private readonly running = new Map<number, { controller: AbortController; exited: Promise<void> }>();

  constructor(private readonly log: Logger) {}

  get size(): number {
    return this.running.size;
  }

  run(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
    const keep = options.keepBytes ?? 64 * 1024;
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const started = performance.now();
    this.log.debug({ cmd: [file, ...args].map(shellQuote).join(' ') }, `run ${options.label}`);

    let markExited: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => (markExited = resolve));
    return new Promise<RunResult>((resolve) => {
      let timedOut = false;
      const out = new TailBuffer(keep);
      const err = new TailBuffer(keep);
      const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: controller.signal, windowsHide: true });
      const timer = options.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, options.timeoutMs)
        : null;
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onOuterAbort);
        if (child.pid !== undefined) this.running.delete(child.pid);
        markExited();
        const stderr = spawnError && spawnError.name !== 'AbortError' ? `${err.text()}${spawnError.message}` : err.text();
        resolve({ code, signal, stdout: out.text(), stderr, timedOut, durationMs: performance.now() - started });
      };
      child.on('error', (e) => {
        // 'error' without a later 'close' happens when the spawn itself failed (ENOENT, EACCES).
        if (child.pid === undefined) finish(null, null, e);
      });
      child.on('close', (code, signal) => finish(code, signal));
      if (child.pid !== undefined) this.running.set(child.pid, { controller, exited });
    });
  }

  /** Stops every running child and waits for them to exit. */
  async killAll(): Promise<void> {
    const all = [...this.running.values()];
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
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
