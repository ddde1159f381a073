// A small queue of work with a fixed number running at once: the same key asked for
// twice shares one run, a full queue refuses (the caller says "busy"), a run whose
// every requester left is dropped from the queue or aborted, and closing it aborts
// what runs and refuses what waits.
import { Problem } from '../../contract/problem.js';
import { SharedWork } from '../shared-work.js';
import { Slots } from '../slots.js';

export class WorkQueue {
  private readonly slots: Slots;
  private readonly inFlight = new Map<string, SharedWork<unknown>>();
  private readonly controller = new AbortController();

  constructor(private readonly o: { concurrency: number; maxWaiting: number; what: string }) {
    this.slots = new Slots(() => o.concurrency);
  }

  get size(): number {
    return this.inFlight.size;
  }

  /**
   * The result of the run for `key`, started (or queued) when none is under way. With a
   * `signal`, this caller stops waiting when it aborts, and the run stops once no caller
   * is left; without one, the run is kept to its end (background work).
   */
  run<T>(key: string, work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const existing = this.inFlight.get(key) as SharedWork<T> | undefined;
    if (existing && !existing.abandoned) return existing.follow(signal);
    if (this.controller.signal.aborted) return Promise.reject(new Problem('unavailable', 'Stopping', 'the studio is stopping'));
    if (this.slots.waiting >= this.o.maxWaiting) {
      return Promise.reject(new Problem('unavailable', 'Busy', `too many ${this.o.what} are being made right now; try again in a few seconds`));
    }
    const shared = new SharedWork<T>(async (own) => {
      const stop = AbortSignal.any([own, this.controller.signal]);
      // A free turn starts the work at once; otherwise it waits in line.
      const release = this.slots.tryAcquire() ?? (await this.slots.acquire(stop));
      try {
        stop.throwIfAborted();
        return await work(stop);
      } finally {
        release();
      }
    });
    this.inFlight.set(key, shared);
    shared.done.then(
      () => this.settled(key, shared),
      () => this.settled(key, shared),
    );
    return shared.follow(signal);
  }

  close(): void {
    this.controller.abort(new Problem('unavailable', 'Stopping', 'the studio is stopping'));
  }

  private settled(key: string, shared: SharedWork<unknown>): void {
    if (this.inFlight.get(key) === shared) this.inFlight.delete(key);
  }
}
