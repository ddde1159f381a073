/**
 * A number of turns at once, the rest waiting in line, first come first served. A waiter
 * whose signal aborts leaves the line at once; the limit is read at every turn, so a
 * settings change applies to the next one.
 */
export class Slots {
  private active = 0;
  private readonly line = new Set<() => void>();

  constructor(private readonly limit: () => number) {}

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.line.size;
  }

  /** A turn now (its release), or null when the line is not empty or every turn is taken. */
  tryAcquire(): (() => void) | null {
    return this.line.size === 0 && this.active < this.limit() ? this.take() : null;
  }

  /** Resolves with the release of a turn once it is ours; rejects with the signal's reason when that aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const now = this.tryAcquire();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const leave = () => {
        this.line.delete(go);
        reject(abortReason(signal!));
      };
      const go = () => {
        signal?.removeEventListener('abort', leave);
        resolve(this.take());
      };
      this.line.add(go);
      signal?.addEventListener('abort', leave, { once: true });
    });
  }

  private take(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.next();
    };
  }

  private next(): void {
    while (this.active < this.limit() && this.line.size > 0) {
      const go = this.line.values().next().value!;
      this.line.delete(go);
      go();
    }
  }
}

/** The reason a signal aborted, always an Error (AbortSignal.abort() gives a DOMException, which is one). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : Object.assign(new Error('aborted'), { name: 'AbortError' });
}
