import fs from 'node:fs/promises';

export interface CachedFile {
  bytes: Buffer;
  size: number;
  mtime: Date;
}

/**
 * The most recently asked-for files of the archive, whole, in memory: viewers of a
 * live or recent DVR window all ask for the same few segments, and answering them
 * from memory costs one buffer handed to the socket instead of an open, a stat and
 * two reads per request. Only for files that never change once written (archive
 * segments and inits): nothing is checked against the disk on a hit.
 */
export class ImmutableFileCache {
  private readonly entries = new Map<string, CachedFile>();
  private readonly loading = new Map<string, Promise<CachedFile | null>>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    /** Bigger files are streamed from disk as before: one would push out many segments. */
    private readonly maxEntryBytes = 8 << 20,
  ) {}

  /** The file's bytes, or null when it is too big to keep (stream it instead). Rejects as the read does (ENOENT …). */
  get(file: string): Promise<CachedFile | null> {
    const hit = this.entries.get(file);
    if (hit) {
      // Map order is the LRU order: a hit moves to the young end.
      this.entries.delete(file);
      this.entries.set(file, hit);
      return Promise.resolve(hit);
    }
    let load = this.loading.get(file);
    if (!load) {
      // Concurrent first requests for one segment share one read.
      load = this.load(file).finally(() => this.loading.delete(file));
      this.loading.set(file, load);
    }
    return load;
  }

  stats(): { files: number; bytes: number } {
    return { files: this.entries.size, bytes: this.bytes };
  }

  private async load(file: string): Promise<CachedFile | null> {
    const handle = await fs.open(file, 'r');
    try {
      const stat = await handle.stat();
      if (stat.size > this.maxEntryBytes || stat.size > this.maxBytes) return null;
      const bytes = Buffer.allocUnsafeSlow(stat.size);
      let read = 0;
      while (read < stat.size) {
        const { bytesRead } = await handle.read(bytes, read, stat.size - read, read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      if (read !== stat.size) return null; // shorter than its stat said: not a finished file, do not keep it
      const entry = { bytes, size: stat.size, mtime: stat.mtime };
      this.entries.set(file, entry);
      this.bytes += entry.size;
      for (const [key, old] of this.entries) {
        if (this.bytes <= this.maxBytes) break;
        this.entries.delete(key);
        this.bytes -= old.size;
      }
      return entry;
    } finally {
      await handle.close();
    }
  }
}
