// Finding media files in a library folder: every file with a media extension, at any
// depth, without following links out of the folder (a link could point anywhere).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FoundFile } from './library-store.js';

/** What people keep video and audio in; the probe decides whether each plays. */
const mediaExtensions = new Set([
  'mp4', 'm4v', 'mov', 'mkv', 'webm', 'avi', 'wmv', 'flv', 'ts', 'mts', 'm2ts', 'mpg', 'mpeg', 'vob', 'mxf', '3gp', 'ogv',
  'mp3', 'm4a', 'aac', 'wav', 'flac', 'ogg', 'opus',
]);

/** Bounds, so a folder pointed at a disk root does not hold the studio for minutes. */
export const scanLimits = { files: 200_000, depth: 32 };

/** Whether a relative path names a file the library lists (and not one being written, or hidden). */
export function isLibraryFile(relative: string): boolean {
  const parts = relative.split('/');
  if (parts.some((p) => p.startsWith('.'))) return false;
  const name = parts.at(-1)!;
  if (/\.(partial|tmp)(-[\w-]*)?$/i.test(name)) return false;
  const dot = name.lastIndexOf('.');
  return dot > 0 && mediaExtensions.has(name.slice(dot + 1).toLowerCase());
}

/** The folder's media files, paths relative with forward slashes; a sub-folder that cannot be read is skipped. */
export async function scanFolder(root: string): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  const walk = async (dir: string, relative: string, depth: number): Promise<void> => {
    if (depth > scanLimits.depth || found.length >= scanLimits.files) return;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      if (depth === 0) throw new Error(`cannot read ${root}`);
      return;
    }
    for (const entry of entries) {
      if (found.length >= scanLimits.files) return;
      if (entry.name.startsWith('.') || entry.isSymbolicLink()) continue;
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full, rel, depth + 1);
      else if (entry.isFile() && isLibraryFile(rel)) {
        const stat = await fs.stat(full).catch(() => null);
        if (stat) found.push({ path: rel, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) });
      }
    }
  };
  await walk(root, '', 0);
  return found;
}
