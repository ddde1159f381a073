import fs from 'node:fs/promises';
import path from 'node:path';
import { isLibraryFile } from '../vod/library-scan.js';

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
  return (await realInside(target, folders)) !== null;
}

/** The real path of `target` when it is inside one of `folders`, else null. */
async function realInside(target: string, folders: readonly string[]): Promise<string | null> {
  if (typeof target !== 'string' || !path.isAbsolute(target)) return null;
  const file = await real(target);
  if (!file) return null;
  for (const folder of folders) {
    const root = await real(folder);
    if (!root) continue;
    const rel = path.relative(root, file);
    if (rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel))) return file;
  }
  return null;
}

/** What the studio makes or lists besides media: pictures, subtitles, logs. */
const documentKinds = /\.(jpe?g|png|webp|vtt|srt|log|txt)$/i;

/**
 * The file to hand to the OS's "open with the default app", or null. The page names
 * the file, and the folders come from settings the page can change, so both limits
 * hold: inside the studio's folders, and a kind the studio makes or lists (never a
 * program or script, which "open" would run). The resolved path is what gets opened,
 * so a link swapped in after the check cannot redirect it.
 */
export async function ownFileToOpen(target: string, folders: readonly string[]): Promise<string | null> {
  const file = await realInside(target, folders);
  if (!file || !(isLibraryFile(path.basename(file)) || documentKinds.test(file))) return null;
  return file;
}

/** A media file inside the library's or the exports' folders, for the trash; null otherwise. */
export async function ownMediaToTrash(target: string, folders: readonly string[]): Promise<string | null> {
  const file = await realInside(target, folders);
  return file && isLibraryFile(path.basename(file)) ? file : null;
}
