import type { Logger } from 'pino';
import type { DvrRetentionStatus, DvrStuckFile } from '../contract/studio-api.js';
import type { StudioEvents } from '../events/studio-events.js';
import type { ArchiveStore } from './archive-store.js';
import type { SegmentRecord } from './dvr-index.js';
import { parseDepth, parseSize } from './retention-limits.js';

export interface RetentionLimits {
  depth: string;
  maxSize: string;
  minFreeBytes: number;
}

export interface RetentionDeps {
  archive: ArchiveStore;
  events: StudioEvents;
  log: Logger;
  /** The global limits (settings). */
  limits: () => RetentionLimits;
  /** A stream's own limits, '' where it follows the global ones. */
  streamLimits: (stream: string) => { depth: string; maxSize: string };
  /** A file that could not be deleted is tried again after this long at the earliest (default a minute). */
  stuckRetryMs?: number;
  /** The wall clock for retries (tests move it); the depth cut-off uses run()'s `now`. */
  clock?: () => number;
}

interface StuckEntry extends DvrStuckFile {
  nextTryMs: number;
}

const batch = 500;

const errorText = (err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message}` : String((err as Error)?.message ?? err);
};

/**
 * Applies the archive's limits: age (depth) and size, per stream and overall,
 * oldest unlocked segments first; and watches free disk space, stopping all
 * recording below the minimum and resuming above it.
 *
 * A segment whose file cannot be deleted (EACCES, EPERM, EBUSY on Windows, a folder
 * in its place) keeps its row, so the index never lists less than the disk holds;
 * retention goes on with the next one, reports it as stuck, and tries it again on a
 * later pass, no sooner than stuckRetryMs.
 */
export class Retention {
  private diskLow = false;
  private running: Promise<void> | null = null;
  private readonly stuck = new Map<string, StuckEntry>();
  private lastRunMs: number | null = null;
  private lastError: string | null = null;
  /** Files this pass has tried to delete: a failure is not tried again in the same pass. */
  private readonly tried = new Set<string>();

  constructor(private readonly deps: RetentionDeps) {}

  /** False while free disk space is below the minimum: recorders drop what they would write. */
  get recordingAllowed(): boolean {
    return !this.diskLow;
  }

  /** What the API and the Monitor show: the stuck files and how the last pass went. */
  status(): DvrRetentionStatus {
    const stuck = [...this.stuck.values()].map(({ stream, path: where, error, since, attempts }) => ({ stream, path: where, error, since, attempts }));
    return { stuck, lastRunMs: this.lastRunMs, lastError: this.lastError };
  }

  /** One pass; overlapping calls share the pass under way. A pass that fails says why in status().lastError, and rejects. */
  run(now = Date.now()): Promise<void> {
    this.running ??= this.guardedPass(now).finally(() => (this.running = null));
    return this.running;
  }

  /** Resolves once the pass under way (if any) has ended, however it ended: the studio waits for it before closing the database and the log. */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private get clock(): number {
    return (this.deps.clock ?? Date.now)();
  }

  private async guardedPass(now: number): Promise<void> {
    const before = [...this.stuck.keys()].join('\n');
    this.tried.clear();
    try {
      this.lastError = await this.pass(now);
    } catch (err) {
      this.lastError = errorText(err);
      throw err;
    } finally {
      this.lastRunMs = this.clock;
      if ([...this.stuck.keys()].join('\n') !== before) this.deps.events.publish('dvr_retention_stuck', this.status());
    }
  }

  /** null when the pass went through, else why it stopped early. */
  private async pass(now: number): Promise<string | null> {
    const { archive, limits } = this.deps;
    const { index } = archive;
    const global = limits();
    let disk: { freeBytes: number; totalBytes: number };
    try {
      disk = await archive.diskUsage();
    } catch (err) {
      this.deps.log.warn({ err }, 'dvr: cannot read free disk space');
      return `cannot read free disk space: ${errorText(err)}`;
    }
    const wanted = new Set<string>();
    for (const stream of index.streams()) {
      const own = this.deps.streamLimits(stream);
      const depth = parseDepth(own.depth || global.depth);
      if (depth !== null) await this.deleteWhile(() => this.candidates(wanted, { stream, beforeMs: now - depth }), `older than ${own.depth || global.depth}`);
      const maxSize = parseSize(own.maxSize || global.maxSize, disk.totalBytes);
      if (maxSize !== null) await this.trimTo(maxSize, wanted, stream, `${stream} over ${own.maxSize || global.maxSize}`);
    }
    const totalLimit = parseSize(global.maxSize, disk.totalBytes);
    if (totalLimit !== null) await this.trimTo(totalLimit, wanted, undefined, `archive over ${global.maxSize}`);
    this.forgetUnwanted(wanted);

    const free = (await archive.diskUsage()).freeBytes;
    const low = free < global.minFreeBytes;
    if (low && !this.diskLow) {
      const message = 'Not enough available disk space';
      this.deps.log.error({ freeBytes: free, minFreeBytes: global.minFreeBytes }, `dvr: ${message}: recording stopped`);
      this.deps.events.publish('dvr_disk_low', { freeBytes: free, minFreeBytes: global.minFreeBytes, message });
    } else if (!low && this.diskLow) {
      this.deps.log.info({ freeBytes: free }, 'dvr: free disk space is back above the minimum: recording resumes');
    }
    this.diskLow = low;
    return null;
  }

  /**
   * The next segments retention may delete, leaving out stuck ones (this pass failed on
   * them, or their retry is not due). Asks the index for as many more as are stuck, so
   * stuck files at the head never hide the ones behind them. Every candidate seen, stuck
   * or not, goes into `wanted`.
   */
  private candidates(wanted: Set<string>, options: { stream?: string; beforeMs?: number }): SegmentRecord[] {
    const now = this.clock;
    const rows = this.deps.archive.index.deletable(batch + this.stuck.size, options);
    for (const s of rows) wanted.add(s.file);
    return rows.filter((s) => !this.isHeld(s.file, now)).slice(0, batch);
  }

  private isHeld(file: string, now: number): boolean {
    return this.tried.has(file) || (this.stuck.get(file)?.nextTryMs ?? 0) > now;
  }

  private async trimTo(limit: number, wanted: Set<string>, stream: string | undefined, reason: string): Promise<void> {
    let excess = this.deps.archive.index.totals(stream).bytes - limit;
    await this.deleteWhile(
      () => {
        const take: SegmentRecord[] = [];
        let budget = excess;
        for (const s of budget > 0 ? this.candidates(wanted, { stream }) : []) {
          if (budget <= 0) break;
          take.push(s);
          budget -= s.bytes;
        }
        return take;
      },
      reason,
      // Only what is really gone counts against the excess; a stuck file frees nothing.
      (s) => (excess -= s.bytes),
    );
  }

  /**
   * Deletes batches until the supplier has no more; files first, so a crash in between
   * only leaves rows that reconciliation drops. A file that cannot be deleted keeps its
   * row and is set aside; the rest of the batch goes on.
   */
  private async deleteWhile(next: () => SegmentRecord[], reason: string, onDeleted?: (s: SegmentRecord) => void): Promise<void> {
    const deleted = new Map<string, { segments: number; bytes: number }>();
    let previousFirst: string | null = null;
    for (let segments = next(); segments.length > 0; segments = next()) {
      // The same batch again means nothing was removed nor set aside: stop rather than spin.
      if (segments[0]!.file === previousFirst) break;
      previousFirst = segments[0]!.file;
      const gone: SegmentRecord[] = [];
      for (const s of segments) if (await this.deleteFile(s)) gone.push(s);
      this.deps.archive.index.remove(gone);
      for (const s of gone) {
        onDeleted?.(s);
        const d = deleted.get(s.stream) ?? { segments: 0, bytes: 0 };
        d.segments++;
        d.bytes += s.bytes;
        deleted.set(s.stream, d);
      }
    }
    for (const [stream, d] of deleted) {
      this.deps.log.info({ stream, ...d }, `dvr: deleted ${d.segments} segments (${reason})`);
      this.deps.events.publish('dvr_deleted', { stream, segments: d.segments, bytes: d.bytes, reason });
    }
  }

  /** True when the file is gone (or already was); false when it is stuck, recorded as such. */
  private async deleteFile(s: SegmentRecord): Promise<boolean> {
    const where = this.deps.archive.segmentPath(s);
    const previous = this.stuck.get(s.file);
    this.tried.add(s.file);
    try {
      await this.deps.archive.deleteSegmentFile(s);
    } catch (err) {
      this.noteStuck(s, where, errorText(err), previous);
      return false;
    }
    if (previous) {
      this.stuck.delete(s.file);
      this.deps.log.info({ stream: s.stream, file: where, attempts: previous.attempts + 1 }, `dvr: ${where} could be deleted after all`);
    }
    return true;
  }

  private noteStuck(s: SegmentRecord, where: string, error: string, previous: StuckEntry | undefined): void {
    const now = this.clock;
    const nextTryMs = now + (this.deps.stuckRetryMs ?? 60_000);
    if (previous) {
      Object.assign(previous, { error, attempts: previous.attempts + 1, nextTryMs });
      this.deps.log.debug({ stream: s.stream, file: where, error, attempts: previous.attempts }, 'dvr: retention still cannot delete a segment');
      return;
    }
    this.stuck.set(s.file, { stream: s.stream, path: where, error, since: now, attempts: 1, nextTryMs });
    this.deps.log.warn({ stream: s.stream, file: where, error }, `dvr: retention cannot delete ${where} (${error}); it is kept in the archive and tried again later`);
  }

  /** Stuck files retention no longer wants gone (deleted by someone, locked, limits raised) are no longer stuck. */
  private forgetUnwanted(wanted: Set<string>): void {
    for (const [file, entry] of this.stuck) {
      if (wanted.has(file)) continue;
      this.stuck.delete(file);
      this.deps.log.info({ stream: entry.stream, file: entry.path }, `dvr: ${entry.path} is no longer due for deletion`);
    }
  }
}
