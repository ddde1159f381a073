import { Busy, LimitWarning } from './busy.js';
import { Slots } from './slots.js';

export interface MediaJobsOptions {
  /** The mediaJobsMax setting: work of this kind running at once. */
  max: () => number;
  /** Waiting room, in multiples of `max`; beyond it new work is refused (Busy). */
  queueFactor?: number;
  warn?: (line: string) => void;
}

export interface MediaJobsStats {
  max: number;
  running: number;
  waiting: number;
  /** Highest `running` and `waiting` since the last reset. */
  peakRunning: number;
  peakWaiting: number;
  /** Refused because the waiting room was full, since the last reset. */
  refused: number;
}

/**
 * The studio's heavy per-request media work (MP4 export plans with their smart-cut
 * ffmpeg, thumbnail and sprite ffmpeg runs) goes through here: at most `max` at once,
 * a bounded line behind them, and work whose requester left is dropped from the line
 * or aborted while it runs (its signal reaches the planner and the process registry).
 */
export class MediaJobs {
  private readonly slots: Slots;
  private readonly closing = new AbortController();
  private readonly warning: LimitWarning;
  private peakRunning = 0;
  private peakWaiting = 0;
  private refused = 0;

  constructor(private readonly o: MediaJobsOptions) {
    this.slots = new Slots(o.max);
    this.warning = new LimitWarning(o.warn ?? (() => undefined));
  }

  /**
   * Runs `work` when its turn comes. Rejects with Busy when the line is full (unless
   * `mayWait`: saved export jobs are a bounded queue of their own), and with the
   * signal's reason when the requester leaves first.
   */
  async run<T>(what: string, work: (signal: AbortSignal) => Promise<T>, o: { signal?: AbortSignal; mayWait?: boolean } = {}): Promise<T> {
    const signal = o.signal ? AbortSignal.any([o.signal, this.closing.signal]) : this.closing.signal;
    if (!o.mayWait && this.slots.waiting >= this.waitingRoom() && this.slots.running >= this.o.max()) throw this.refuse(what);
    let release = this.slots.tryAcquire();
    if (!release) {
      const acquiring = this.slots.acquire(signal);
      this.peakWaiting = Math.max(this.peakWaiting, this.slots.waiting);
      release = await acquiring;
    }
    this.peakRunning = Math.max(this.peakRunning, this.slots.running);
    try {
      signal.throwIfAborted();
      return await work(signal);
    } finally {
      release();
    }
  }

  stats(): MediaJobsStats {
    return { max: this.o.max(), running: this.slots.running, waiting: this.slots.waiting, peakRunning: this.peakRunning, peakWaiting: this.peakWaiting, refused: this.refused };
  }

  resetPeaks(): void {
    this.peakRunning = this.slots.running;
    this.peakWaiting = this.slots.waiting;
    this.refused = 0;
  }

  /** Aborts what runs and what waits (the studio is stopping). */
  close(): void {
    this.closing.abort(Object.assign(new Error('the studio is stopping'), { name: 'AbortError' }));
  }

  private waitingRoom(): number {
    return this.o.max() * (this.o.queueFactor ?? 4);
  }

  private refuse(what: string): Busy {
    this.refused++;
    const message = `${this.slots.running} media jobs are running and ${this.slots.waiting} waiting (setting mediaJobsMax = ${this.o.max()}, line of ${this.waitingRoom()})`;
    this.warning.hit(`media jobs: refused a ${what}: ${message}`);
    return new Busy(`the studio is busy with other exports and thumbnails: ${message}; try again in a few seconds`);
  }
}
