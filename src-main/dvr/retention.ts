import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { StudioEvents } from '../events/studio-events.js';
import { diskUsage } from '../system/system-status.js';
import type { DvrIndex, SegmentRecord } from './dvr-index.js';
import { parseDepth, parseSize } from './retention-limits.js';

export interface RetentionLimits {
  depth: string;
  maxSize: string;
  minFreeBytes: number;
}

export interface RetentionDeps {
  index: DvrIndex;
  events: StudioEvents;
  log: Logger;
  root: string;
  /** The global limits (settings). */
  limits: () => RetentionLimits;
  /** A stream's own limits, '' where it follows the global ones. */
  streamLimits: (stream: string) => { depth: string; maxSize: string };
}

const batch = 500;

/**
 * Applies the archive's limits: age (depth) and size, per stream and overall,
 * oldest unlocked segments first; and watches free disk space, stopping all
 * recording below the minimum and resuming above it.
 */
export class Retention {
  private diskLow = false;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: RetentionDeps) {}

  /** False while free disk space is below the minimum: recorders drop what they would write. */
  get recordingAllowed(): boolean {
    return !this.diskLow;
  }

  /** One pass; overlapping calls share the pass under way. */
  run(now = Date.now()): Promise<void> {
    this.running ??= this.pass(now).finally(() => (this.running = null));
    return this.running;
  }

  private async pass(now: number): Promise<void> {
    const { index, limits } = this.deps;
    const global = limits();
    let disk: { freeBytes: number; totalBytes: number };
    try {
      await fs.mkdir(this.deps.root, { recursive: true });
      disk = await diskUsage(this.deps.root);
    } catch (err) {
      this.deps.log.warn({ err }, 'dvr: cannot read free disk space');
      return;
    }
    for (const stream of index.streams()) {
      const own = this.deps.streamLimits(stream);
      const depth = parseDepth(own.depth || global.depth);
      if (depth !== null) await this.deleteWhile(() => index.deletable(batch, { stream, beforeMs: now - depth }), `older than ${own.depth || global.depth}`);
      const maxSize = parseSize(own.maxSize || global.maxSize, disk.totalBytes);
      if (maxSize !== null) await this.trimTo(maxSize, stream, `${stream} over ${own.maxSize || global.maxSize}`);
    }
    const totalLimit = parseSize(global.maxSize, disk.totalBytes);
    if (totalLimit !== null) await this.trimTo(totalLimit, undefined, `archive over ${global.maxSize}`);

    const free = (await diskUsage(this.deps.root)).freeBytes;
    const low = free < global.minFreeBytes;
    if (low && !this.diskLow) {
      const message = 'Not enough available disk space';
      this.deps.log.error({ freeBytes: free, minFreeBytes: global.minFreeBytes }, `dvr: ${message}: recording stopped`);
      this.deps.events.publish('dvr_disk_low', { freeBytes: free, minFreeBytes: global.minFreeBytes, message });
    } else if (!low && this.diskLow) {
      this.deps.log.info({ freeBytes: free }, 'dvr: free disk space is back above the minimum: recording resumes');
    }
    this.diskLow = low;
  }

  private async trimTo(limit: number, stream: string | undefined, reason: string): Promise<void> {
    const { index } = this.deps;
    let excess = index.totals(stream).bytes - limit;
    await this.deleteWhile(() => {
      if (excess <= 0) return [];
      const candidates = index.deletable(batch, { stream });
      const take: SegmentRecord[] = [];
      for (const s of candidates) {
        if (excess <= 0) break;
        take.push(s);
        excess -= s.bytes;
      }
      return take;
    }, reason);
  }

  /** Deletes batches until the supplier has no more; files first, so a crash in between only leaves rows that reconciliation drops. */
  private async deleteWhile(next: () => SegmentRecord[], reason: string): Promise<void> {
    const deleted = new Map<string, { segments: number; bytes: number }>();
    let previousFirst: string | null = null;
    for (let segments = next(); segments.length > 0; segments = next()) {
      // The same batch again means nothing was removed: stop rather than spin.
      if (segments[0]!.file === previousFirst) break;
      previousFirst = segments[0]!.file;
      for (const s of segments) await fs.rm(path.join(this.deps.root, s.file), { force: true });
      this.deps.index.remove(segments);
      for (const s of segments) {
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
}
