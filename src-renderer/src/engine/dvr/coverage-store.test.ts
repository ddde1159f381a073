import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CoverageBucket } from '../../lib/timeline/coverage';
import type { TimeView } from '../../lib/timeline/time-scale';
import { CoverageStore, LIVE_REFRESH_MS, RETRY_AFTER_MS } from './coverage-store';

const T0 = 1_715_688_000; // on a 2400 s tile boundary (step 5 × 480 buckets)
const NOW = T0 + 1000;
/** The last hour at 3 s a pixel: the summary step is 5 s, a tile 2400 s. */
const hour: TimeView = { start: NOW - 3600, spp: 3, width: 1200 };

interface Call {
  stream: string;
  from: number;
  to: number;
  step: number;
  resolve(buckets: CoverageBucket[]): void;
  reject(err: Error): void;
}

/** The summary API as the server answers it, one promise per call, settled by the test. */
function summaryServer() {
  const calls: Call[] = [];
  const fetch = (stream: string, from: number, to: number, step: number) =>
    new Promise<CoverageBucket[]>((resolve, reject) => {
      calls.push({ stream, from, to, step, resolve, reject });
    });
  /** A full recording over the call's range. */
  const answer = (call: Call) => call.resolve([{ from: call.from, coverage: 1, bytes: call.step * 1000 }]);
  return { calls, fetch, answer };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const asked = (calls: Call[]) => calls.map(({ stream, from, to, step }) => ({ stream, from: from - T0, to: to - T0, step }));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('CoverageStore', () => {
  it('asks for the tiles the view shows (and a quarter beyond each edge), four at a time, none in the future', async () => {
    const server = summaryServer();
    let loaded = 0;
    const store = new CoverageStore(server.fetch, () => loaded++);
    store.request(['a', 'b'], hour, NOW);
    // [now − 4500, now + 900] at 2400 s tiles: three tiles a stream; the last is asked up to now only.
    expect(asked(server.calls)).toEqual([
      { stream: 'a', from: -4800, to: -2400, step: 5 },
      { stream: 'a', from: -2400, to: 0, step: 5 },
      { stream: 'a', from: 0, to: 1000, step: 5 },
      { stream: 'b', from: -4800, to: -2400, step: 5 },
    ]);
    server.answer(server.calls[0]!);
    await settle();
    expect(loaded).toBe(1);
    expect(asked(server.calls.slice(4))).toEqual([{ stream: 'b', from: -2400, to: 0, step: 5 }]);
    server.calls.slice(1).forEach(server.answer);
    await settle();
    expect(asked(server.calls.slice(5))).toEqual([{ stream: 'b', from: 0, to: 1000, step: 5 }]);
  });

  it('keeps what arrived, and asks again only for the tile reaching into the last minute, after a while', async () => {
    const server = summaryServer();
    const store = new CoverageStore(server.fetch, () => undefined);
    store.request(['a'], hour, NOW);
    server.calls.forEach(server.answer);
    await settle();
    expect(store.buckets('a', hour)).toEqual([
      { step: 5, buckets: [{ from: T0 - 4800, coverage: 1, bytes: 5000 }] },
      { step: 5, buckets: [{ from: T0 - 2400, coverage: 1, bytes: 5000 }] },
      { step: 5, buckets: [{ from: T0, coverage: 1, bytes: 5000 }] },
    ]);
    store.request(['a'], hour, NOW);
    expect(server.calls).toHaveLength(3);
    vi.setSystemTime(NOW * 1000 + LIVE_REFRESH_MS + 1);
    store.request(['a'], hour, NOW + 4);
    expect(asked(server.calls.slice(3))).toEqual([{ stream: 'a', from: 0, to: 1005, step: 5 }]);
  });

  it('shows a coarser level already here while the wanted one loads', async () => {
    const server = summaryServer();
    const store = new CoverageStore(server.fetch, () => undefined);
    // Zoomed out: 40 s a pixel asks for 60 s steps, in 8-hour tiles.
    const day: TimeView = { start: NOW - 12 * 3600, spp: 40, width: 1200 };
    store.request(['a'], day, NOW);
    expect(server.calls.every((c) => c.step === 60)).toBe(true);
    server.calls.forEach(server.answer);
    await settle();
    // Zoomed in again: the 5 s tiles are on their way; the 60 s tile covering them stands in.
    store.request(['a'], hour, NOW);
    expect(server.calls.slice(-3).map((c) => c.step)).toEqual([5, 5, 5]);
    const shown = store.buckets('a', hour);
    expect(shown.map((level) => level.step)).toEqual([60, 60, 60]);
    expect(shown[0]!.buckets[0]!.from).toBe(T0 - 14_400);
    // Nothing of a stream never asked for.
    expect(store.buckets('b', hour)).toEqual([]);
  });

  it('keeps the error of a failed tile and leaves it alone for a few seconds', async () => {
    const server = summaryServer();
    let loaded = 0;
    const store = new CoverageStore(server.fetch, () => loaded++);
    store.request(['a'], hour, NOW);
    server.calls[0]!.reject(new Error('The studio is not reachable'));
    server.calls.slice(1).forEach(server.answer);
    await settle();
    expect(store.error).toBe('The studio is not reachable');
    expect(loaded).toBe(3);
    store.request(['a'], hour, NOW);
    expect(server.calls).toHaveLength(3);
    vi.setSystemTime(NOW * 1000 + RETRY_AFTER_MS);
    store.request(['a'], hour, NOW);
    // The failed tile, and the live one, which is stale by now.
    expect(asked(server.calls.slice(3))).toEqual([
      { stream: 'a', from: -4800, to: -2400, step: 5 },
      { stream: 'a', from: 0, to: 1005, step: 5 },
    ]);
    server.calls.slice(3).forEach(server.answer);
    await settle();
    expect(store.error).toBeNull();
  });

  it('the newest request replaces what was still waiting to be asked', async () => {
    const server = summaryServer();
    const store = new CoverageStore(server.fetch, () => undefined);
    store.request(['a', 'b'], hour, NOW);
    expect(server.calls).toHaveLength(4);
    // Panned a day back before the rest was asked: b's last two tiles of the hour are not wanted any more.
    const earlier: TimeView = { ...hour, start: hour.start - 86_400 };
    store.request(['b'], earlier, NOW);
    server.calls.slice(0, 4).forEach(server.answer);
    await settle();
    const later = server.calls.slice(4);
    expect(later.length).toBeGreaterThan(0);
    // A day back, not the hour's tiles (which end at T0 and at now).
    expect(later.every((c) => c.stream === 'b' && c.to <= T0 - 80_000)).toBe(true);
  });

  it('forgets one stream when its archive changed, or everything', async () => {
    const server = summaryServer();
    const store = new CoverageStore(server.fetch, () => undefined);
    store.request(['a', 'b'], hour, NOW);
    for (let i = 0; i < 6; i++) {
      server.calls.forEach(server.answer);
      await settle();
    }
    expect(store.buckets('a', hour)).toHaveLength(3);
    store.invalidate('a');
    expect(store.buckets('a', hour)).toEqual([]);
    expect(store.buckets('b', hour)).toHaveLength(3);
    store.invalidate();
    expect(store.buckets('b', hour)).toEqual([]);
  });
});
