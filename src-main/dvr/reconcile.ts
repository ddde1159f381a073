import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { readFragmentSummary } from '../formats/fmp4/index.js';
import { parseSegmentFile, partialSuffix } from './archive-paths.js';
import type { DvrIndex, SegmentRecord } from './dvr-index.js';

export interface ReconcileReport {
  indexed: number;
  finishedPartials: number;
  deletedPartials: number;
  removedRows: number;
  unreadable: number;
  /** Entries left alone because they are not what their name says or cannot be touched (each logged). */
  skipped: number;
  ms: number;
}

/** A segment is a few MB; a file far larger under a segment's name is not one, and is not read into memory. */
const maxSegmentBytes = 1 << 30;

/** What the walk found: regular files (symlinks to files count), and folders it could not read. */
interface ArchiveListing {
  files: string[];
  unreadableDirs: string[];
}

const errorText = (err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message}` : String((err as Error)?.message ?? err);
};

/**
 * Lists the archive's files one folder at a time, so a folder it cannot read is
 * logged and left out instead of failing the whole walk. Symlinked folders are not
 * followed (a loop would never end); a symlink to a file counts as that file.
 */
async function listArchive(root: string, log: Logger, skip: (relative: string, reason: string) => void): Promise<ArchiveListing | null> {
  const listing: ArchiveListing = { files: [], unreadableDirs: [] };
  const pending = [''];
  while (pending.length > 0) {
    const relativeDir = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = await fs.readdir(path.join(root, relativeDir), { withFileTypes: true });
    } catch (err) {
      if (relativeDir === '' && (err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      listing.unreadableDirs.push(relativeDir);
      log.warn({ dir: path.join(root, relativeDir), err: errorText(err) }, `dvr: cannot read the archive folder ${relativeDir || root}: its rows and files are left as they are`);
      continue;
    }
    for (const entry of entries) {
      const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) pending.push(relative);
      else if (entry.isFile()) listing.files.push(relative);
      else if (entry.isSymbolicLink()) {
        const target = await fs.stat(path.join(root, relative)).catch((err: unknown) => errorText(err));
        if (typeof target === 'string') skip(relative, `a broken link (${target})`);
        else if (target.isFile()) listing.files.push(relative);
        else skip(relative, 'a link to something that is not a file');
      }
    }
  }
  return listing;
}

/**
 * Makes the index and the disk agree after a crash or a power cut: segments on
 * disk that the index lacks are read and indexed, rows whose files are gone are
 * removed, and a segment caught half-written (.partial) is finished when it reads
 * as a whole fragment and deleted otherwise. Only files the index does not know
 * are opened, so a large healthy archive costs one directory walk.
 *
 * Whatever else it finds (a folder where a file is expected, a file it may not read
 * or delete, a broken link, garbage) is logged with its path and the reason, and
 * skipped: nothing in the archive stops the studio from starting. Nothing is moved
 * or deleted but our own .partial files, so a skipped item is where the user left it.
 */
export async function reconcileArchive(root: string, index: DvrIndex, log: Logger): Promise<ReconcileReport> {
  const started = performance.now();
  const report: ReconcileReport = { indexed: 0, finishedPartials: 0, deletedPartials: 0, removedRows: 0, unreadable: 0, skipped: 0, ms: 0 };
  const skip = (relative: string, reason: string) => {
    report.skipped++;
    log.warn({ file: path.join(root, relative), reason }, `dvr: left ${relative} in place: ${reason}`);
  };
  const listing = await listArchive(root, log, skip);
  if (!listing) return report;
  const onDisk = new Set(listing.files);
  // Under a folder that could not be listed, absence proves nothing.
  const unknownPrefixes = listing.unreadableDirs.map((d) => (d === '' ? '' : `${d}/`));
  const unseen = (file: string) => !onDisk.has(file) && !unknownPrefixes.some((p) => file.startsWith(p));

  const rows = index.allSegments();
  const indexed = new Set(rows.map((r) => r.file));
  const gone = rows.filter((r) => unseen(r.file));
  index.remove(gone);
  report.removedRows = gone.length;

  const pending: SegmentRecord[] = [];
  const flush = () => {
    index.addMany(pending);
    pending.length = 0;
  };
  /** The file's bytes, or null (logged) when it is too big to be a segment. */
  const readSegmentBytes = async (relative: string): Promise<Buffer | null> => {
    const stat = await fs.stat(path.join(root, relative));
    if (stat.size > maxSegmentBytes) {
      skip(relative, `${stat.size} bytes is too big for a segment`);
      return null;
    }
    return fs.readFile(path.join(root, relative));
  };
  const indexSegment = async (relative: string): Promise<boolean> => {
    const parts = parseSegmentFile(relative);
    if (!parts) return false;
    const init = index.initByHashPrefix(parts.stream, parts.initHash);
    if (!init) return false;
    const bytes = await readSegmentBytes(relative);
    if (!bytes) return false;
    const summary = readFragmentSummary(bytes);
    const tracks = JSON.parse(init.tracksJson) as { id: number; kind: string; timescale: number }[];
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
  /** Whether the bytes are one whole fragment; garbage of any kind is simply not. */
  const isWholeFragment = (bytes: Buffer) => {
    try {
      readFragmentSummary(bytes);
      return true;
    } catch {
      return false;
    }
  };

  const finishOrDeletePartial = async (relative: string): Promise<void> => {
    const final = relative.slice(0, -partialSuffix.length);
    const bytes = await readSegmentBytes(relative);
    if (!bytes) return;
    if (isWholeFragment(bytes) && !indexed.has(final) && !onDisk.has(final)) {
      await fs.rename(path.join(root, relative), path.join(root, final));
      if (await indexSegment(final)) report.finishedPartials++;
    } else {
      await fs.unlink(path.join(root, relative));
      report.deletedPartials++;
    }
  };

  const visit = async (relative: string): Promise<void> => {
    try {
      if (relative.endsWith(`.m4s${partialSuffix}`)) await finishOrDeletePartial(relative);
      else if (relative.endsWith(partialSuffix)) {
        // A half-written init: the recorder writes it again with the next session.
        await fs.unlink(path.join(root, relative));
        report.deletedPartials++;
      } else if (await indexSegment(relative)) report.indexed++;
      else report.unreadable++;
    } catch (err) {
      // One bad entry costs only itself: a parse error, EACCES, EPERM, EBUSY, EISDIR, a file gone meanwhile.
      report.unreadable++;
      skip(relative, errorText(err));
    }
  };
  // Only files the index lacks (and .partial ones) need opening; a few reads at a time keep the disk busy.
  const work = listing.files.filter((e) => e.endsWith(partialSuffix) || (e.endsWith('.m4s') && !indexed.has(e)));
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
