// The recording files the studio has written, in SQLite: a row is made when a file opens
// (so after a crash the studio knows which working files to finish) and completed when
// the file is finished.
import type { StudioDatabase } from '../db/index.js';
import type { RecordFormat, RecordingFile, RecordingFileState } from '../contract/recording-api.js';

interface Row {
  id: number;
  stream: string;
  session: string | null;
  format: string;
  work_path: string;
  path: string | null;
  root: string;
  template: string;
  sequence: number;
  bytes: number;
  duration_ms: number;
  started_ms: number;
  ended_ms: number | null;
  state: string;
  error: string | null;
}

/** What finishing a file needs to know of it (also after a crash). */
export interface RecordingRow {
  id: number;
  stream: string;
  session: string | null;
  format: RecordFormat;
  workPath: string;
  root: string;
  template: string;
  sequence: number;
  startedMs: number;
  state: RecordingFileState;
}

const columns = 'id, stream, session, format, work_path, path, root, template, sequence, bytes, duration_ms, started_ms, ended_ms, state, error';

function toFile(row: Row): RecordingFile {
  return {
    id: row.id,
    stream: row.stream,
    session: row.session,
    format: row.format as RecordFormat,
    // Until it is finished, the working file (its name relative to the folder it is in).
    path: row.path ?? row.work_path.slice(row.root.length + 1).replace(/\\/g, '/'),
    bytes: row.bytes,
    durationSeconds: row.duration_ms / 1000,
    sequence: row.sequence,
    startedAt: new Date(row.started_ms).toISOString(),
    endedAt: row.ended_ms === null ? null : new Date(row.ended_ms).toISOString(),
    state: row.state as RecordingFileState,
    error: row.error,
  };
}

function toRow(row: Row): RecordingRow {
  return { id: row.id, stream: row.stream, session: row.session, format: row.format as RecordFormat, workPath: row.work_path, root: row.root, template: row.template, sequence: row.sequence, startedMs: row.started_ms, state: row.state as RecordingFileState };
}

export class RecordingStore {
  constructor(private readonly db: StudioDatabase) {}

  opened(o: { stream: string; session: string | null; format: RecordFormat; workPath: string; root: string; template: string; sequence: number; startedMs: number }): number {
    const result = this.db
      .prepare("INSERT INTO recording_files (stream, session, format, work_path, root, template, sequence, started_ms, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'recording')")
      .run(o.stream, o.session, o.format, o.workPath, o.root, o.template, o.sequence, o.startedMs);
    return Number(result.lastInsertRowid);
  }

  setWorkPath(id: number, workPath: string): void {
    this.db.prepare('UPDATE recording_files SET work_path = ? WHERE id = ?').run(workPath, id);
  }

  closed(id: number, o: { bytes: number; durationMs: number; endedMs: number; error: string | null }): void {
    this.db.prepare("UPDATE recording_files SET state = 'finishing', bytes = ?, duration_ms = ?, ended_ms = ?, error = ? WHERE id = ?").run(o.bytes, Math.round(o.durationMs), Math.round(o.endedMs), o.error, id);
  }

  finished(id: number, o: { path: string; bytes: number; durationMs?: number; state: 'done' | 'failed'; error: string | null }): void {
    this.db
      .prepare('UPDATE recording_files SET state = ?, path = ?, bytes = ?, duration_ms = COALESCE(?, duration_ms), error = ? WHERE id = ?')
      .run(o.state, o.path, o.bytes, o.durationMs === undefined ? null : Math.round(o.durationMs), o.error, id);
  }

  /** Rows a crash left unfinished (recording or finishing when the studio stopped). */
  unfinished(): RecordingRow[] {
    return (this.db.prepare(`SELECT ${columns} FROM recording_files WHERE state IN ('recording', 'finishing') ORDER BY id`).all() as Row[]).map(toRow);
  }

  get(id: number): RecordingFile | null {
    const row = this.db.prepare(`SELECT ${columns} FROM recording_files WHERE id = ?`).get(id) as Row | undefined;
    return row ? toFile(row) : null;
  }

  /** Where a finished file is now (absolute), or null. */
  location(id: number): { root: string; path: string; state: RecordingFileState } | null {
    const row = this.db.prepare('SELECT root, path, state FROM recording_files WHERE id = ?').get(id) as { root: string; path: string | null; state: string } | undefined;
    return row?.path ? { root: row.root, path: row.path, state: row.state as RecordingFileState } : null;
  }

  /** Newest first; at most `limit`. */
  list(query: { stream?: string; session?: string; limit: number; offset: number }): { total: number; files: RecordingFile[] } {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.stream !== undefined) {
      where.push('stream = ?');
      params.push(query.stream);
    }
    if (query.session !== undefined) {
      where.push('session = ?');
      params.push(query.session);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM recording_files ${clause}`).get(...params) as { n: number }).n;
    const rows = this.db.prepare(`SELECT ${columns} FROM recording_files ${clause} ORDER BY started_ms DESC, id DESC LIMIT ? OFFSET ?`).all(...params, query.limit, query.offset) as Row[];
    return { total, files: rows.map(toFile) };
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM recording_files WHERE id = ?').run(id);
  }
}
