import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../test-support/temp-dir.js';
import { ThumbCache } from './thumb-cache.js';
import { WorkQueue } from './work-queue.js';
import { exactPictureIn, type SegmentVideo } from './archive-pictures.js';
import type { Frame, VideoTrack } from '../../media/index.js';
import { pathTimeMs } from '../../api/routes/thumbs.js';
import { spriteGrid } from './sprite-sheet.js';

const dir = useTempDir();

describe('thumbnail cache', () => {
  it('keeps entries on disk and drops the least recently used past its limit', async () => {
    const cache = new ThumbCache(dir(), 10_000);
    const kb = (n: number) => new Uint8Array(1000).fill(n);
    for (let i = 0; i < 8; i++) {
      await cache.put(`k${i}`, 'jpg', kb(i));
      // mtimes a second apart, oldest first
      const at = new Date(Date.now() - (100 - i) * 1000);
      await fs.utimes(cache.file(`k${i}`, 'jpg'), at, at);
    }
    expect((await cache.get('k0', 'jpg'))?.[0]).toBe(0); // read: now the most recently used
    for (let i = 8; i < 12; i++) await cache.put(`k${i}`, 'jpg', kb(i));
    const present = await Promise.all(Array.from({ length: 12 }, async (_, i) => (await fs.stat(cache.file(`k${i}`, 'jpg')).catch(() => null)) !== null));
    // Past 10 kB it was trimmed to 8 kB, the oldest unread ones first; never over the limit since.
    expect(present.filter(Boolean).length).toBe(9);
    expect(present[0]).toBe(true);
    expect(present[1]).toBe(false);
    expect(present[11]).toBe(true);
    expect(await cache.get('missing', 'jpg')).toBeNull();
    expect(cache.file('live/../../etc', 'jpg').startsWith(dir())).toBe(true);
  });
});

describe('work queue', () => {
  it('runs one at a time, shares a key, refuses when full and when closed', async () => {
    const q = new WorkQueue({ concurrency: 1, maxWaiting: 2, what: 'sprites' });
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a = q.run('a', async () => {
      order.push('a');
      await gate;
      return 'A';
    });
    const a2 = q.run('a', async () => 'other');
    const b = q.run('b', async () => (order.push('b'), 'B'));
    const c = q.run('c', async () => 'C');
    await expect(q.run('d', async () => 'D')).rejects.toMatchObject({ kind: 'unavailable', detail: /too many sprites/ });
    expect(order).toEqual(['a']);
    release();
    expect(await Promise.all([a, a2, b, c])).toEqual(['A', 'A', 'B', 'C']);
    expect(order).toEqual(['a', 'b']);
    const never = q.run('e', (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))));
    const waiting = q.run('f', async () => 'F');
    q.close();
    await expect(never).rejects.toThrow('aborted');
    await expect(waiting).rejects.toMatchObject({ kind: 'unavailable' });
    await expect(q.run('g', async () => 'G')).rejects.toMatchObject({ kind: 'unavailable' });
  });
});

describe('times and pictures', () => {
  it('reads the UTC second of a path and refuses impossible dates', () => {
    expect(pathTimeMs(['2024', '02', '29', '23', '59', '59'])).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
    for (const bad of [['2023', '02', '29', '00', '00', '00'], ['2024', '00', '10', '00', '00', '00'], ['2024', '01', '10', '24', '00', '00'], ['2024', '01', '10', '00', '60', '00']]) {
      expect(() => pathTimeMs(bad)).toThrow(/not a UTC date/);
    }
  });

  it('finds the frames that decode to the picture at a time, B-frames included', () => {
    const track = { kind: 'video', id: 0, timescale: 1000, codec: 'h264', config: new Uint8Array(), width: 640, height: 360, profile: 'High', level: '3', declaredFps: 10 } as VideoTrack;
    // Decode order I0 P3 B1 B2 I4 P7 B5 B6 (the digit is pts in 100 ms); shown 0..7 in order.
    const layout: [number, boolean][] = [[0, true], [3, false], [1, false], [2, false], [4, true], [7, false], [5, false], [6, false]];
    const frames: Frame[] = layout.map(([p, key], i) => ({ trackId: 0, dts: i * 100 - 100, pts: p * 100, keyframe: key, data: new Uint8Array([i]), arrivedAt: 0 }));
    const start = 1_700_000_000_000;
    const video: SegmentVideo = { segment: { stream: 's', startMs: start, durationMs: 800, bytes: 0, file: 'f', initId: 1, firstKeyframe: true, discontinuity: false }, track, frames, utcMs: Float64Array.from(frames, (f) => start + f.pts) };
    const at = (ms: number) => exactPictureIn(video, start + ms);
    expect(at(250)).toMatchObject({ position: 2, utcMs: start + 200 });
    expect(at(250)!.frames.map((f) => f.data[0])).toEqual([0, 1, 2, 3]);
    expect(at(0)).toMatchObject({ position: 0 });
    expect(at(699)!.frames.map((f) => f.data[0])).toEqual([4, 5, 6, 7]);
    expect(at(699)).toMatchObject({ position: 2, utcMs: start + 600 });
    expect(at(-1)).toBeNull();
  });

  it('lays sprites out at most ten tiles across', () => {
    expect(spriteGrid(1)).toEqual({ columns: 1, rows: 1 });
    expect(spriteGrid(100)).toEqual({ columns: 10, rows: 10 });
    expect(spriteGrid(401 - 1)).toEqual({ columns: 10, rows: 40 });
    expect(spriteGrid(12)).toEqual({ columns: 10, rows: 2 });
  });
});
