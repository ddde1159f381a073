import fs from 'node:fs/promises';
import path from 'node:path';
import { writeAll } from './write-all.js';

/**
 * Writes a file so that a crash leaves either the old or the new content, never a
 * torn mix: write a sibling temp file, fsync it, rename over, fsync the folder.
 * `data` may be pieces (a media segment's head and payloads): one gathering write
 * puts them in the file without joining them in memory first.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array | readonly Uint8Array[], mode = 0o644, tmp = `${file}.tmp-${process.pid}-${Date.now()}`): Promise<void> {
  const handle = await fs.open(tmp, 'w', mode);
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
    else await writeAll(handle, data);
    await handle.sync();
  } catch (err) {
    // A full disk must not also keep the half-written file.
    await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await syncDir(path.dirname(file));
}

async function syncDir(dir: string): Promise<void> {
  // Directory fsync is not possible on Windows; the rename is still atomic there.
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
