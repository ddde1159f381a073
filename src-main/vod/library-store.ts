// The library's rows: folders (their sharing and token) and the files found in them
// with what ffprobe said. The scan and the probe write; listings and playback read.
import type { StudioDatabase } from '../db/index.js';
import type { FileState, LibrarySort, ProbedMedia } from '../contract/library-api.js';

export interface FolderRow {
  name: string;
  /** '' for the media folder: its path comes from the settings. */
  path: string;
  shared: boolean;
  playToken: string | null;
}

export interface FileRow {
  folder: string;
  path: string;
  size: number;
  mtimeMs: number;
  state: FileState;
  problem: string | null;
  media: ProbedMedia | null;
}

/** A file as the scan found it on disk. */
export interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface ListQuery {
  folder?: string;
  /** Only these folders (the shared ones, for visitors). */
  folders?: readonly string[];
  readyOnly?: boolean;
  under?: string;
  q?: string;
  sort: LibrarySort;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

export interface FileDbRow {
  folder: string;
  path: string;
  size: number;
  mtime_ms: number;
  state: string;
  problem: string | null;
  media_json: string | null;
}

const fromDb = (r: FileDbRow): FileRow => ({
  folder: r.folder,
  path: r.path,
  size: r.size,
  mtimeMs: r.mtime_ms,
  state: r.state as FileState,
  problem: r.problem,
  media: r.media_json ? (JSON.parse(r.media_json) as ProbedMedia) : null,
});

const sortColumn: Record<LibrarySort, string> = { name: 'path COLLATE NOCASE', date: 'mtime_ms', duration: 'duration_ms', size: 'size' };

/** LIKE with the user's text taken literally. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export class LibraryStore {
  constructor(private readonly db: StudioDatabase) {}

  folders(): FolderRow[] {
    return (this.db.prepare('SELECT name, path, shared, play_token FROM library_folders ORDER BY name').all() as { name: string; path: string; shared: number; play_token: string | null }[]).map(
      (r) => ({ name: r.name, path: r.path, shared: r.shared === 1, playToken: r.play_token }),
    );
  }

  saveFolder(folder: FolderRow): void {
    this.db
      .prepare(
        `INSERT INTO library_folders (name, path, shared, play_token, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET path = excluded.path, shared = excluded.shared, play_token = excluded.play_token`,
      )
      .run(folder.name, folder.path, folder.shared ? 1 : 0, folder.playToken, Date.now());
  }

  removeFolder(name: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM library_files WHERE folder = ?').run(name);
      this.db.prepare('DELETE FROM library_folders WHERE name = ?').run(name);
    })();
  }

  file(folder: string, path: string): FileRow | null {
    const row = this.db.prepare('SELECT folder, path, size, mtime_ms, state, problem, media_json FROM library_files WHERE folder = ? AND path = ?').get(folder, path) as FileDbRow | undefined;
    return row ? fromDb(row) : null;
  }

  /** Whether the row exists, without reading (or parsing) what ffprobe said. */
  exists(folder: string, path: string): boolean {
    return this.db.prepare('SELECT 1 FROM library_files WHERE folder = ? AND path = ?').get(folder, path) !== undefined;
  }

  count(folder: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM library_files WHERE folder = ?').get(folder) as { n: number }).n;
  }

  /**
   * Brings a folder's rows in line with a full scan: new and changed files (size or
   * mtime) go back to probing, files no longer there go. Returns what changed.
   */
  reconcile(folder: string, found: readonly FoundFile[]): { added: number; changed: number; removed: number } {
    const known = new Map((this.db.prepare('SELECT path, size, mtime_ms FROM library_files WHERE folder = ?').all(folder) as { path: string; size: number; mtime_ms: number }[]).map((r) => [r.path, r]));
    let added = 0;
    let changed = 0;
    const now = Date.now();
    this.db.transaction(() => {
      for (const f of found) {
        const before = known.get(f.path);
        known.delete(f.path);
        if (before && before.size === f.size && before.mtime_ms === f.mtimeMs) continue;
        this.upsertFound(folder, f, now);
        if (before) changed++;
        else added++;
      }
      for (const gone of known.keys()) this.db.prepare('DELETE FROM library_files WHERE folder = ? AND path = ?').run(folder, gone);
    })();
    return { added, changed, removed: known.size };
  }

  /** One file seen (the watcher): a new or changed one is probed again. True when it was new or changed. */
  found(folder: string, f: FoundFile): boolean {
    const before = this.db.prepare('SELECT size, mtime_ms FROM library_files WHERE folder = ? AND path = ?').get(folder, f.path) as { size: number; mtime_ms: number } | undefined;
    if (before && before.size === f.size && before.mtime_ms === f.mtimeMs) return false;
    this.upsertFound(folder, f, Date.now());
    return true;
  }

  /** A file renamed or moved by the studio: its row follows, with what ffprobe said of it. */
  moved(from: { folder: string; path: string }, to: { folder: string; path: string }): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM library_files WHERE folder = ? AND path = ?').run(to.folder, to.path);
      this.db.prepare('UPDATE library_files SET folder = ?, path = ? WHERE folder = ? AND path = ?').run(to.folder, to.path, from.folder, from.path);
    })();
  }

  forget(folder: string, path: string): boolean {
    return this.db.prepare('DELETE FROM library_files WHERE folder = ? AND path = ?').run(folder, path).changes > 0;
  }

  /** The result of a probe, if the file is still the one that was probed. */
  probed(folder: string, f: FoundFile, result: { media: ProbedMedia } | { problem: string }): boolean {
    const media = 'media' in result ? result.media : null;
    return (
      this.db
        .prepare('UPDATE library_files SET state = ?, problem = ?, media_json = ?, duration_ms = ? WHERE folder = ? AND path = ? AND size = ? AND mtime_ms = ?')
        .run(media ? 'ready' : 'unplayable', 'problem' in result ? result.problem : null, media ? JSON.stringify(media) : null, media ? Math.round(media.duration * 1000) : null, folder, f.path, f.size, f.mtimeMs).changes > 0
    );
  }

  /** Files waiting for ffprobe, oldest first. */
  waiting(limit: number): FileRow[] {
    return (this.db.prepare("SELECT folder, path, size, mtime_ms, state, problem, media_json FROM library_files WHERE state = 'probing' LIMIT ?").all(limit) as FileDbRow[]).map(fromDb);
  }

  /** The rows as stored (media as its JSON text): a listing of thousands is written without parsing each file's media. */
  listRaw(query: ListQuery): { total: number; rows: FileDbRow[] } {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.folder) {
      where.push('folder = ?');
      params.push(query.folder);
    }
    if (query.folders) {
      where.push(`folder IN (${query.folders.map(() => '?').join(',') || "''"})`);
      params.push(...query.folders);
    }
    if (query.readyOnly) where.push("state = 'ready'");
    if (query.under) {
      where.push("path LIKE ? ESCAPE '\\'");
      params.push(`${query.under.replace(/\/+$/, '').replace(/[\\%_]/g, (c) => `\\${c}`)}/%`);
    }
    if (query.q) {
      where.push("path LIKE ? ESCAPE '\\'");
      params.push(likePattern(query.q));
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM library_files ${clause}`).get(...params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT folder, path, size, mtime_ms, state, problem, media_json FROM library_files ${clause} ORDER BY ${sortColumn[query.sort]} ${query.order === 'desc' ? 'DESC' : 'ASC'}, path LIMIT ? OFFSET ?`)
      .all(...params, query.limit, query.offset) as FileDbRow[];
    return { total, rows };
  }

  private upsertFound(folder: string, f: FoundFile, now: number): void {
    this.db
      .prepare(
        `INSERT INTO library_files (folder, path, size, mtime_ms, state, problem, media_json, duration_ms, seen_at) VALUES (?, ?, ?, ?, 'probing', NULL, NULL, NULL, ?)
         ON CONFLICT (folder, path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, state = 'probing', problem = NULL, media_json = NULL, duration_ms = NULL, seen_at = excluded.seen_at`,
      )
      .run(folder, f.path, f.size, f.mtimeMs, now);
  }
}
