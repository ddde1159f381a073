import fs from 'node:fs/promises';
import path from 'node:path';

async function real(file: string): Promise<string | null> {
  try {
    return await fs.realpath(file);
  } catch {
    return null;
  }
}

/**
 * Whether `target` is one of `folders` or inside one, after symlinks and `..`
 * are resolved on both sides: a path the window hands to the OS ("open with the
 * default app") must stay within the studio's own folders, whatever the page asks.
 */
export async function isInsideFolders(target: string, folders: readonly string[]): Promise<boolean> {
  if (!path.isAbsolute(target)) return false;
  const file = await real(target);
  if (!file) return false;
  for (const folder of folders) {
    const root = await real(folder);
    if (!root) continue;
    const rel = path.relative(root, file);
    if (rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel))) return true;
  }
  return false;
}
