import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { StudioDatabase } from '../db/index.js';
import { Fmp4ParseError, readFragmentSummary } from '../formats/fmp4/index.js';
import { parseSegmentFile, partialSuffix } from './archive-paths.js';
import type { DvrIndex, SegmentRecord } from './dvr-index.js';

export interface ReconcileReport {
  indexed: number;
  finishedPartials: number;
  deletedPartials: number;
  removedRows: number;
  unreadable: number;
  ms: number;
}

interface InitRow {
  id: number;
  tracks_json: string;
}

/**
 * Makes the index and the disk agree after a crash or a power cut: segments on
 * disk that the index lacks are read and indexed, rows whose files are gone are
 * removed, and a segment caught half-written (.partial) is finished when it reads
 * as a whole fragment and deleted otherwise. Only files the index does not know
 * are opened, so a large healthy archive costs one directory walk.
 */
export async function reconcileArchive(root: string, index: DvrIndex, db: StudioDatabase, log: Logger): Promise<ReconcileReport> {
  const started = performance.now();
  const report: ReconcileReport = { indexed: 0, finishedPartials: 0, deletedPartials: 0, removedRows: 0, unreadable: 0, ms: 0 };
  let entries: string[];
  try {
    entries = (await fs.readdir(root, { recursive: true })).map((e) => e.split(path.sep).join('/'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return report;
    throw err;
  }
  const onDisk = new Set(entries);
  const rows = db.prepare('SELECT stream, start_ms, duration_ms, bytes, file, init_id, first_keyframe, discontinuity FROM dvr_segments').raw().all() as [string, number, number, number, string, number, number, number][];
  const indexed = new Set(rows.map((r) => r[4]));

  const gone: SegmentRecord[] = [];
  for (const [stream, startMs, durationMs, bytes, file, initId, firstKeyframe, discontinuity] of rows) {
    if (!onDisk.has(file)) gone.push({ stream, startMs, durationMs, bytes, file, initId, firstKeyframe: firstKeyframe === 1, discontinuity: discontinuity === 1 });
  }
  index.remove(gone);
  report.removedRows = gone.length;

  const initFor = db.prepare("SELECT id, tracks_json FROM dvr_inits WHERE stream = ? AND substr(hash, 1, 24) = ?");
  const pending: SegmentRecord[] = [];
  const flush = () => {
    index.addMany(pending);
    pending.length = 0;
  };
  const indexSegment = async (relative: string): Promise<boolean> => {
    const parts = parseSegmentFile(relative);
    if (!parts) return false;
    const init = initFor.get(parts.stream, parts.initHash) as InitRow | undefined;
    if (!init) return false;
    const bytes = await fs.readFile(path.join(root, relative));
    const summary = readFragmentSummary(bytes);
    const tracks = JSON.parse(init.tracks_json) as { id: number; kind: string; timescale: number }[];
    const clock = tracks.find((t) => t.kind === 'video') ?? tracks[0];
    const clockFragment = summary.tracks.find((t) => t.trackId === (clock?.id ?? 0) + 1) ?? summary.tracks[0];
    if (!clock || !clockFragment) return false;
    pending.push({
      stream: parts.stream,
      startMs: parts.startMs,
      durationMs: Math.max(1, Math.round((clockFragment.duration * 1000) / clock.timescale)),
      bytes: bytes.length,
      file: relative,
      initId: init.id,
      firstKeyframe: clockFragment.firstSampleIsSync,
      // What came before is unknown after a crash: players should not assume continuity.
      discontinuity: true,
    });
    if (pending.length >= 1000) flush();
    return true;
  };

  const visit = async (relative: string): Promise<void> => {
    try {
      if (relative.endsWith(`.m4s${partialSuffix}`)) {
        const final = relative.slice(0, -partialSuffix.length);
        const bytes = await fs.readFile(path.join(root, relative));
        let whole = false;
        try {
          readFragmentSummary(bytes);
          whole = true;
        } catch (err) {
          if (!(err instanceof Fmp4ParseError)) throw err;
        }
        if (whole && !indexed.has(final)) {
          await fs.rename(path.join(root, relative), path.join(root, final));
          if (await indexSegment(final)) report.finishedPartials++;
        } else {
          await fs.rm(path.join(root, relative), { force: true });
          report.deletedPartials++;
        }
      } else if (relative.endsWith(partialSuffix)) {
        // A half-written init: the recorder writes it again with the next session.
        await fs.rm(path.join(root, relative), { force: true });
        report.deletedPartials++;
      } else if (relative.endsWith('.m4s') && !indexed.has(relative)) {
        if (await indexSegment(relative)) report.indexed++;
        else report.unreadable++;
      }
    } catch (err) {
      if (!(err instanceof Fmp4ParseError)) throw err;
      report.unreadable++;
      log.warn({ file: relative }, `dvr: unreadable segment left in place: ${err.message}`);
    }
  };
  // Only files the index lacks (and .partial ones) need opening; a few reads at a time keep the disk busy.
  const work = entries.filter((e) => e.endsWith(partialSuffix) || (e.endsWith('.m4s') && !indexed.has(e)));
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < work.length) await visit(work[next++]!);
    }),
  );
  flush();
  report.ms = Math.round(performance.now() - started);
  return report;
}
