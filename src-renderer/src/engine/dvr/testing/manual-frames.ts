// Animation frames stepped by hand, for tests of the DVR engine in Node (no
// requestAnimationFrame there). Test support only: nothing in the app imports it.
import type { FrameScheduler } from '../frames';

export class ManualFrames implements FrameScheduler {
  private next = 1;
  readonly pending = new Map<number, (now: number) => void>();

  request(callback: (now: number) => void): number {
    this.pending.set(this.next, callback);
    return this.next++;
  }

  cancel(handle: number): void {
    this.pending.delete(handle);
  }

  /** Runs the frames asked for so far (those they ask for wait for the next run). */
  run(now = performance.now()): void {
    const callbacks = [...this.pending.values()];
    this.pending.clear();
    for (const callback of callbacks) callback(now);
  }
}
