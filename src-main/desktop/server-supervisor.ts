// Keeps the studio server running for the desktop shell: starts it, follows its
// messages, restarts it with backoff when it dies, and stops it gracefully.
// Plain Node (no Electron) so it is tested with a real forked server.
import { EventEmitter } from 'node:events';
import type { PortMove } from '../contract/studio-api.js';

/** The little the supervisor needs from a server process (Electron utilityProcess or Node fork). */
export interface ServerChild {
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  /** Sends a message over the parent channel (the stop request). */
  send(message: unknown): void;
  /** Ends the process at once (SIGKILL, TerminateProcess). */
  kill(): void;
  /** The last lines the server wrote to stderr, for the reason of a failed start or a crash. */
  lastError(): string | null;
}

export interface ServerReady {
  url: string;
  token: string;
  portMoves: PortMove[];
}

export interface CrashReport {
  code: number | null;
  /** The server's last stderr line, when it said anything. */
  lastError: string | null;
  /** Crashes within the window that counts them, this one included. */
  crashes: number;
}

interface SupervisorEvents {
  /** The server answers (again) at this address. */
  ready: [ServerReady];
  /** A settings change moved the HTTP listener. */
  moved: [string];
  /** The server exited without being asked; a restart follows in `restartInMs`. */
  crashed: [CrashReport & { restartInMs: number }];
  /** Too many crashes in a row: no more automatic restarts until `restart()`. */
  'gave-up': [CrashReport];
}

export interface SupervisorOptions {
  spawn(): ServerChild;
  /** How long a graceful stop may take before the process is killed (recordings closing, database checkpoint). */
  stopTimeoutMs?: number;
  /** Delay before the n-th restart in a row (1-based). */
  backoffMs?: (attempt: number) => number;
  /** After this many crashes within `crashWindowMs`, stop restarting and ask the user. */
  crashLimit?: number;
  crashWindowMs?: number;
}

const defaultBackoff = (attempt: number) => Math.min(30_000, 1000 * 2 ** (attempt - 1));

function readyMessage(m: unknown): ServerReady | null {
  if (typeof m !== 'object' || m === null) return null;
  const r = m as { type?: unknown; url?: unknown; token?: unknown; portMoves?: unknown };
  if (r.type !== 'ready' || typeof r.url !== 'string' || typeof r.token !== 'string') return null;
  return { url: r.url, token: r.token, portMoves: Array.isArray(r.portMoves) ? (r.portMoves as PortMove[]) : [] };
}

function movedUrl(m: unknown): string | null {
  if (typeof m !== 'object' || m === null) return null;
  const r = m as { type?: unknown; url?: unknown };
  return r.type === 'moved' && typeof r.url === 'string' ? r.url : null;
}

const isStopped = (m: unknown) => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'stopped';
/** How long a server that said it stopped may take to exit on its own. */
const stoppedGraceMs = 1000;

/** Why a server that never became ready exited: its last words, or its exit code. */
const exitReason = (child: ServerChild, code: number | null) => child.lastError() ?? `the studio server exited with code ${code}`;

export class ServerSupervisor extends EventEmitter<SupervisorEvents> {
  private child: ServerChild | null = null;
  private current: ServerReady | null = null;
  private stopping: Promise<void> | null = null;
  /** Start, relaunch: one at a time. */
  private queue: Promise<void> = Promise.resolve();
  /** close() was called: nothing starts again. */
  private closed = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private crashTimes: number[] = [];
  private readonly stopTimeoutMs: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly crashLimit: number;
  private readonly crashWindowMs: number;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.stopTimeoutMs = options.stopTimeoutMs ?? 20_000;
    this.backoffMs = options.backoffMs ?? defaultBackoff;
    this.crashLimit = options.crashLimit ?? 4;
    this.crashWindowMs = options.crashWindowMs ?? 120_000;
  }

  /** The server's address and token, or null while it is (re)starting. */
  connection(): ServerReady | null {
    return this.current;
  }

  /**
   * First start. Resolves when the server is ready; rejects with the server's own
   * reason when it exits first (a pinned port taken, a data folder that cannot be
   * written): that is a set-up problem for the user, not a crash to retry.
   */
  start(): Promise<ServerReady> {
    return this.serially(() => this.launchFirst());
  }

  /** Starts again after the supervisor gave up (the user chose to retry). */
  restart(): void {
    if (this.child || this.closed) return;
    this.crashTimes = [];
    this.launch(null);
  }

  /**
   * Stops the server gracefully and starts it again (its arguments may have changed,
   * e.g. another data folder). Rejects like start() when the new one cannot start.
   * Relaunches run one after another; none runs once close() was called.
   */
  relaunch(): Promise<ServerReady> {
    return this.serially(async () => {
      await this.stopChild();
      this.crashTimes = [];
      return this.launchFirst();
    });
  }

  /** The final stop (quitting): asks the server to stop, waits, kills it only after the timeout; nothing starts again. */
  close(): Promise<void> {
    this.closed = true;
    return this.stopChild();
  }

  /** Whether a server process is running (ready or still starting). */
  running(): boolean {
    return this.child !== null;
  }

  private serially<T>(step: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw new Error('the studio is quitting');
      return step();
    });
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private launchFirst(): Promise<ServerReady> {
    return new Promise((resolve, reject) => this.launch((ready) => (ready instanceof Error ? reject(ready) : resolve(ready))));
  }

  private stopChild(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (!child) return Promise.resolve();
    this.stopping ??= new Promise<void>((done) => {
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        clearTimeout(grace);
        this.stopping = null;
        done();
      };
      // A process that does not exit when asked is killed; one that still gives no exit event is taken as gone.
      let grace: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        child.kill();
        grace = setTimeout(finish, 2000);
      }, this.stopTimeoutMs);
      child.onExit(finish);
      try {
        child.send({ type: 'stop' });
      } catch {
        child.kill();
      }
    });
    return this.stopping;
  }

  private launch(firstStart: ((result: ServerReady | Error) => void) | null): void {
    const child = this.options.spawn();
    this.child = child;
    let ready = false;
    child.onMessage((message) => {
      // Done with its writes: an Electron utility process may linger after its work (electron#47228), so it gets a moment, then the kill.
      if (isStopped(message)) setTimeout(() => child.kill(), stoppedGraceMs).unref();
      if (this.child !== child) return;
      const isReady = readyMessage(message);
      if (isReady && !ready) {
        ready = true;
        this.current = isReady;
        firstStart?.(isReady);
        this.emit('ready', isReady);
        return;
      }
      const url = movedUrl(message);
      if (url && this.current) {
        this.current = { ...this.current, url };
        this.emit('moved', url);
      }
    });
    child.onExit((code) => {
      // Only the process this supervisor runs now may change its state.
      if (this.child !== child) return;
      this.child = null;
      this.current = null;
      if (!ready && firstStart) return firstStart(new Error(this.stopping || this.closed ? 'the studio server was stopped while starting' : exitReason(child, code)));
      if (this.stopping || this.closed) return;
      this.onCrash(code, child.lastError());
    });
  }

  private onCrash(code: number | null, lastError: string | null): void {
    const now = Date.now();
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < this.crashWindowMs), now];
    const crashes = this.crashTimes.length;
    if (crashes >= this.crashLimit) {
      this.emit('gave-up', { code, lastError, crashes });
      return;
    }
    const restartInMs = this.backoffMs(crashes);
    this.emit('crashed', { code, lastError, crashes, restartInMs });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopping && !this.closed) this.launch(null);
    }, restartInMs);
  }
}
