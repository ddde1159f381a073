import fs from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test-support/temp-dir.js';
import { SegmentCache } from './segment-cache.js';

const tempDir = useTempDir();

describe('VOD segment cache', () => {
  it('makes a missing file once however many ask at the same time, then serves it from disk', async () => {
    const cache = new SegmentCache({ root: tempDir(), limitBytes: () => 1 << 20, log: pino({ level: 'silent' }) });
    let made = 0;
    const make = async () => {
      made++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return Buffer.from('segment bytes');
    };
    const files = await Promise.all(Array.from({ length: 10 }, () => cache.get('k/720p/3.ts', make)));
    expect(made).toBe(1);
    expect(new Set(files).size).toBe(1);
    expect(await fs.readFile(files[0]!, 'utf8')).toBe('segment bytes');
    await cache.get('k/720p/3.ts', make);
    expect(made).toBe(1);
  });

  it('keeps within its limit by dropping the least recently played, and knows what an earlier run left', async () => {
    const log = pino({ level: 'silent' });
    const cache = new SegmentCache({ root: tempDir(), limitBytes: () => 250, log });
    const bytes = (n: number) => async () => Buffer.alloc(100, n);
    await cache.get('a.ts', bytes(1));
    await cache.get('b.ts', bytes(2));
    await cache.get('a.ts', bytes(1)); // a played again: b is now the oldest
    await cache.get('c.ts', bytes(3));
    expect(cache.bytes).toBe(200);
    expect((await fs.readdir(tempDir())).sort()).toEqual(['a.ts', 'c.ts']);
    // A failed making leaves nothing behind, and the next request tries again.
    await expect(cache.get('d.ts', async () => Promise.reject(new Error('ffmpeg failed')))).rejects.toThrow('ffmpeg failed');
    expect(await cache.get('d.ts', bytes(4))).toBe(path.join(tempDir(), 'd.ts'));
    // A new run (the studio restarted) counts what is on disk and removes half-written files.
    await fs.writeFile(path.join(tempDir(), 'e.ts.tmp-1-2'), 'partial');
    const again = new SegmentCache({ root: tempDir(), limitBytes: () => 250, log });
    await again.get('f.ts', bytes(5));
    expect((await fs.readdir(tempDir())).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(again.bytes).toBeLessThanOrEqual(250);
  });
});
