import type fs from 'node:fs/promises';

/**
 * Writes `pieces` in order at the file's position with gathering writes (writev), going
 * on from wherever a short write stopped: the pieces of a media segment reach the disk
 * without first being joined into one buffer.
 */
export async function writeAll(handle: fs.FileHandle, pieces: readonly Uint8Array[]): Promise<void> {
  let rest = pieces.filter((p) => p.length > 0);
  while (rest.length > 0) {
    let { bytesWritten } = await handle.writev(rest);
    if (bytesWritten === 0) throw Object.assign(new Error('the disk took no bytes'), { code: 'EIO' });
    let i = 0;
    while (i < rest.length && bytesWritten >= rest[i]!.length) bytesWritten -= rest[i++]!.length;
    rest = rest.slice(i);
    if (bytesWritten > 0) rest[0] = rest[0]!.subarray(bytesWritten);
  }
}
