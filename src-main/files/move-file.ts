// Moving a file to a name that must not be taken: a hard link either makes the new name
// or fails because it exists (no window in which another file could be replaced), then
// the old name goes. Across disks the bytes are copied to a .partial first; where a file
// system has no hard links (FAT, exFAT) a checked rename does.
import fs from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { Problem } from '../contract/problem.js';

const noLinks = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);
const code = (error: unknown) => (error as NodeJS.ErrnoException).code;

async function placeWithoutReplacing(from: string, to: string): Promise<void> {
  try {
    await fs.link(from, to);
  } catch (error) {
    if (code(error) === 'EEXIST') throw new Problem('conflict', 'Name taken', `${to} already exists`);
    if (!noLinks.has(code(error) ?? '')) throw error;
    if (await fs.stat(to).then(() => true, () => false)) throw new Problem('conflict', 'Name taken', `${to} already exists`);
    await fs.rename(from, to);
    return;
  }
  await fs.rm(from, { force: true });
}

/** `name`, or `name (2)`, `name (3)` … : the first that is free in `dir` (moveFile still refuses a race). */
export async function freeName(dir: string, name: string): Promise<string> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; n < 10_000; n++) {
    const candidate = n === 1 ? name : `${stem} (${n})${ext}`;
    if (!(await fs.stat(path.join(dir, candidate)).then(() => true, () => false))) return candidate;
  }
  throw new Problem('conflict', 'Name taken', `every name from ${name} on is taken in ${dir}`);
}

/** Copies `from` to `to` (a hard link when both are on one disk: no bytes copied), never over a file. */
export async function copyFileNew(from: string, to: string): Promise<void> {
  try {
    await fs.link(from, to);
  } catch (error) {
    if (code(error) === 'EEXIST') throw new Problem('conflict', 'Name taken', `${to} already exists`);
    if (code(error) !== 'EXDEV' && !noLinks.has(code(error) ?? '')) throw error;
    await fs.copyFile(from, to, constants.COPYFILE_EXCL);
  }
}

/** Moves `from` to `to`, which must not exist (a Problem 'conflict' if it does). */
export async function moveFile(from: string, to: string): Promise<void> {
  try {
    await placeWithoutReplacing(from, to);
  } catch (error) {
    if (code(error) !== 'EXDEV') throw error;
    const partial = `${to}.partial`;
    await fs.copyFile(from, partial, constants.COPYFILE_EXCL);
    try {
      await placeWithoutReplacing(partial, to);
    } catch (placing) {
      await fs.rm(partial, { force: true });
      throw placing;
    }
    await fs.rm(from, { force: true });
  }
}
