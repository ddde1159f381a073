import type fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { writeAll } from './write-all.js';

/** A file handle whose writev takes at most the next of `takes` bytes per call (as a disk filling up or a signal would). */
function stingyHandle(takes: number[]) {
  const written: number[] = [];
  const calls: number[][] = [];
  const handle = {
    async writev(buffers: readonly Uint8Array[]) {
      calls.push(buffers.map((b) => b.length));
      let budget = takes.shift() ?? Number.POSITIVE_INFINITY;
      let bytesWritten = 0;
      for (const b of buffers) {
        const n = Math.min(b.length, budget);
        written.push(...b.subarray(0, n));
        bytesWritten += n;
        budget -= n;
        if (budget === 0) break;
      }
      return { bytesWritten, buffers };
    },
  };
  return { handle: handle as unknown as fs.FileHandle, written, calls };
}

const pieces = () => [Uint8Array.of(1, 2, 3), new Uint8Array(0), Uint8Array.of(4, 5), Uint8Array.of(6, 7, 8, 9)];

describe('writeAll', () => {
  it('goes on from where a short write stopped: inside a piece, on a boundary, one byte at a time', async () => {
    for (const takes of [[2], [3], [5, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1], [9]]) {
      const { handle, written } = stingyHandle([...takes]);
      await writeAll(handle, pieces());
      expect(written, `takes ${takes.join(',')}`).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
  });

  it('asks again with only what is left, empty pieces left out', async () => {
    const { handle, calls } = stingyHandle([4]);
    await writeAll(handle, pieces());
    expect(calls).toEqual([
      [3, 2, 4],
      [1, 4],
    ]);
  });

  it('fails instead of spinning when the disk takes nothing', async () => {
    const { handle } = stingyHandle([2, 0]);
    await expect(writeAll(handle, pieces())).rejects.toMatchObject({ code: 'EIO' });
  });

  it('passes a refusal on (a full disk)', async () => {
    const handle = { writev: () => Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })) } as unknown as fs.FileHandle;
    await expect(writeAll(handle, pieces())).rejects.toMatchObject({ code: 'ENOSPC' });
  });
});
