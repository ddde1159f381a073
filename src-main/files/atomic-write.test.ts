import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test-support/temp-dir.js';
import { writeFileAtomic } from './atomic-write.js';

const tempDir = useTempDir();

describe('writeFileAtomic', () => {
  it('writes pieces in order as one file, empty pieces and all, over what was there', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'segment.m4s');
    await fs.writeFile(file, 'old content, longer than the new one');
    // More pieces than one writev may carry (IOV_MAX is 1024 on Linux).
    const pieces = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? new Uint8Array(0) : Uint8Array.of(i & 0xff, (i >> 8) & 0xff)));
    await writeFileAtomic(file, pieces);
    const written = await fs.readFile(file);
    expect(written.equals(Buffer.concat(pieces))).toBe(true);
    expect(await fs.readdir(dir)).toEqual(['segment.m4s']);
  });

  it('leaves the old file whole when the temporary file cannot be made', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'keep.bin');
    await fs.writeFile(file, 'kept');
    await expect(writeFileAtomic(file, [Uint8Array.of(1)], 0o644, path.join(dir, 'missing-folder', 'tmp'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await fs.readFile(file, 'utf8')).toBe('kept');
  });

  it('leaves neither a half-written temporary file nor a changed file when the write fails', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'keep.bin');
    await fs.writeFile(file, 'kept');
    // A piece whose bytes cannot be read: the write fails after the temporary file exists.
    const broken = new Uint8Array(4);
    Object.defineProperty(broken, 'length', { get: () => { throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }); } });
    await expect(writeFileAtomic(file, [Uint8Array.of(1), broken])).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await fs.readdir(dir)).toEqual(['keep.bin']);
    expect(await fs.readFile(file, 'utf8')).toBe('kept');
  });
});
