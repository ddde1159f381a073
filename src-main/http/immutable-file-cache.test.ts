import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test-support/temp-dir.js';
import { ImmutableFileCache } from './immutable-file-cache.js';

const dir = useTempDir('framehouse-file-cache-');

async function file(name: string, bytes: number): Promise<string> {
  const p = path.join(dir(), name);
  await fs.writeFile(p, Buffer.alloc(bytes, name.charCodeAt(0)));
  return p;
}

describe('immutable file cache', () => {
  it('answers from memory after the first read, keeps the newest within its budget, and streams big files', async () => {
    const cache = new ImmutableFileCache(3000, 1500);
    const [a, b, c, big] = [await file('a', 1000), await file('b', 1000), await file('c', 1000), await file('big', 2000)];
    const first = await cache.get(a);
    expect(first?.bytes.equals(Buffer.alloc(1000, 'a'.charCodeAt(0)))).toBe(true);
    await fs.rm(a);
    expect(await cache.get(a)).toBe(first); // a hit reads nothing
    await cache.get(b);
    await cache.get(a); // a is the youngest again
    await cache.get(c);
    expect(cache.stats()).toEqual({ files: 3, bytes: 3000 });
    await cache.get(await file('d', 1000)); // over budget: the least recent (b) goes
    expect(cache.stats()).toEqual({ files: 3, bytes: 3000 });
    await fs.rm(b);
    await expect(cache.get(b)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await cache.get(a)).toBe(first);
    expect(await cache.get(big)).toBeNull();
  });

  it('shares one read among concurrent first requests', async () => {
    const cache = new ImmutableFileCache(1 << 20);
    const f = await file('s', 4096);
    const results = await Promise.all(Array.from({ length: 20 }, () => cache.get(f)));
    expect(new Set(results).size).toBe(1);
    expect(cache.stats().files).toBe(1);
  });
});
