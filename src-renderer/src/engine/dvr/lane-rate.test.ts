import { describe, expect, it } from 'vitest';
import { laneFps, nominalRate } from './lane-rate';

describe('lane frame rate', () => {
  it('snaps a measured rate to the nearest common one', () => {
    expect(nominalRate(29.8)).toBe(29.97);
    expect(nominalRate(30.2)).toBe(30);
    expect(nominalRate(25.4)).toBe(25);
    expect(nominalRate(59)).toBe(59.94);
    expect(nominalRate(100)).toBe(120);
    expect(nominalRate(12)).toBe(23.976);
  });

  it('takes the declared rate, else the archive’s, else the measured one, else 30', () => {
    expect(laneFps(25, 50, 30)).toBe(25);
    expect(laneFps(null, 50, 30)).toBe(50);
    expect(laneFps(null, undefined, 24.1)).toBe(24);
    expect(laneFps(null, undefined, null)).toBe(30);
  });

  it('ignores rates no camera has', () => {
    expect(laneFps(0, 0.5, null)).toBe(30);
    expect(laneFps(300, undefined, 29.96)).toBe(29.97);
    expect(laneFps(Number.NaN, 50, null)).toBe(50);
  });
});
