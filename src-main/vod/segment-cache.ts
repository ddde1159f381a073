// Made VOD files (segments, posters) kept on disk under a size limit, the least recently
// used going first. Two requests for the same missing file share one making of it.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';

interface Entry {
  bytes: number;
  usedAt: number;
}

export class SegmentCache {
  /** Insertion order is use order: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private readonly making = new Map<string, Promise<string>>();
  private total = 0;
  private loaded: Promise<void> | null = null;

  constructor(
    private readonly o: { root: string; limitBytes: () => number; log: Logger },
  ) {}

  get bytes(): number {
    return this.total;
  }

  /** The cached file for `key` (a relative path), made by `make` when missing. */
  async get(key: string, make: () => Promise<Uint8Array>): Promise<string> {
    await this.load();
    const file = path.join(this.o.root, key);
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, { ...hit, usedAt: Date.now() });
      return file;
    }
    const pending = this.making.get(key);
    if (pending) return pending;
    const job = (async () => {
      const bytes = await make();
      await fs.mkdir(path.dirname(file), { recursive: true });
      const temp = `${file}.tmp-${process.pid}-${Date.now()}`;
      await fs.writeFile(temp, bytes);
      await fs.rename(temp, file);
      this.entries.set(key, { bytes: bytes.byteLength, usedAt: Date.now() });
      this.total += bytes.byteLength;
      await this.evict(key);
      return file;
    })().finally(() => this.making.delete(key));
    this.making.set(key, job);
    return job;
  }

  has(key: string): boolean {
    return this.entries.has(key) || this.making.has(key);
  }

  /** Removes the least recently used files until the cache fits, never the one just made. */
  private async evict(keep: string): Promise<void> {
    const limit = this.o.limitBytes();
    for (const [key, entry] of this.entries) {
      if (this.total <= limit) return;
      if (key === keep) continue;
      this.entries.delete(key);
      this.total -= entry.bytes;
      await fs.rm(path.join(this.o.root, key), { force: true }).catch((err: unknown) => this.o.log.warn({ err, key }, 'vod cache: could not delete'));
    }
  }

  /** What an earlier run left is known once, oldest first; half-written files are removed. */
  private load(): Promise<void> {
    this.loaded ??= (async () => {
      const found: { key: string; bytes: number; usedAt: number }[] = [];
      const walk = async (dir: string, depth: number): Promise<void> => {
        const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
        for (const e of entries) {
          const full = path.join(dir, e.name);
          if (e.isDirectory() && depth < 4) await walk(full, depth + 1);
          else if (e.isFile() && e.name.includes('.tmp-')) await fs.rm(full, { force: true }).catch(() => undefined);
          else if (e.isFile()) {
            const stat = await fs.stat(full).catch(() => null);
            // Keys use / on every OS, as get() names them.
            if (stat) found.push({ key: path.relative(this.o.root, full).split(path.sep).join('/'), bytes: stat.size, usedAt: stat.mtimeMs });
          }
        }
      };
      await walk(this.o.root, 0);
      for (const f of found.sort((a, b) => a.usedAt - b.usedAt)) {
        this.entries.set(f.key, { bytes: f.bytes, usedAt: f.usedAt });
        this.total += f.bytes;
      }
    })();
    return this.loaded;
  }
}
