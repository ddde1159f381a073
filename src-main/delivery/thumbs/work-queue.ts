// A small queue of work with a fixed number running at once: the same key asked for
// twice shares one run, a full queue refuses (the caller says "busy"), and closing it
// aborts what runs and refuses what waits.
import { HttpError } from '../../api/http-error.js';

interface Entry {
  key: string;
  start: () => void;
  reject: (error: Error) => void;
}

export class WorkQueue {
  private readonly waiting: Entry[] = [];
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly controller = new AbortController();
  private running = 0;

  constructor(private readonly o: { concurrency: number; maxWaiting: number; what: string }) {}

  get size(): number {
    return this.inFlight.size;
  }

  run<T>(key: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(key);
    if (existing) return existing as Promise<T>;
    if (this.controller.signal.aborted) return Promise.reject(new HttpError(503, 'Stopping', 'the studio is stopping'));
    if (this.waiting.length >= this.o.maxWaiting) {
      return Promise.reject(new HttpError(503, 'Busy', `too many ${this.o.what} are being made right now; try again in a few seconds`));
    }
    const promise = new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        work(this.controller.signal)
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.inFlight.delete(key);
            this.next();
          });
      };
      this.waiting.push({ key, start, reject });
    });
    this.inFlight.set(key, promise);
    // Nobody may be waiting for it (a background job): its failure is the caller's to see, never an unhandled rejection.
    promise.catch(() => undefined);
    this.next();
    return promise;
  }

  close(): void {
    this.controller.abort();
    for (const entry of this.waiting.splice(0)) {
      this.inFlight.delete(entry.key);
      entry.reject(new HttpError(503, 'Stopping', 'the studio is stopping'));
    }
  }

  private next(): void {
    while (this.running < this.o.concurrency && this.waiting.length > 0) this.waiting.shift()!.start();
  }
}
