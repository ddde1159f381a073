// The animation-frame clock the DVR engine runs on: the browser's by default, a
// test's own where frames must be stepped by hand.

export interface FrameScheduler {
  /** Calls back before the next repaint with the frame's time (ms, as performance.now). */
  request(callback: (now: number) => void): number;
  cancel(handle: number): void;
}

export const animationFrames: FrameScheduler = {
  request: (callback) => requestAnimationFrame(callback),
  cancel: (handle) => cancelAnimationFrame(handle),
};
