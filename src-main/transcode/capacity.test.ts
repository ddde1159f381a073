import { describe, expect, it } from 'vitest';
import { ladderCost, TranscodeCapacity } from './capacity.js';

const capacity = () => new TranscodeCapacity({ cores: 2, softwareMppsPerCore: 50, softwareShare: 0.8, hardwareSessions: { nvenc: 2 } });

describe('transcoding capacity', () => {
  it('prices a ladder by the pixels it writes, decoding the source once', () => {
    // 1080p30 → 720p/480p/360p: ≈ 47 MP/s written, 62 MP/s decoded.
    expect(ladderCost({ width: 1920, height: 1080, fps: 30 }, [{ height: 720, fps: null }, { height: 480, fps: null }, { height: 360, fps: null }])).toBeCloseTo(58.9, 0);
    expect(ladderCost({ width: 1920, height: 1080, fps: 30 }, [{ height: 360, fps: 15 }])).toBeCloseTo(15.9, 0);
  });

  it('runs software jobs while the CPU budget holds, then queues them first come first served', async () => {
    const c = capacity();
    const a = c.tryAcquire('libx264', 60);
    expect('release' in a).toBe(true);
    expect(c.tryAcquire('libx264', 30)).toEqual({ reason: expect.stringMatching(/CPU is taken: 60 of 80 MP\/s/) });
    const reasons: string[] = [];
    const big = c.acquire('libx264', 70, { onQueued: (r) => reasons.push(r) });
    const small = c.acquire('libx264', 5, { onQueued: (r) => reasons.push(r) });
    expect(reasons[1]).toMatch(/1 transcoding job\(s\) are waiting/);
    (a as { release(): void }).release();
    // The head of the line goes first; the small one fits beside it.
    const bigLease = await big;
    await small;
    expect(c.usage()).toMatchObject({ softwareMpps: 75, waiting: 0 });
    bigLease.release();
    expect(c.usage()).toMatchObject({ softwareMpps: 5, waiting: 0 });
  });

  it('lets one job larger than the whole budget run alone', () => {
    expect('release' in capacity().tryAcquire('libx264', 500)).toBe(true);
  });

  it('counts hardware sessions per family, and a release is idempotent', () => {
    const c = capacity();
    const one = c.tryAcquire('h264_nvenc', 0) as { release(): void };
    c.tryAcquire('hevc_nvenc', 0);
    expect(c.tryAcquire('h264_nvenc', 0)).toEqual({ reason: 'all 2 nvenc sessions are in use' });
    one.release();
    one.release();
    expect(c.usage().hardwareSessions).toEqual({ nvenc: 1 });
  });

  it('lets the next in line go when the one ahead of it is stopped', async () => {
    const c = capacity();
    const hog = c.tryAcquire('libx264', 60) as { release(): void };
    const stop = new AbortController();
    const big = c.acquire('libx264', 70, { signal: stop.signal });
    const small = c.acquire('libx264', 10);
    stop.abort(new Error('stream ended'));
    await expect(big).rejects.toThrow('stream ended');
    // 60 + 10 fits: the small job no longer waits behind the one that left.
    await small;
    expect(c.usage()).toMatchObject({ softwareMpps: 70, waiting: 0 });
    hog.release();
  });

  it('gives up a place in line when the job is stopped', async () => {
    const c = capacity();
    c.tryAcquire('libx264', 80);
    const stop = new AbortController();
    const waiting = c.acquire('libx264', 10, { signal: stop.signal });
    stop.abort(new Error('stream ended'));
    await expect(waiting).rejects.toThrow('stream ended');
    expect(c.usage().waiting).toBe(0);
  });
});
