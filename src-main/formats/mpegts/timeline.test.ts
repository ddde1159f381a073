import { describe, expect, it } from 'vitest';
import { TIMESTAMP_WRAP, Timeline } from './timeline.js';

describe('Timeline', () => {
  it('starts at the first value and unwraps across 2^33', () => {
    const t = new Timeline();
    expect(t.map(TIMESTAMP_WRAP - 3000)).toBe(TIMESTAMP_WRAP - 3000);
    expect(t.map(1000)).toBe(TIMESTAMP_WRAP + 1000);
    expect(t.mapNear(TIMESTAMP_WRAP - 500, TIMESTAMP_WRAP + 1000)).toBe(TIMESTAMP_WRAP - 500); // a PTS still before the wrap
    expect(t.map(TIMESTAMP_WRAP - 100)).toBe(TIMESTAMP_WRAP - 100); // a slightly late track, before the wrap
    expect(t.map(50_000)).toBe(TIMESTAMP_WRAP + 50_000);
    // ten more wraps, in quarter steps
    for (let k = 0; k < 10; k++) for (let v = 0; v < TIMESTAMP_WRAP; v += TIMESTAMP_WRAP / 4) t.map(v);
    expect(t.map(0)).toBe(11 * TIMESTAMP_WRAP);
  });

  it('shifts everything after a discontinuity', () => {
    const t = new Timeline();
    expect(t.map(900_000)).toBe(900_000);
    t.shift(-800_000);
    expect(t.map(903_000)).toBe(103_000);
    expect(t.mapNear(909_000, 103_000)).toBe(109_000);
  });
});
