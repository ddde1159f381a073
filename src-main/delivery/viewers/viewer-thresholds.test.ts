import { describe, expect, it } from 'vitest';
import { ViewerThresholds, type ThresholdCrossing } from './viewer-thresholds.js';

function rig(initial: number[]) {
  let thresholds = initial;
  const told: ThresholdCrossing[] = [];
  const sampler = new ViewerThresholds({ thresholds: () => thresholds, onCross: (c) => told.push(c) });
  return { sampler, told, set: (next: number[]) => (thresholds = next) };
}

describe('viewer thresholds', () => {
  it('tells each threshold crossed between two samples, up in rising order and down in falling order', () => {
    const { sampler, told } = rig([100, 10, 10, 50]);
    sampler.sample([{ name: 'a', viewers: 9 }, { name: 'b', viewers: 0 }]);
    expect(told).toEqual([]);
    sampler.sample([{ name: 'a', viewers: 60 }]);
    expect(told.splice(0)).toEqual([
      { stream: 'a', viewers: 60, threshold: 10, direction: 'up' },
      { stream: 'a', viewers: 60, threshold: 50, direction: 'up' },
    ]);
    sampler.sample([{ name: 'a', viewers: 50 }]);
    expect(told).toEqual([]);
    // A stream gone from the listing counts as watched by nobody.
    sampler.sample([]);
    expect(told.splice(0)).toEqual([
      { stream: 'a', viewers: 0, threshold: 50, direction: 'down' },
      { stream: 'a', viewers: 0, threshold: 10, direction: 'down' },
    ]);
  });

  it('keeps counting while off, so turning thresholds on tells only of later crossings', () => {
    const { sampler, told, set } = rig([]);
    sampler.sample([{ name: 'a', viewers: 20 }]);
    set([10]);
    sampler.sample([{ name: 'a', viewers: 20 }]);
    expect(told).toEqual([]);
    sampler.sample([{ name: 'a', viewers: 9 }]);
    expect(told).toEqual([{ stream: 'a', viewers: 9, threshold: 10, direction: 'down' }]);
  });
});
