import type { StudioDatabase } from '../db/index.js';

export interface SegmentRecord {
  stream: string;
  /** HLS media sequence number, assigned by the index (0 until indexed). */
  seq?: number;
  /** Discontinuities in the stream up to and including this segment, assigned by the index. */
  dseq?: number;
  startMs: number;
  durationMs: number;
  bytes: number;
  /** Relative to the archive root. */
  file: string;
  initId: number;
  firstKeyframe: boolean;
  discontinuity: boolean;
}

/** A segment as the recorder hands it over: with its packed sample tables (dvr/sample-tables.ts), or without (recovery). */
export interface NewSegment extends SegmentRecord {
  sampleTables?: Uint8Array | null;
}

/** A segment with its packed sample tables, null for one recorded before they were kept. */
export interface TabledSegment extends SegmentRecord {
  sampleTables: Uint8Array | null;
}

/** What a playlist needs of a segment, and no more: a day of them is read in a few milliseconds. */
export type PlaylistSegment = Pick<SegmentRecord, 'seq' | 'dseq' | 'startMs' | 'durationMs' | 'initId' | 'discontinuity'>;

export interface RecordedRange {
  fromMs: number;
  durationMs: number;
}

export interface SummaryBucket {
  fromMs: number;
  /** Share of the step that is recorded, 0..1. */
  coverage: number;
  bytes: number;
}

interface SegmentRow {
  stream: string;
  seq: number;
  dseq: number;
  start_ms: number;
  duration_ms: number;
  bytes: number;
  file: string;
  init_id: number;
  first_keyframe: number;
  discontinuity: number;
}

/** No segment is longer than this: range queries look back this far for one that started earlier. */
export const maxSegmentMs = 60_000;
/** Two segments closer than this are one continuous recording (timestamps are rounded to ms). */
export const gapToleranceMs = 500;
const minuteMs = 60_000;

const fromRow = (r: SegmentRow): SegmentRecord => ({
  stream: r.stream,
  seq: r.seq,
  dseq: r.dseq,
  startMs: r.start_ms,
  durationMs: r.duration_ms,
  bytes: r.bytes,
  file: r.file,
  initId: r.init_id,
  firstKeyframe: r.first_keyframe === 1,
  discontinuity: r.discontinuity === 1,
});

/** The minutes a segment covers, with the milliseconds and (proportional) bytes in each. */
function minuteShares(startMs: number, durationMs: number, bytes: number): { minute: number; ms: number; bytes: number }[] {
  const out: { minute: number; ms: number; bytes: number }[] = [];
  const end = startMs + durationMs;
  for (let t = startMs; t < end; ) {
    const minute = Math.floor(t / minuteMs);
    const next = Math.min(end, (minute + 1) * minuteMs);
    out.push({ minute, ms: next - t, bytes: durationMs > 0 ? Math.round((bytes * (next - t)) / durationMs) : bytes });
    t = next;
  }
  return out;
}

/**
 * The archive index in SQLite: every finished segment, a per-minute rollup for
 * timelines, the init segments and the locks. Everything the playlists, exports
 * and the timeline read comes from here.
 */
export class DvrIndex {
  private readonly insertSegment;
  private readonly deleteSegment;
  private readonly addMinute;
  private readonly subtractMinute;
  private readonly overlapping;
  private readonly overlappingForPlaylist;
  private readonly overlappingForArchivePlaylist;
  private readonly latest;
  private readonly putTables;
  private readonly dropTables;
  private readonly overlappingWithTables;

  constructor(private readonly db: StudioDatabase) {
    // Holds live in a TEMP table: it belongs to this connection and is gone with the
    // process, so a crash mid-export cannot leave a range protected for ever, and the
    // user's locks (dvr_locks) never see them.
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS dvr_holds (
      id INTEGER PRIMARY KEY, stream TEXT NOT NULL, from_ms INTEGER NOT NULL, to_ms INTEGER NOT NULL, owner TEXT NOT NULL
    )`);
    this.insertSegment = db.prepare(
      `INSERT OR REPLACE INTO dvr_segments (stream, start_ms, duration_ms, bytes, file, init_id, first_keyframe, discontinuity, seq, dseq)
       VALUES (@stream, @startMs, @durationMs, @bytes, @file, @initId, @firstKeyframe, @discontinuity, @seq, @dseq)`,
    );
    this.deleteSegment = db.prepare('DELETE FROM dvr_segments WHERE stream = ? AND start_ms = ?');
    this.addMinute = db.prepare(
      `INSERT INTO dvr_minutes (stream, minute, covered_ms, bytes) VALUES (?, ?, ?, ?)
       ON CONFLICT (stream, minute) DO UPDATE SET covered_ms = covered_ms + excluded.covered_ms, bytes = bytes + excluded.bytes`,
    );
    this.subtractMinute = db.prepare('UPDATE dvr_minutes SET covered_ms = max(0, covered_ms - ?), bytes = max(0, bytes - ?) WHERE stream = ? AND minute = ?');
    this.putTables = db.prepare('INSERT OR REPLACE INTO dvr_sample_tables (stream, start_ms, tables) VALUES (?, ?, ?)');
    this.dropTables = db.prepare('DELETE FROM dvr_sample_tables WHERE stream = ? AND start_ms = ?');
    this.overlappingWithTables = db.prepare(
      `SELECT s.*, t.tables FROM dvr_segments s LEFT JOIN dvr_sample_tables t ON t.stream = s.stream AND t.start_ms = s.start_ms
       WHERE s.stream = ? AND s.start_ms >= ? AND s.start_ms < ? AND s.start_ms + s.duration_ms > ? ORDER BY s.start_ms`,
    );
    this.latest = db.prepare('SELECT seq, dseq FROM dvr_segments WHERE stream = ? ORDER BY start_ms DESC LIMIT 1');
    this.overlapping = db.prepare(
      `SELECT * FROM dvr_segments WHERE stream = ? AND start_ms >= ? AND start_ms < ? AND start_ms + duration_ms > ? ORDER BY start_ms`,
    );
    this.overlappingForPlaylist = db
      .prepare(
        `SELECT start_ms, duration_ms, init_id, discontinuity, seq, dseq FROM dvr_segments
         WHERE stream = ? AND start_ms >= ? AND start_ms < ? AND start_ms + duration_ms > ? ORDER BY start_ms`,
      )
      .raw(true);
    this.overlappingForArchivePlaylist = db
      .prepare(
        `SELECT start_ms, duration_ms, init_id, discontinuity FROM dvr_segments
         WHERE stream = ? AND start_ms >= ? AND start_ms < ? AND start_ms + duration_ms > ? ORDER BY start_ms`,
      )
      .raw(true);
  }

  /** The id of this init segment for the stream, registering it on first sight. */
  initId(stream: string, hash: string, file: string, tracksJson: string): number {
    const existing = this.db.prepare('SELECT id FROM dvr_inits WHERE stream = ? AND hash = ?').get(stream, hash) as { id: number } | undefined;
    if (existing) return existing.id;
    return Number(this.db.prepare('INSERT INTO dvr_inits (stream, hash, file, tracks_json, created_at) VALUES (?, ?, ?, ?, ?)').run(stream, hash, file, tracksJson, Date.now()).lastInsertRowid);
  }

  initFile(id: number): string | null {
    return (this.db.prepare('SELECT file FROM dvr_inits WHERE id = ?').get(id) as { file: string } | undefined)?.file ?? null;
  }

  /** First start and last end of the stream's recording, by two index lookups (totals() reads every row). */
  span(stream: string): { firstMs: number; lastEndMs: number } | null {
    const first = this.db.prepare('SELECT start_ms AS s FROM dvr_segments WHERE stream = ? ORDER BY start_ms LIMIT 1').get(stream) as { s: number } | undefined;
    const last = this.db.prepare('SELECT start_ms + duration_ms AS e FROM dvr_segments WHERE stream = ? ORDER BY start_ms DESC LIMIT 1').get(stream) as { e: number } | undefined;
    return first && last ? { firstMs: first.s, lastEndMs: last.e } : null;
  }

  hasRecording(stream: string): boolean {
    return this.db.prepare('SELECT 1 FROM dvr_segments WHERE stream = ? LIMIT 1').get(stream) !== undefined;
  }

  /** The track descriptions (without codec configs) of the stream's newest recorded init, or null. */
  newestTracksJson(stream: string): string | null {
    const row = this.db
      .prepare('SELECT i.tracks_json AS t FROM dvr_segments s JOIN dvr_inits i ON i.id = s.init_id WHERE s.stream = ? ORDER BY s.start_ms DESC LIMIT 1')
      .get(stream) as { t: string } | undefined;
    return row?.t ?? null;
  }

  add(segment: NewSegment): void {
    this.addMany([segment]);
  }

  /** Several segments in one transaction (recovery indexes thousands at once). A segment that replaces another takes its tables' place too. */
  addMany(segments: readonly NewSegment[]): void {
    this.db.transaction(() => {
      for (const { sampleTables, ...segment } of segments) {
        const last = this.latest.get(segment.stream) as { seq: number; dseq: number } | undefined;
        const seq = (last?.seq ?? 0) + 1;
        const dseq = (last?.dseq ?? 0) + (segment.discontinuity ? 1 : 0);
        this.insertSegment.run({ ...segment, seq, dseq, firstKeyframe: +segment.firstKeyframe, discontinuity: +segment.discontinuity });
        if (sampleTables) this.putTables.run(segment.stream, segment.startMs, sampleTables);
        else this.dropTables.run(segment.stream, segment.startMs);
        for (const share of minuteShares(segment.startMs, segment.durationMs, segment.bytes)) this.addMinute.run(segment.stream, share.minute, share.ms, share.bytes);
      }
    })();
  }

  remove(segments: readonly SegmentRecord[]): void {
    this.db.transaction(() => {
      for (const s of segments) {
        if (this.deleteSegment.run(s.stream, s.startMs).changes === 0) continue;
        this.dropTables.run(s.stream, s.startMs);
        for (const share of minuteShares(s.startMs, s.durationMs, s.bytes)) this.subtractMinute.run(share.ms, share.bytes, s.stream, share.minute);
      }
    })();
  }

  /** Segments overlapping [fromMs, toMs), oldest first. */
  segments(stream: string, fromMs: number, toMs: number): SegmentRecord[] {
    return (this.overlapping.all(stream, fromMs - maxSegmentMs, toMs, fromMs) as SegmentRow[]).map(fromRow);
  }

  /** segments(), each with its packed sample tables: what an export plans from, in one query. */
  segmentsWithTables(stream: string, fromMs: number, toMs: number): TabledSegment[] {
    return (this.overlappingWithTables.all(stream, fromMs - maxSegmentMs, toMs, fromMs) as (SegmentRow & { tables: Uint8Array | null })[]).map((r) => ({ ...fromRow(r), sampleTables: r.tables }));
  }

  /** Keeps tables read back from segment files, for segments still indexed under that file (retention may have been quicker). */
  fillSampleTables(rows: readonly { segment: SegmentRecord; sampleTables: Uint8Array }[]): void {
    const indexed = this.db.prepare('SELECT 1 FROM dvr_segments WHERE stream = ? AND start_ms = ? AND file = ?');
    this.db.transaction(() => {
      for (const { segment, sampleTables } of rows) {
        if (indexed.get(segment.stream, segment.startMs, segment.file)) this.putTables.run(segment.stream, segment.startMs, sampleTables);
      }
    })();
  }

  /** Every indexed segment, for reconciling the index with the disk. */
  allSegments(): SegmentRecord[] {
    const rows = this.db.prepare('SELECT stream, start_ms, duration_ms, bytes, file, init_id, first_keyframe, discontinuity FROM dvr_segments').raw().all() as [string, number, number, number, string, number, number, number][];
    return rows.map(([stream, startMs, durationMs, bytes, file, initId, firstKeyframe, discontinuity]) => ({ stream, startMs, durationMs, bytes, file, initId, firstKeyframe: firstKeyframe === 1, discontinuity: discontinuity === 1 }));
  }

  /** The init a segment file names (by the first 24 hex digits of its hash), with its track descriptions. */
  initByHashPrefix(stream: string, hashPrefix: string): { id: number; tracksJson: string } | null {
    const row = this.db.prepare('SELECT id, tracks_json FROM dvr_inits WHERE stream = ? AND substr(hash, 1, 24) = ?').get(stream, hashPrefix) as { id: number; tracks_json: string } | undefined;
    return row ? { id: row.id, tracksJson: row.tracks_json } : null;
  }

  /**
   * segments(), with only the columns a playlist reads (a 24-hour playlist is 43 200 of
   * them); the media and discontinuity sequence numbers only when asked (live windows).
   */
  playlistSegments(stream: string, fromMs: number, toMs: number, sequenceNumbers = false): PlaylistSegment[] {
    const query = sequenceNumbers ? this.overlappingForPlaylist : this.overlappingForArchivePlaylist;
    const rows = query.all(stream, fromMs - maxSegmentMs, toMs, fromMs) as [number, number, number, number, number?, number?][];
    return rows.map(([startMs, durationMs, initId, discontinuity, seq, dseq]) => ({ startMs, durationMs, initId, discontinuity: discontinuity === 1, seq, dseq }));
  }

  /**
   * Continuous recorded spans within [fromMs, toMs): several mean gaps. Fully
   * covered minutes come from the rollup; only minutes with a gap or an edge in
   * them are read segment by segment, so a month costs ~43 000 rollup rows plus
   * a few segments per gap, not 1.3 M segments.
   */
  ranges(stream: string, fromMs: number, toMs: number): RecordedRange[] {
    const firstMinute = Math.floor(fromMs / minuteMs);
    const lastMinute = Math.floor((toMs - 1) / minuteMs);
    const minutes = this.db
      .prepare('SELECT minute, covered_ms FROM dvr_minutes WHERE stream = ? AND minute >= ? AND minute <= ? AND covered_ms > 0 ORDER BY minute')
      .raw()
      .all(stream, firstMinute, lastMinute) as [number, number][];
    const spans: [number, number][] = [];
    for (const [minute, covered] of minutes) {
      const start = minute * minuteMs;
      const end = start + minuteMs;
      if (covered >= minuteMs && start >= fromMs && end <= toMs) {
        spans.push([start, end]);
        continue;
      }
      for (const seg of this.segments(stream, Math.max(start, fromMs), Math.min(end, toMs))) {
        spans.push([Math.max(seg.startMs, start, fromMs), Math.min(seg.startMs + seg.durationMs, end, toMs)]);
      }
    }
    const out: RecordedRange[] = [];
    let current: [number, number] | null = null;
    for (const [start, end] of spans) {
      if (current && start <= current[1] + gapToleranceMs) current[1] = Math.max(current[1], end);
      else {
        if (current) out.push({ fromMs: current[0], durationMs: current[1] - current[0] });
        current = [start, end];
      }
    }
    if (current) out.push({ fromMs: current[0], durationMs: current[1] - current[0] });
    return out;
  }

  /**
   * Coverage and bytes per step for drawing a timeline. Steps of whole minutes
   * read the minute rollup (a month at 60 s steps is 43 200 rows); finer steps
   * read segments, which only makes sense over short windows anyway.
   */
  summary(stream: string, fromMs: number, toMs: number, stepMs: number): SummaryBucket[] {
    const buckets = Math.ceil((toMs - fromMs) / stepMs);
    const out: SummaryBucket[] = Array.from({ length: buckets }, (_, i) => ({ fromMs: fromMs + i * stepMs, coverage: 0, bytes: 0 }));
    const addSpan = (startMs: number, durationMs: number, bytes: number) => {
      const end = Math.min(startMs + durationMs, toMs);
      for (let t = Math.max(startMs, fromMs); t < end; ) {
        const i = Math.floor((t - fromMs) / stepMs);
        const next = Math.min(end, fromMs + (i + 1) * stepMs);
        const bucket = out[i]!;
        bucket.coverage += (next - t) / stepMs;
        bucket.bytes += durationMs > 0 ? (bytes * (next - t)) / durationMs : 0;
        t = next;
      }
    };
    if (stepMs % minuteMs === 0 && fromMs % minuteMs === 0) {
      const rows = this.db
        .prepare('SELECT minute, covered_ms, bytes FROM dvr_minutes WHERE stream = ? AND minute >= ? AND minute < ?')
        .raw()
        .all(stream, fromMs / minuteMs, Math.ceil(toMs / minuteMs)) as [number, number, number][];
      for (const [minute, covered, bytes] of rows) {
        const i = Math.floor((minute * minuteMs - fromMs) / stepMs);
        const bucket = out[i];
        if (!bucket) continue;
        bucket.coverage += covered / stepMs;
        bucket.bytes += bytes;
      }
    } else {
      for (const s of this.segments(stream, fromMs, toMs)) addSpan(s.startMs, s.durationMs, s.bytes);
    }
    for (const b of out) {
      b.coverage = Math.min(1, Math.round(b.coverage * 1000) / 1000);
      b.bytes = Math.round(b.bytes);
    }
    return out;
  }

  /** The newest `count` segments of a stream, oldest first (a live playlist's window). */
  newest(stream: string, count: number): SegmentRecord[] {
    return (this.db.prepare('SELECT * FROM dvr_segments WHERE stream = ? ORDER BY start_ms DESC LIMIT ?').all(stream, count) as SegmentRow[]).map(fromRow).reverse();
  }

  /** One segment by its start (the URL names segments by it). */
  segmentAt(stream: string, startMs: number): SegmentRecord | null {
    const row = this.db.prepare('SELECT * FROM dvr_segments WHERE stream = ? AND start_ms = ?').get(stream, startMs) as SegmentRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Oldest segments first across one stream or all, for retention. */
  oldest(limit: number, stream?: string): SegmentRecord[] {
    const rows = stream
      ? this.db.prepare('SELECT * FROM dvr_segments WHERE stream = ? ORDER BY start_ms LIMIT ?').all(stream, limit)
      : this.db.prepare('SELECT * FROM dvr_segments ORDER BY start_ms LIMIT ?').all(limit);
    return (rows as SegmentRow[]).map(fromRow);
  }

  totals(stream?: string): { segments: number; bytes: number; firstMs: number | null; lastEndMs: number | null } {
    const row = (
      stream
        ? this.db.prepare('SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b, min(start_ms) AS f, max(start_ms + duration_ms) AS l FROM dvr_segments WHERE stream = ?').get(stream)
        : this.db.prepare('SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b, min(start_ms) AS f, max(start_ms + duration_ms) AS l FROM dvr_segments').get()
    ) as { n: number; b: number; f: number | null; l: number | null };
    return { segments: row.n, bytes: row.b, firstMs: row.f, lastEndMs: row.l };
  }

  // ---- locks -------------------------------------------------------------

  addLock(stream: string, fromMs: number, toMs: number): number {
    return Number(this.db.prepare('INSERT INTO dvr_locks (stream, from_ms, to_ms, created_at) VALUES (?, ?, ?, ?)').run(stream, fromMs, toMs, Date.now()).lastInsertRowid);
  }

  /** Takes [fromMs, toMs) out of the stream's locks: locks inside go, locks across it are trimmed or split. */
  removeLockRange(stream: string, fromMs: number, toMs: number): number {
    let changed = 0;
    this.db.transaction(() => {
      const overlapping = this.db.prepare('SELECT id, from_ms, to_ms FROM dvr_locks WHERE stream = ? AND from_ms < ? AND to_ms > ?').all(stream, toMs, fromMs) as { id: number; from_ms: number; to_ms: number }[];
      for (const lock of overlapping) {
        changed++;
        this.db.prepare('DELETE FROM dvr_locks WHERE id = ?').run(lock.id);
        if (lock.from_ms < fromMs) this.addLock(stream, lock.from_ms, fromMs);
        if (lock.to_ms > toMs) this.addLock(stream, toMs, lock.to_ms);
      }
    })();
    return changed;
  }

  locks(stream?: string, fromMs = 0, toMs = Number.MAX_SAFE_INTEGER): { id: number; stream: string; fromMs: number; toMs: number }[] {
    const rows = (
      stream
        ? this.db.prepare('SELECT id, stream, from_ms, to_ms FROM dvr_locks WHERE stream = ? AND from_ms < ? AND to_ms > ? ORDER BY from_ms').all(stream, toMs, fromMs)
        : this.db.prepare('SELECT id, stream, from_ms, to_ms FROM dvr_locks ORDER BY stream, from_ms').all()
    ) as { id: number; stream: string; from_ms: number; to_ms: number }[];
    return rows.map((r) => ({ id: r.id, stream: r.stream, fromMs: r.from_ms, toMs: r.to_ms }));
  }

  /**
   * Protects [fromMs, toMs) of the stream from retention while some work reads it (an
   * export being written). Apart from the user's locks: unlock never trims a hold, and
   * releaseHold never touches a lock. Released by the holder, or by the process ending.
   */
  hold(stream: string, fromMs: number, toMs: number, owner: string): number {
    return Number(this.db.prepare('INSERT INTO temp.dvr_holds (stream, from_ms, to_ms, owner) VALUES (?, ?, ?, ?)').run(stream, fromMs, toMs, owner).lastInsertRowid);
  }

  releaseHold(id: number): void {
    this.db.prepare('DELETE FROM temp.dvr_holds WHERE id = ?').run(id);
  }

  holds(stream?: string): { id: number; stream: string; fromMs: number; toMs: number; owner: string }[] {
    const rows = (
      stream
        ? this.db.prepare('SELECT id, stream, from_ms, to_ms, owner FROM temp.dvr_holds WHERE stream = ? ORDER BY from_ms').all(stream)
        : this.db.prepare('SELECT id, stream, from_ms, to_ms, owner FROM temp.dvr_holds ORDER BY stream, from_ms').all()
    ) as { id: number; stream: string; from_ms: number; to_ms: number; owner: string }[];
    return rows.map((r) => ({ id: r.id, stream: r.stream, fromMs: r.from_ms, toMs: r.to_ms, owner: r.owner }));
  }

  /**
   * Oldest segments that no lock or hold covers (for one stream or all), ending before
   * `beforeMs` when given: what retention may delete next.
   */
  deletable(limit: number, options: { stream?: string; beforeMs?: number } = {}): SegmentRecord[] {
    const conditions = [
      'NOT EXISTS (SELECT 1 FROM dvr_locks l WHERE l.stream = s.stream AND l.from_ms < s.start_ms + s.duration_ms AND l.to_ms > s.start_ms)',
      'NOT EXISTS (SELECT 1 FROM temp.dvr_holds h WHERE h.stream = s.stream AND h.from_ms < s.start_ms + s.duration_ms AND h.to_ms > s.start_ms)',
    ];
    const params: (string | number)[] = [];
    if (options.stream !== undefined) {
      conditions.push('s.stream = ?');
      params.push(options.stream);
    }
    if (options.beforeMs !== undefined) {
      conditions.push('s.start_ms + s.duration_ms <= ?');
      params.push(options.beforeMs);
    }
    const rows = this.db.prepare(`SELECT * FROM dvr_segments s WHERE ${conditions.join(' AND ')} ORDER BY s.start_ms LIMIT ?`).all(...params, limit) as SegmentRow[];
    return rows.map(fromRow);
  }

  /** Every stream with a folder in the archive (its inits outlive its segments), for name checks. */
  archivedStreamNames(): string[] {
    return (this.db.prepare('SELECT DISTINCT stream FROM dvr_inits').raw().all() as [string][]).map((r) => r[0]);
  }

  /**
   * Streams archived under this one's name, one level down (NAME/720p: its recorded
   * renditions). Read from the few init rows, by the name's index range.
   */
  childStreams(stream: string): string[] {
    const prefix = `${stream}/`;
    // '0' follows '/' in every collation: (NAME/, NAME0) holds exactly the names under NAME/.
    const rows = this.db.prepare('SELECT DISTINCT stream FROM dvr_inits WHERE stream > ? AND stream < ? ORDER BY stream').raw().all(prefix, `${stream}0`) as [string][];
    return rows.map((r) => r[0]).filter((name) => !name.slice(prefix.length).includes('/'));
  }

  /**
   * What a variant's BANDWIDTH attributes need of the segments starting in [fromMs, toMs):
   * the average and the fastest segment's bits per second, and the newest init (its tracks
   * give RESOLUTION and CODECS). One aggregate in SQLite, no rows carried into JS; null
   * when nothing starts there.
   */
  rates(stream: string, fromMs: number, toMs: number): { averageBps: number; peakBps: number; newestInitId: number } | null {
    const sums = this.db
      .prepare('SELECT SUM(bytes), SUM(duration_ms), MAX(bytes * 8000.0 / duration_ms) FROM dvr_segments WHERE stream = ? AND start_ms >= ? AND start_ms < ? AND duration_ms > 0')
      .raw()
      .get(stream, fromMs, toMs) as [number | null, number | null, number | null];
    const [bytes, durationMs, peakBps] = sums;
    if (bytes === null || !durationMs || peakBps === null) return null;
    const newest = this.db.prepare('SELECT init_id FROM dvr_segments WHERE stream = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms DESC LIMIT 1').raw().get(stream, fromMs, toMs) as [number] | undefined;
    if (!newest) return null;
    return { averageBps: (bytes * 8000) / durationMs, peakBps, newestInitId: newest[0] };
  }

  streams(): string[] {
    return (this.db.prepare('SELECT DISTINCT stream FROM dvr_segments ORDER BY stream').raw().all() as [string][]).map((r) => r[0]);
  }

  /**
   * Every stream with a recording, and its span. Read through the few init rows and two
   * index lookups per stream, not a scan of the segments.
   */
  recordedStreams(): { stream: string; firstMs: number; lastEndMs: number }[] {
    const names = (this.db.prepare('SELECT DISTINCT stream FROM dvr_inits ORDER BY stream').raw().all() as [string][]).map((r) => r[0]);
    return names.flatMap((stream) => {
      const span = this.span(stream);
      return span ? [{ stream, ...span }] : [];
    });
  }
}
