// Thumbnails and sprites kept on disk under <data-dir>/cache/thumbs, bounded in size:
// when the folder grows past its limit, the least recently used files (by mtime, which
// a read refreshes) go until it is back under 80% of it.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export const defaultThumbCacheBytes = 500 * 1024 * 1024;

export class ThumbCache {
  /** Bytes in the folder as far as we know; null until the first write scans it. */
  private bytes: number | null = null;
  private trimming: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    readonly maxBytes = defaultThumbCacheBytes,
  ) {}

  /** Where an entry lives: a hash of the key (names and times never reach the file system), in one of 256 folders. */
  file(key: string, ext: string): string {
    const hash = crypto.createHash('sha256').update(key).digest('hex').slice(0, 40);
    return path.join(this.dir, hash.slice(0, 2), `${hash}.${ext}`);
  }

  async get(key: string, ext: string): Promise<Buffer | null> {
    const file = this.file(key, ext);
    try {
      const bytes = await fs.readFile(file);
      const now = new Date();
      await fs.utimes(file, now, now).catch(() => undefined);
      return bytes;
    } catch {
      return null;
    }
  }

  /** Written to a temporary name and renamed: a reader never sees half a file. A failing disk only costs the caching. */
  async put(key: string, ext: string, bytes: Uint8Array): Promise<void> {
    const file = this.file(key, ext);
    const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(temp, bytes);
      await fs.rename(temp, file);
    } catch {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      return;
    }
    // The first write counts the folder (this file included); later ones keep the count.
    this.bytes = this.bytes === null ? (await this.scan()).reduce((n, f) => n + f.size, 0) : this.bytes + bytes.length;
    if (this.bytes > this.maxBytes) await this.trim();
  }

  /** Deletes the least recently used files until the folder is under 80% of its limit. */
  trim(): Promise<void> {
    this.trimming ??= (async () => {
      try {
        const files = (await this.scan()).sort((a, b) => a.mtimeMs - b.mtimeMs);
        let total = files.reduce((n, f) => n + f.size, 0);
        for (const f of files) {
          if (total <= this.maxBytes * 0.8) break;
          await fs.rm(f.path, { force: true }).catch(() => undefined);
          total -= f.size;
        }
        this.bytes = total;
      } finally {
        this.trimming = null;
      }
    })();
    return this.trimming;
  }

  private async scan(): Promise<{ path: string; size: number; mtimeMs: number }[]> {
    const out: { path: string; size: number; mtimeMs: number }[] = [];
    let folders: string[];
    try {
      folders = await fs.readdir(this.dir);
    } catch {
      return out;
    }
    for (const folder of folders) {
      let names: string[];
      try {
        names = await fs.readdir(path.join(this.dir, folder));
      } catch {
        continue;
      }
      for (const name of names) {
        const file = path.join(this.dir, folder, name);
        const stat = await fs.stat(file).catch(() => null);
        if (stat?.isFile()) out.push({ path: file, size: stat.size, mtimeMs: stat.mtimeMs });
      }
    }
    return out;
  }
}
