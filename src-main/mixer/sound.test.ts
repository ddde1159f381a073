import { describe, expect, it } from 'vitest';
import { Limiter, sampleRate, SoundQueue, tickFrames } from './sound.js';

/** Interleaved stereo 16-bit samples, every one `value`. */
const block = (frames: number, value: number) => {
  const b = Buffer.alloc(frames * 4);
  for (let i = 0; i < frames * 2; i++) b.writeInt16LE(value, i * 2);
  return b;
};

describe('mixer sound', () => {
  it('gives every tick its whole share of samples, exactly a second over a second of ticks at any rate', () => {
    for (const fps of [1, 7, 24, 25, 30, 60]) {
      let total = 0;
      for (let n = 0; n < fps; n++) total += tickFrames(n, fps);
      expect(total, `${fps} fps`).toBe(sampleRate);
    }
  });

  it('waits for a prime, then takes by volume, sums with others, and is silent where an input has nothing', () => {
    const a = new SoundQueue();
    const b = new SoundQueue();
    const sum = new Int32Array(1920 * 2);
    a.push(block(1000, 1000));
    a.addInto(sum, 960, 1);
    expect(sum[0]).toBe(0); // under the 100 ms prime: not yet
    a.push(block(8000, 1000));
    b.push(block(8000, 2000));
    a.addInto(sum, 960, 0.5);
    b.addInto(sum, 960, 1);
    expect(sum[0]).toBe(500 + 2000);
    expect(sum[960 * 2 - 1]).toBe(2500);
    expect(b.peak).toBeCloseTo(2000 / 32768, 5);
    // A queue past half a second (a source ahead of the mix's clock) is cut back to the prime.
    b.push(block(48_000, 0));
    expect(b.queuedFrames).toBe(4800);
  });

  it('limits a sum that would clip, at once, and lets the gain back up slowly', () => {
    const limiter = new Limiter();
    const out = Buffer.alloc(8);
    limiter.process(Int32Array.from([60_000, -60_000, 0, 0]), 4, out);
    expect(Math.abs(out.readInt16LE(0))).toBeLessThanOrEqual(32767 * 0.95 + 1);
    expect(out.readInt16LE(2)).toBeLessThan(0);
    limiter.process(Int32Array.from([10_000, 0, 0, 0]), 4, out);
    expect(out.readInt16LE(0)).toBeLessThan(10_000); // still recovering
    for (let i = 0; i < 20; i++) limiter.process(Int32Array.from([10_000, 0, 0, 0]), 4, out);
    expect(out.readInt16LE(0)).toBe(10_000);
  });
});
