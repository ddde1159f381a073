import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SpriteMap } from '../../../../src-main/contract/stream-files';
import { ApiError } from '../../api/api-error';
import { LIVE_REFRESH_MS, MAX_ENTRIES, MAX_RETRIES, RETRY_MS, SPRITE_TILES, SpriteCache, type SpriteSource } from './sprite-cache';

const T0 = 1_715_688_000; // on a 600 s boundary
/** An hour ago: a 10-minute window (the span shown is 600 s) that no longer grows. */
const FROM = T0 - 3600;
const SPAN = 600;
const INTERVAL = SPAN / SPRITE_TILES; // 7.5 s

/** The map the server gives for a window: 80 tiles, ten across; tile 5 a gap. */
function spriteMap(from: number): SpriteMap {
  return {
    url: `/live/cam1/sprite-${from}-${SPAN}.jpg`,
    from,
    duration: SPAN,
    interval: INTERVAL,
    tileWidth: 160,
    tileHeight: 90,
    columns: 10,
    rows: 8,
    tiles: Array.from({ length: SPRITE_TILES }, (_, i) =>
      i === 5 ? null : { time: from + i * INTERVAL, keyframe: from + i * INTERVAL - 0.4, x: (i % 10) * 160, y: Math.floor(i / 10) * 90 },
    ),
  };
}

interface Ask {
  stream: string;
  from: number;
  duration: number;
  tiles: number;
  token: string | null;
  resolve(map: SpriteMap): void;
  reject(err: unknown): void;
}

/** The sprite endpoints, each request settled by the test; images load when `loadImages` says. */
function spriteServer() {
  const asks: Ask[] = [];
  const preloads: { url: string; done(): void }[] = [];
  const source: SpriteSource = {
    fetchMap: (stream, from, duration, tiles, token) =>
      new Promise((resolve, reject) => {
        asks.push({ stream, from, duration, tiles, token, resolve, reject });
      }),
    preload: (url) =>
      new Promise<void>((done) => {
        preloads.push({ url, done });
      }),
  };
  return { asks, preloads, source };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  vi.setSystemTime(T0 * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SpriteCache', () => {
  it('asks once for the window around t, and has a tile once the map and its image are in', async () => {
    const server = spriteServer();
    let ready = 0;
    const cache = new SpriteCache(server.source, () => ready++);
    const t = FROM + 93; // 12.4 intervals in: tile 12
    expect(cache.tileAt('live/cam1', 'tok', t, SPAN)).toBeNull();
    expect(cache.tileAt('live/cam1', 'tok', t + 1, SPAN)).toBeNull();
    expect(server.asks.map(({ stream, from, duration, tiles, token }) => ({ stream, from, duration, tiles, token }))).toEqual([
      { stream: 'live/cam1', from: FROM, duration: SPAN, tiles: 80, token: 'tok' },
    ]);

    server.asks[0]!.resolve(spriteMap(FROM));
    await flush();
    // The map is here but the sheet is still loading: not ready yet.
    expect(server.preloads.map((p) => p.url)).toEqual([`/live/cam1/sprite-${FROM}-600.jpg`]);
    expect(ready).toBe(0);
    expect(cache.tileAt('live/cam1', 'tok', t, SPAN)).toBeNull();

    server.preloads[0]!.done();
    await flush();
    expect(ready).toBe(1);
    expect(cache.tileAt('live/cam1', 'tok', t, SPAN)).toEqual({
      url: `/live/cam1/sprite-${FROM}-600.jpg`,
      x: 320,
      y: 90,
      width: 160,
      height: 90,
      sheetWidth: 1600,
      sheetHeight: 720,
      time: FROM + 90 - 0.4,
    });
    // The nearest tile's time wins: 12.6 intervals in is tile 13.
    expect(cache.tileAt('live/cam1', 'tok', FROM + 94.5, SPAN)).toMatchObject({ x: 480, y: 90 });
    // A gap in the recording, as the map says.
    expect(cache.tileAt('live/cam1', 'tok', FROM + 5 * INTERVAL, SPAN)).toBe('gap');
    expect(server.asks).toHaveLength(1);
  });

  it('asks nothing for the future, nor for spans over a day', () => {
    const server = spriteServer();
    const cache = new SpriteCache(server.source, () => undefined);
    expect(cache.tileAt('live/cam1', null, T0 + 10, SPAN)).toBeNull();
    expect(cache.tileAt('live/cam1', null, FROM, 2 * 86_400)).toBeNull();
    expect(server.asks).toHaveLength(0);
  });

  it('picks the window by the span shown: wider spans, wider aligned windows', () => {
    const server = spriteServer();
    const cache = new SpriteCache(server.source, () => undefined);
    cache.tileAt('live/cam1', null, FROM + 100, 3000);
    cache.tileAt('live/cam1', null, FROM + 100, 100);
    expect(server.asks.map((a) => [a.from, a.duration])).toEqual([
      [Math.floor((FROM + 100) / 3600) * 3600, 3600],
      [Math.floor((FROM + 100) / 120) * 120, 120],
    ]);
  });

  it('asks again while the sheet is still being made (503), a few times', async () => {
    const server = spriteServer();
    const cache = new SpriteCache(server.source, () => undefined);
    cache.tileAt('live/cam1', null, FROM, SPAN);
    for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
      expect(server.asks).toHaveLength(attempt + 1);
      server.asks[attempt]!.reject(new ApiError(503, { error: 'Service Unavailable', detail: 'The sprite is being made; ask again in 2 s' }));
      await flush();
      vi.advanceTimersByTime(RETRY_MS - 1);
      expect(server.asks).toHaveLength(attempt + 1);
      vi.advanceTimersByTime(1);
    }
    // Given up after the last retry.
    expect(server.asks).toHaveLength(MAX_RETRIES + 1);
  });

  it('does not ask again for a finished window that failed', async () => {
    const server = spriteServer();
    const cache = new SpriteCache(server.source, () => undefined);
    cache.tileAt('live/cam1', null, FROM, SPAN);
    server.asks[0]!.reject(new ApiError(404, { error: 'Not Found', detail: 'nothing recorded' }));
    await flush();
    vi.advanceTimersByTime(60_000);
    expect(cache.tileAt('live/cam1', null, FROM, SPAN)).toBeNull();
    expect(server.asks).toHaveLength(1);
  });

  it('refreshes a window that reaches into the last minute, showing the old sheet meanwhile', async () => {
    const server = spriteServer();
    const cache = new SpriteCache(server.source, () => undefined);
    const liveFrom = T0 - SPAN;
    const t = T0 - 30;
    cache.tileAt('live/cam1', null, t, SPAN);
    server.asks[0]!.resolve(spriteMap(liveFrom));
    await flush();
    server.preloads[0]!.done();
    await flush();
    const before = cache.tileAt('live/cam1', null, t, SPAN);
    expect(before).toMatchObject({ x: 960, y: 630 }); // 570 s in: tile 76, row 7, column 6
    expect(server.asks).toHaveLength(1);
    vi.setSystemTime((T0 + LIVE_REFRESH_MS / 1000 + 1) * 1000);
    expect(cache.tileAt('live/cam1', null, t, SPAN)).toEqual(before);
    expect(server.asks).toHaveLength(2);
    // Still loading, even long after: not asked a third time.
    cache.tileAt('live/cam1', null, t, SPAN);
    vi.setSystemTime((T0 + 2 * (LIVE_REFRESH_MS / 1000) + 2) * 1000);
    cache.tileAt('live/cam1', null, t, SPAN);
    expect(server.asks).toHaveLength(2);
  });

  it('keeps the most recent windows only', () => {
    const server = spriteServer();
    const cache = new SpriteCache(server.source, () => undefined);
    for (let i = 0; i <= MAX_ENTRIES; i++) cache.tileAt('live/cam1', null, FROM - i * SPAN, SPAN);
    expect(server.asks).toHaveLength(MAX_ENTRIES + 1);
    // The newest is still known (loading); the first was dropped, so it is asked for again.
    cache.tileAt('live/cam1', null, FROM - MAX_ENTRIES * SPAN, SPAN);
    expect(server.asks).toHaveLength(MAX_ENTRIES + 1);
    cache.tileAt('live/cam1', null, FROM, SPAN);
    expect(server.asks).toHaveLength(MAX_ENTRIES + 2);
  });
});
