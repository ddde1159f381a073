// The DVR archive's one owner, as MediaMTX's recordstore is: where segments and inits lie
// on disk, their rows in SQLite (through DvrIndex), reading them back, and the sample
// tables an export plans from. The recorder writes through it; retention, reconciliation,
// playlists, export, thumbnails and MPEG-TS read through it. Nothing else joins a path
// under the archive root.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { Problem } from '../contract/problem.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { readInitSegment, type InitSegmentInfo } from '../formats/fmp4/index.js';
import type { SampleStore, SegmentTables } from '../formats/fmp4/segment-tables.js';
import type { Track } from '../media/index.js';
import { diskUsage } from '../system/system-status.js';
import { initFile, partialSuffix, segmentFile } from './archive-paths.js';
import type { DvrIndex, SegmentRecord, TabledSegment } from './dvr-index.js';
import { reconcileArchive, type ReconcileReport } from './reconcile.js';
import { decodeSampleTables, encodeSampleTables, SampleTablesBlobError } from './sample-tables.js';
import { cancelled, readSegmentHeads } from './segment-heads.js';

/** Parsed inits kept in memory: a handful of codec configurations serve every reader. */
const cachedInits = 16;

export interface ArchiveStoreOptions {
  /** <data-dir>/dvr */
  root: string;
  index: DvrIndex;
  log?: Logger;
}

export class ArchiveStore {
  /** The archive's rows: timelines, playlists, locks and holds query it directly. */
  readonly index: DvrIndex;
  private readonly root: string;
  private readonly inits = new Map<number, Promise<InitSegmentInfo>>();

  constructor(private readonly o: ArchiveStoreOptions) {
    this.index = o.index;
    this.root = o.root;
  }

  // ---- where things are ------------------------------------------------------------

  /** The file of an indexed segment. */
  segmentPath(segment: Pick<SegmentRecord, 'file'>): string {
    return path.join(this.root, segment.file);
  }

  /** The file of one of the stream's inits; null when the id is not the stream's. */
  initPath(stream: string, initId: number): string | null {
    const file = this.index.initFile(initId);
    return file?.startsWith(`${stream}/init/`) ? path.join(this.root, file) : null;
  }

  // ---- lookup by time --------------------------------------------------------------

  /** Segments overlapping [fromMs, toMs), oldest first. */
  segments(stream: string, fromMs: number, toMs: number): SegmentRecord[] {
    return this.index.segments(stream, fromMs, toMs);
  }

  /** The segment whose span holds `tMs` (start ≤ t < end), or null. */
  covering(stream: string, tMs: number): SegmentRecord | null {
    return this.index.segments(stream, tMs, tMs + 1).findLast((s) => s.startMs <= tMs && tMs < s.startMs + s.durationMs) ?? null;
  }

  /** One segment by its start (URLs name segments by it). */
  segmentAt(stream: string, startMs: number): SegmentRecord | null {
    return this.index.segmentAt(stream, startMs);
  }

  // ---- reading ---------------------------------------------------------------------

  /**
   * An init's tracks and sample defaults, parsed once and shared: callers copy what they
   * change. A Problem (not-found) when the index or the disk no longer has it.
   */
  readInit(initId: number): Promise<InitSegmentInfo> {
    let init = this.inits.get(initId);
    if (!init) {
      init = this.loadInit(initId);
      if (this.inits.size >= cachedInits) this.inits.delete(this.inits.keys().next().value!);
      this.inits.set(initId, init);
      init.catch(() => this.inits.delete(initId));
    }
    return init;
  }

  private async loadInit(initId: number): Promise<InitSegmentInfo> {
    const file = this.index.initFile(initId);
    if (!file) throw new Problem('not-found', 'Nothing recorded', 'the recording’s init segment is not in the index');
    let bytes: Uint8Array;
    try {
      bytes = await fs.readFile(path.join(this.root, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Problem('not-found', 'Nothing recorded', `the recording’s init segment ${file} is no longer on disk`);
      throw error;
    }
    return readInitSegment(bytes);
  }

  /** A segment's bytes, or null when its file is gone (retention was quicker). */
  async readSegment(segment: Pick<SegmentRecord, 'file'>): Promise<Uint8Array | null> {
    try {
      return await fs.readFile(this.segmentPath(segment));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  // ---- recording -------------------------------------------------------------------

  /** Registers an init (once per codec configuration, by content hash); writing it is writeInit's. */
  addInit(stream: string, hash: string, tracks: readonly Track[]): { id: number; file: string } {
    const file = initFile(stream, hash);
    const id = this.index.initId(stream, hash, file, JSON.stringify(tracks.map(({ config: _config, ...rest }) => rest)));
    return { id, file };
  }

  /** Writes an init unless it is already on disk (inits are named by their content). */
  async writeInit(file: string, bytes: Uint8Array): Promise<void> {
    const where = path.join(this.root, file);
    if (await fs.access(where).then(() => true, () => false)) return;
    await this.writeDurably(where, bytes);
  }

  /** Where a new segment goes: the name alone tells a recovery its stream, start and init. */
  segmentFile(stream: string, startMs: number, initHash: string): string {
    return segmentFile(stream, startMs, initHash);
  }

  /** Writes a finished segment (whole, or as its pieces in order), then its row and its sample tables (dvr/sample-tables.ts) together. */
  async writeSegment(segment: SegmentRecord, bytes: Uint8Array | readonly Uint8Array[], sampleTables: Uint8Array): Promise<void> {
    await this.writeDurably(this.segmentPath(segment), bytes);
    this.index.add({ ...segment, sampleTables });
  }

  /** The segment is either complete on disk or absent; an interrupted write leaves a recognisable .partial file. */
  private async writeDurably(file: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, bytes, 0o644, `${file}${partialSuffix}`);
  }

  // ---- export planning ---------------------------------------------------------------

  /** Segments overlapping [fromMs, toMs) with their packed sample tables: one query. */
  segmentsWithTables(stream: string, fromMs: number, toMs: number): TabledSegment[] {
    return this.index.segmentsWithTables(stream, fromMs, toMs);
  }

  /**
   * The sample tables of `segments`, in order, unpacked into `store` (an Error for a
   * segment whose tables cannot be had: its file gone or unreadable as a fragment).
   * Tables come from the rows; a segment recorded before they were kept (or whose row is
   * damaged) is read from its file this once, and its row filled in.
   */
  async sampleTables(segments: readonly TabledSegment[], store: SampleStore, signal?: AbortSignal): Promise<(SegmentTables | Error)[]> {
    if (signal?.aborted) throw cancelled(signal);
    const out: (SegmentTables | Error)[] = new Array(segments.length);
    const missing: number[] = [];
    segments.forEach((segment, i) => {
      if (!segment.sampleTables) return void missing.push(i);
      try {
        out[i] = decodeSampleTables(segment.sampleTables, store);
      } catch (error) {
        if (!(error instanceof SampleTablesBlobError)) throw error;
        this.o.log?.warn({ file: segment.file, err: error.message }, 'dvr: damaged sample tables; reading them from the segment again');
        missing.push(i);
      }
    });
    if (missing.length === 0) return out;

    const heads = await Promise.all(
      missing.map(async (i) => {
        const segment = segments[i]!;
        const init = await this.readInit(segment.initId);
        return { path: this.segmentPath(segment), size: segment.bytes, defaults: init.sampleDefaults };
      }),
    );
    const read = await readSegmentHeads(heads, store, signal);
    const filled: { segment: SegmentRecord; sampleTables: Uint8Array }[] = [];
    read.forEach((tables, k) => {
      const i = missing[k]!;
      out[i] = tables;
      if (!(tables instanceof Error)) filled.push({ segment: segments[i]!, sampleTables: encodeSampleTables(store, tables.runs) });
    });
    this.index.fillSampleTables(filled);
    if (filled.length > 0) this.o.log?.info({ segments: filled.length }, 'dvr: sample tables of segments recorded before they were kept in the index are filled in');
    return out;
  }

  // ---- retention and recovery ---------------------------------------------------------

  /** Deletes a segment's file (not its row: retention removes rows after their files). ENOENT counts as deleted. */
  async deleteSegmentFile(segment: Pick<SegmentRecord, 'file'>): Promise<void> {
    try {
      // unlink, not rm: a folder where a segment should be is not ours to empty.
      await fs.unlink(this.segmentPath(segment));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /** Free and total bytes of the archive's disk (the root is made when missing). */
  async diskUsage(): Promise<{ freeBytes: number; totalBytes: number }> {
    await fs.mkdir(this.root, { recursive: true });
    return diskUsage(this.root);
  }

  /** Makes the index and the disk agree after a crash (dvr/reconcile.ts). */
  reconcile(log: Logger): Promise<ReconcileReport> {
    return reconcileArchive(this.root, this.index, log);
  }
}
