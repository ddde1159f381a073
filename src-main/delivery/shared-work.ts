import { abortReason } from './slots.js';

/**
 * Work several requests may wait for (the same thumbnail, the same export plan). Each
 * request stops waiting as soon as it goes away itself, and the work is aborted once
 * every request that waited for it has gone: nobody is left to use the result. A
 * follower without a signal keeps the work going to the end (a background job).
 */
export class SharedWork<T> {
  readonly done: Promise<T>;
  private readonly controller = new AbortController();
  private followers = 0;
  private kept = false;

  constructor(work: (signal: AbortSignal) => Promise<T>) {
    this.done = work(this.controller.signal);
    // Nobody may be following any more when it fails: never an unhandled rejection.
    this.done.catch(() => undefined);
  }

  /** True once every follower left: the work is being aborted, a new request must start afresh. */
  get abandoned(): boolean {
    return this.controller.signal.aborted;
  }

  follow(signal?: AbortSignal): Promise<T> {
    if (!signal) {
      this.kept = true;
      return this.done;
    }
    if (signal.aborted) return Promise.reject(abortReason(signal));
    this.followers++;
    return new Promise<T>((resolve, reject) => {
      const leave = () => {
        this.followers--;
        if (this.followers === 0 && !this.kept) this.controller.abort(abortReason(signal));
        reject(abortReason(signal));
      };
      signal.addEventListener('abort', leave, { once: true });
      this.done.then(
        (value) => {
          signal.removeEventListener('abort', leave);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', leave);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}
