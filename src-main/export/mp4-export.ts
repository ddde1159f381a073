// Lossless MP4 export of an archive range: a standard progressive MP4 (moov first) whose
// samples are the recorded ones, copied from the segment files untouched. Every sample's
// size is in the archive's sample tables (SQLite), so the moov is built before a segment
// file is opened, the file's size is known up front, and any byte range of it can be served.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { promisify } from 'node:util';
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { Problem } from '../contract/problem.js';
import type { ArchiveStore } from '../dvr/archive-store.js';
import { gapToleranceMs } from '../dvr/dvr-index.js';
import type { Track, VideoTrack } from '../media/frame.js';
import type { ProcessRegistry } from '../transcode/process-registry.js';
import { checkParts, writeBody, type BodyPart } from './export-body.js';
import { buildProgressiveHeader, sampleEntryBox, type ChunkRef, type Edit, type Mp4TrackInput } from '../formats/mp4/progressive-mp4.js';
import { SampleStore, type TrackRun } from '../formats/fmp4/segment-tables.js';
import { smartCut, smartCutProblem } from './smart-cut.js';

export interface Mp4ExportDeps {
  archive: ArchiveStore;
  ffmpegPath: () => string | null;
  processes: ProcessRegistry;
  log?: Logger;
}

export interface Mp4ExportOptions {
  stream: string;
  fromMs: number;
  durationMs: number;
  /** Re-encode FROM's GOP up to the next keyframe so the file starts on FROM's picture without an edit list (H.264). */
  precise: boolean;
  /** Longer ranges are refused (400); none when absent. */
  maxDurationMs?: number;
  /** Cancels planning (reading old segments' tables and a precise cut's ffmpeg). */
  signal?: AbortSignal;
}

export interface ExportPlanRequest {
  stream: string;
  fromMs: number;
  durationMs: number;
  precise: boolean;
  signal: AbortSignal;
}

export interface Mp4ExportPlan {
  /** Bytes of the whole file. */
  size: number;
  /** STREAM-YYYYMMDDTHHMMSSZ-DURATIONs.mp4, with / in the stream name as _. */
  fileName: string;
  /** Holes in the recording inside the range, closed up in the file. */
  gaps: number;
  /** Media time the file plays (the range minus its gaps). */
  recordedMs: number;
  /** UTC of the first picture shown. */
  startMs: number;
  /** Kinds of the tracks the file has (a track with nothing in the range is left out). */
  kinds: ('video' | 'audio')[];
  /** Set when the range runs into a new codec configuration: the file stops there. */
  endsEarly: { atMs: number; reason: string } | null;
  /** A strong validator for this plan's bytes (Range requests, If-Range). */
  etag: string;
  /**
   * Writes the file (or bytes range.start..range.end, inclusive) to `out` with
   * backpressure; does not end `out`. Rejects when `out` closes first or `signal` aborts.
   */
  write(out: Writable, range?: { start: number; end: number }, signal?: AbortSignal, onProgress?: (bytes: number) => void): Promise<void>;
  /** Lets go of what the plan holds (the re-encoded pictures of a precise cut). */
  dispose(): Promise<void>;
}

/** Movie timescale of mvhd, tkhd and the edit lists (each track keeps its own). */
const movieTimescale = 1000;
/** Consecutive segments whose clocks differ by more than this are joined as a new timeline. */
const maxClockJumpSeconds = 0.5;

// ---- sample lists ------------------------------------------------------------

/** A growable column store of one output track's samples. */
class SampleList {
  count = 0;
  durations: Uint32Array;
  sizes: Uint32Array;
  offsets: Int32Array;
  sync: Uint8Array;
  hasOffsets = false;

  /** `capacity`: rows to make room for at once; an hour's list grown by doubling would copy itself a dozen times. */
  constructor(capacity = 512) {
    this.durations = new Uint32Array(capacity);
    this.sizes = new Uint32Array(capacity);
    this.offsets = new Int32Array(capacity);
    this.sync = new Uint8Array(capacity);
  }

  private reserve(extra: number): void {
    if (this.count + extra <= this.durations.length) return;
    let capacity = this.durations.length * 2;
    while (capacity < this.count + extra) capacity *= 2;
    const grow = <T extends Uint32Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a.subarray(0, this.count));
      return b;
    };
    this.durations = grow(this.durations, (n) => new Uint32Array(n));
    this.sizes = grow(this.sizes, (n) => new Uint32Array(n));
    this.offsets = grow(this.offsets, (n) => new Int32Array(n));
    this.sync = grow(this.sync, (n) => new Uint8Array(n));
  }

  /** Rows from..to (exclusive) of the store. */
  append(store: SampleStore, from: number, to: number, hasOffsets: boolean): void {
    this.reserve(to - from);
    const { durations, sizes, sync, offsets } = this;
    let at = this.count;
    for (let k = from; k < to; k++, at++) {
      durations[at] = store.durations[k]!;
      sizes[at] = store.sizes[k]!;
      sync[at] = store.sync[k]!;
      offsets[at] = store.compositionOffsets[k]!;
    }
    if (hasOffsets) this.hasOffsets = true;
    this.count = at;
  }

  push(duration: number, size: number, offset: number, sync: boolean): void {
    this.reserve(1);
    this.durations[this.count] = duration;
    this.sizes[this.count] = size;
    this.offsets[this.count] = offset;
    this.sync[this.count] = sync ? 1 : 0;
    if (offset !== 0) this.hasOffsets = true;
    this.count++;
  }

  /** Samples from `from` on, as a new list (the head is about to be replaced). */
  tail(from: number): SampleList {
    const rest = new SampleList();
    rest.reserve(this.count - from);
    rest.durations.set(this.durations.subarray(from, this.count));
    rest.sizes.set(this.sizes.subarray(from, this.count));
    rest.offsets.set(this.offsets.subarray(from, this.count));
    rest.sync.set(this.sync.subarray(from, this.count));
    rest.hasOffsets = this.hasOffsets;
    rest.count = this.count - from;
    return rest;
  }

  prependAll(head: SampleList): SampleList {
    const all = new SampleList();
    all.reserve(head.count + this.count);
    for (const list of [head, this]) {
      all.durations.set(list.durations.subarray(0, list.count), all.count);
      all.sizes.set(list.sizes.subarray(0, list.count), all.count);
      all.offsets.set(list.offsets.subarray(0, list.count), all.count);
      all.sync.set(list.sync.subarray(0, list.count), all.count);
      all.count += list.count;
    }
    all.hasOffsets = head.hasOffsets || this.hasOffsets;
    return all;
  }
}

interface OutTrack {
  track: Track;
  list: SampleList;
  /** Export time (track ticks) of the first and the last sample's decode time; null before the first. */
  firstDts: number | null;
  lastDts: number;
  /** The last sample's recorded duration: where the next one goes when nothing says otherwise. */
  lastDuration: number;
}

/** A chunk of the output's mdat: samples of one track, back to back, from a file or from memory. */
interface BodyChunk {
  out: OutTrack;
  count: number;
  length: number;
  source: { file: string; offset: number } | { bytes: Uint8Array };
}

// ---- planning ------------------------------------------------------------------

export async function planMp4Export(deps: Mp4ExportDeps, o: Mp4ExportOptions): Promise<Mp4ExportPlan> {
  const { archive } = deps;
  const { stream, fromMs, durationMs } = o;
  if (!Number.isFinite(fromMs) || !Number.isFinite(durationMs)) throw new Problem('invalid', 'Invalid range', 'FROM and DURATION must be numbers');
  if (durationMs <= 0) throw new Problem('invalid', 'Invalid range', 'DURATION must be at least 1 second');
  if (o.maxDurationMs !== undefined && durationMs > o.maxDurationMs) {
    throw new Problem('invalid', 'Range too long', `DURATION is over the export limit of ${Math.round(o.maxDurationMs / 1000)} s (setting exportMaxSeconds); export shorter ranges`);
  }
  const toMs = fromMs + durationMs;
  const span = archive.index.span(stream);
  if (!span) throw new Problem('not-found', 'Nothing recorded', `${stream} has no recording`);
  if (toMs <= span.firstMs || fromMs >= span.lastEndMs) {
    throw new Problem('invalid', 'Outside the archive', `the range ${iso(fromMs)} to ${iso(toMs)} is outside the archive of ${stream}, which holds ${iso(span.firstMs)} to ${iso(span.lastEndMs)}`);
  }
  let segments = archive.segmentsWithTables(stream, fromMs, toMs);
  if (segments.length === 0) throw nothingRecorded(stream, fromMs, toMs);

  // One codec configuration per file: the export ends where another begins.
  let endsEarly: Mp4ExportPlan['endsEarly'] = null;
  const change = segments.findIndex((s) => s.initId !== segments[0]!.initId);
  if (change > 0) {
    endsEarly = { atMs: segments[change]!.startMs, reason: 'the codec configuration (codec or picture size) changes here; export the rest as its own range' };
    segments = segments.slice(0, change);
  }
  const init = await loadInit(archive, segments[0]!.initId);
  const clock = init.tracks.find((t) => t.kind === 'video') ?? init.tracks[0]!;
  if (o.precise && clock.kind === 'video') {
    const problem = smartCutProblem(clock);
    if (problem) throw new Problem('invalid', 'Precise cut not possible', problem);
    if (!deps.ffmpegPath()) throw new Problem('unavailable', 'No ffmpeg', 'a precise cut re-encodes the first pictures and needs ffmpeg: set FFMPEG_PATH or the ffmpeg path in Settings, or export without precise=true');
  }

  // Room for 30 fps video and AAC at 48 kHz (~80 samples a second) up front: growing it copies everything.
  const store = new SampleStore(Math.ceil((segments.reduce((n, s) => n + s.durationMs, 0) / 1000) * 80));
  const tables = await archive.sampleTables(segments, store, o.signal);
  // Each track's rows in the range, at most: its list never grows.
  const rows = new Map<number, number>();
  for (const loaded of tables) if (!(loaded instanceof Error)) for (const run of loaded.runs) rows.set(run.trackId, (rows.get(run.trackId) ?? 0) + run.count);
  const outs = new Map<number, OutTrack>(init.tracks.map((track) => [track.id, { track, list: new SampleList(Math.max(512, rows.get(track.id) ?? 0)), firstDts: null, lastDts: 0, lastDuration: 0 }]));
  const clockOut = outs.get(clock.id)!;
  const body: BodyChunk[] = [];
  const tsC = clock.timescale;
  const { durations, compositionOffsets, sync } = store;
  let gaps = 0;
  let started = false;
  /** export ticks = media ticks + offset, in clock ticks, for the current stretch of continuous recording. */
  let offClock = 0;
  let startExport = 0;
  let startUtc = 0;
  let endExport: number | null = null;
  let previous: { endMs: number; clockEnd: number } | null = null;
  let skipped = false;

  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const loaded = tables[i]!;
    if (loaded instanceof Error) {
      deps.log?.warn(`mp4 export: segment ${segment.file} skipped: ${loaded.message}`);
      skipped = true;
      continue;
    }
    const clockRun = loaded.runs.find((r) => r.trackId === clock.id);
    if (!clockRun || clockRun.count === 0) {
      skipped = true;
      continue;
    }
    const file = archive.segmentPath(segment);
    const keyPts = clockRun.baseDecodeTime + compositionOffsets[clockRun.start]!;
    /** Media seconds of a UTC time, by this segment's anchor: its first picture is shown at segment.startMs. */
    const mediaSeconds = (utcMs: number) => keyPts / tsC + (utcMs - segment.startMs) / 1000;
    /** Samples [a, b) of each run go to the file. */
    const ranges = new Map<TrackRun, { a: number; b: number }>();
    for (const run of loaded.runs) if (outs.has(run.trackId)) ranges.set(run, { a: 0, b: run.count });

    if (!started) {
      // The picture on screen at FROM (the latest shown at or before it), and the keyframe that starts its GOP.
      const fromTicks = mediaSeconds(fromMs) * tsC + 1e-6;
      const dts = decodeTimes(store, clockRun);
      let shown = -1;
      let shownPts = Infinity;
      let firstShown = 0;
      for (let k = 0; k < clockRun.count; k++) {
        const pts = dts[k]! + compositionOffsets[clockRun.start + k]!;
        if (pts < dts[firstShown]! + compositionOffsets[clockRun.start + firstShown]!) firstShown = k;
        if (pts <= fromTicks && (shown < 0 || pts > shownPts)) {
          shown = k;
          shownPts = pts;
        }
      }
      if (shown < 0) {
        shown = firstShown;
        shownPts = dts[shown]! + compositionOffsets[clockRun.start + shown]!;
      }
      let key = 0;
      for (let k = 0; k <= shown; k++) if (sync[clockRun.start + k]) key = k;
      offClock = -dts[key]!;
      startExport = shownPts + offClock;
      startUtc = segment.startMs + ((shownPts - keyPts) / tsC) * 1000;
      ranges.get(clockRun)!.a = key;
      const startSeconds = shownPts / tsC;
      for (const [run, range] of ranges) {
        if (run === clockRun) continue;
        const ts = outs.get(run.trackId)!.track.timescale;
        let t = run.baseDecodeTime;
        let a = 0;
        while (a < run.count && (t + durations[run.start + a]!) / ts <= startSeconds) t += durations[run.start + a++]!;
        range.a = a;
      }
    } else {
      const gapMs = segment.startMs - previous!.endMs;
      const continuous = !skipped && !segment.discontinuity && gapMs <= gapToleranceMs && Math.abs(clockRun.baseDecodeTime - previous!.clockEnd) / tsC <= maxClockJumpSeconds;
      if (!continuous) {
        // A new stretch: its first picture follows the last one; the other tracks keep their distance to it.
        offClock = clockOut.lastDts + clockOut.lastDuration - clockRun.baseDecodeTime;
        if (gapMs > gapToleranceMs) gaps++;
      }
    }

    // The end of the range inside this segment: pictures shown before it (and those they need), audio that starts before it.
    let last = false;
    if (segment.startMs + segment.durationMs > toMs) {
      last = true;
      const toSeconds = mediaSeconds(toMs);
      endExport = Math.round(toSeconds * tsC) + offClock;
      for (const [run, range] of ranges) {
        const ts = outs.get(run.trackId)!.track.timescale;
        const dts = decodeTimes(store, run);
        let b = range.a;
        if (run === clockRun) {
          for (let k = range.a; k < run.count; k++) if ((dts[k]! + compositionOffsets[run.start + k]!) / ts < toSeconds) b = k + 1;
        } else {
          while (b < run.count && dts[b]! / ts < toSeconds) b++;
        }
        range.b = b;
      }
    }

    const segmentChunks: BodyChunk[] = [];
    for (const [run, range] of ranges) {
      const out = outs.get(run.trackId)!;
      const ts = out.track.timescale;
      const off = run === clockRun ? offClock : Math.round((offClock * ts) / tsC);
      let { a } = range;
      const { b } = range;
      if (a >= b) continue;
      let da = run.baseDecodeTime + sumOf(durations, run.start, run.start + a);
      if (out.firstDts !== null) {
        // Join: drop what overlaps the previous samples, then the previous last sample lasts up to the first new one.
        const previousEnd = out.lastDts + out.lastDuration;
        while (a < b && da + off + durations[run.start + a]! / 2 <= previousEnd) da += durations[run.start + a++]!;
        while (a < b && da + off <= out.lastDts) da += durations[run.start + a++]!;
        if (a >= b) continue;
        out.list.durations[out.list.count - 1] = da + off - out.lastDts;
      } else {
        out.firstDts = da + off;
      }
      const from = run.start + a;
      const to = run.start + b;
      pushChunks(segmentChunks, out, file, store, from, to);
      out.list.append(store, from, to, run.hasCompositionOffsets);
      out.lastDts = da + off + sumOf(durations, from, to - 1);
      out.lastDuration = durations[to - 1]!;
    }
    // In the order they lie in the file (a segment stores its tracks one after the other).
    if (segmentChunks.length > 1) segmentChunks.sort((x, y) => fileOffset(x) - fileOffset(y));
    for (const chunk of segmentChunks) body.push(chunk);
    started = true;
    skipped = false;
    previous = { endMs: segment.startMs + segment.durationMs, clockEnd: clockRun.baseDecodeTime + clockRun.duration };
    if (last) break;
  }
  if (!started || clockOut.list.count === 0) throw nothingRecorded(stream, fromMs, toMs, 'its segment files are no longer on disk');

  let preciseBytes: Uint8Array[] = [];
  if (o.precise && clock.kind === 'video') {
    preciseBytes = await cutPrecisely(deps, clockOut, clock, body, startExport, o.signal);
  }

  const end = Math.min(endExport ?? Infinity, presentationEnd(clockOut));
  const startSeconds = startExport / tsC;
  const endSeconds = end / tsC;
  // Each track's edit list; a track with nothing to show inside the range (audio that ended before it) is left out, with its chunks.
  const edits = new Map<OutTrack, Edit[]>();
  for (const out of outs.values()) {
    if (out.list.count === 0 || out.firstDts === null) continue;
    const list = editList(out, startSeconds, endSeconds);
    if (list) edits.set(out, list);
  }
  if (!edits.has(clockOut)) throw nothingRecorded(stream, fromMs, toMs);
  const kept = body.filter((chunk) => edits.has(chunk.out));
  const chunkRefs = new Map<OutTrack, ChunkRef[]>();
  let payload = 0;
  for (const chunk of kept) {
    const refs = chunkRefs.get(chunk.out) ?? [];
    refs.push({ count: chunk.count, payloadOffset: payload });
    chunkRefs.set(chunk.out, refs);
    payload += chunk.length;
  }
  const inputs: Mp4TrackInput[] = [...edits].map(([out, trackEdits]) => {
    const list = out.list;
    return {
      track: out.track,
      sampleEntry: sampleEntryBox(out.track),
      count: list.count,
      durations: list.durations.subarray(0, list.count),
      sizes: list.sizes.subarray(0, list.count),
      compositionOffsets: list.hasOffsets ? list.offsets.subarray(0, list.count) : null,
      sync: out.track.kind === 'video' ? list.sync.subarray(0, list.count) : null,
      chunks: chunkRefs.get(out) ?? [],
      edits: trackEdits,
    };
  });
  const header = buildProgressiveHeader(inputs, movieTimescale);
  const parts: BodyPart[] = [{ start: 0, length: header.bytes.length, bytes: header.bytes }];
  let at = header.bytes.length;
  for (const chunk of kept) {
    const previousPart = parts.at(-1)!;
    if ('file' in chunk.source) {
      if ('file' in previousPart && previousPart.file === chunk.source.file && previousPart.offset + previousPart.length === chunk.source.offset) previousPart.length += chunk.length;
      else parts.push({ start: at, length: chunk.length, file: chunk.source.file, offset: chunk.source.offset });
    } else {
      parts.push({ start: at, length: chunk.length, bytes: chunk.source.bytes });
    }
    at += chunk.length;
  }
  const size = at;
  checkParts(parts, size);

  const etagHash = crypto.createHash('sha1').update(`${stream}\n${fromMs}\n${durationMs}\n${o.precise}\n${size}\n`);
  etagHash.update(segments.map((s) => `${s.file}:${s.bytes}`).join('\n'));
  for (const bytes of preciseBytes) etagHash.update(bytes);
  let held: BodyPart[] | null = parts;
  return {
    size,
    fileName: exportFileName(stream, fromMs, durationMs),
    gaps,
    recordedMs: Math.max(0, Math.round((endSeconds - startSeconds) * 1000)),
    startMs: Math.round(startUtc),
    kinds: [...edits.keys()].map((out) => out.track.kind),
    endsEarly,
    etag: `"${etagHash.digest('base64url').slice(0, 27)}"`,
    write(out, range, signal, onProgress) {
      if (!held) return Promise.reject(new Error('the export plan was disposed'));
      return writeBody(held, size, out, range, signal, onProgress);
    },
    async dispose() {
      held = null;
    },
  };
}

/**
 * The edit list of a track: the movie starts at the picture shown at FROM and ends at
 * TO (or where the recording ends); a track that starts later begins with an empty edit.
 * Null when the track has nothing inside.
 */
function editList(out: OutTrack, startSeconds: number, endSeconds: number): Edit[] | null {
  const ts = out.track.timescale;
  const first = out.firstDts! / ts;
  const trackEnd = Math.min(endSeconds, presentationEnd(out) / ts);
  const from = Math.max(first, startSeconds);
  if (trackEnd <= from) return null;
  const edits: Edit[] = [];
  if (first > startSeconds) {
    const empty = Math.round((first - startSeconds) * movieTimescale);
    if (empty > 0) edits.push({ duration: empty, mediaTime: -1 });
  }
  edits.push({
    duration: Math.max(1, Math.round((trackEnd - from) * movieTimescale)),
    mediaTime: Math.max(0, Math.round((from - first) * ts)),
  });
  return edits;
}

/**
 * Replaces the head of the video track (FROM's GOP, from its keyframe to the next one)
 * with the re-encoded pictures from FROM on, as a chunk in memory ahead of the rest.
 * Returns the new pictures' bytes (they are part of the plan's identity).
 */
async function cutPrecisely(deps: Mp4ExportDeps, out: OutTrack, track: VideoTrack, body: BodyChunk[], startExport: number, signal?: AbortSignal): Promise<Uint8Array[]> {
  const list = out.list;
  let g = 1;
  while (g < list.count && !list.sync[g]) g++;
  // Export times of the GOP's pictures.
  const dts: number[] = [];
  let t = out.firstDts!;
  for (let k = 0; k <= g && k < list.count; k++) {
    dts.push(t);
    t += list.durations[k]!;
  }
  const pts = dts.slice(0, g).map((d, k) => d + list.offsets[k]!);
  const shown = [...pts].sort((x, y) => x - y);
  const skip = shown.filter((p) => p < startExport).length;
  if (skip === 0) return [];

  // The GOP's bytes, from the chunks that hold them (a segment keeps a track's samples together).
  const gopBytes = list.sizes.subarray(0, g).reduce((n, s) => n + s, 0);
  const first = body.findIndex((c) => c.out === out);
  const firstChunk = body[first]!;
  if (!('file' in firstChunk.source) || firstChunk.count < g) throw new Error('precise cut: the GOP at FROM is not stored in one piece');
  const data = await readSpan(firstChunk.source.file, firstChunk.source.offset, gopBytes);
  const gop: Uint8Array[] = [];
  for (let k = 0, at = 0; k < g; k++) {
    gop.push(data.subarray(at, at + list.sizes[k]!));
    at += list.sizes[k]!;
  }
  const cut = await smartCut({ track, gop, skip, ffmpegPath: deps.ffmpegPath()!, processes: deps.processes, signal });

  // New timing: the kept pictures' own presentation times; decode times as far before them as the next
  // keyframe's composition offset, so they run up to it without overtaking it.
  const n = cut.frames.length;
  const next = g < list.count ? { dts: dts[g]!, offset: list.offsets[g]! } : null;
  const shift = Math.max(0, next?.offset ?? 0);
  const keptPts = shown.slice(skip);
  const head = new SampleList();
  for (let j = 0; j < n; j++) {
    const d = keptPts[j]! - shift;
    const following = j + 1 < n ? keptPts[j + 1]! - shift : (next?.dts ?? d + list.durations[g - 1]!);
    head.push(Math.max(1, following - d), cut.frames[j]!.data.length, shift, j === 0 || cut.frames[j]!.keyframe);
  }
  out.list = list.tail(g).prependAll(head);
  out.firstDts = keptPts[0]! - shift;
  if (!next) {
    out.lastDts = keptPts[n - 1]! - shift;
    out.lastDuration = head.durations[n - 1]!;
  }
  track.config = cut.config;

  const bytes = Buffer.concat(cut.frames.map((f) => f.data));
  if (firstChunk.count === g) body.splice(first, 1);
  else if ('file' in firstChunk.source) {
    firstChunk.count -= g;
    firstChunk.length -= gopBytes;
    firstChunk.source = { file: firstChunk.source.file, offset: firstChunk.source.offset + gopBytes };
  }
  body.splice(first, 0, { out, count: n, length: bytes.length, source: { bytes } });
  return [bytes];
}

// ---- helpers ---------------------------------------------------------------------

// The loops over every sample of an hour live in small functions of their own. Inside
// planMp4Export they were optimized only with the whole function, which V8 threw away each
// time a first or last segment's branch was taken for the first time (--trace-deopt). Measured
// on an hour: the first plan after a start took 280 ms, now about 170; the third 140–150, now 65–90.

/** values[from..to) added up. */
function sumOf(values: Uint32Array, from: number, to: number): number {
  let sum = 0;
  for (let k = from; k < to; k++) sum += values[k]!;
  return sum;
}

/** Rows from..to of the store as body chunks: samples stored back to back become one. */
function pushChunks(chunks: BodyChunk[], out: OutTrack, file: string, store: SampleStore, from: number, to: number): void {
  const { sizes, offsets } = store;
  for (let k = from; k < to; ) {
    let e = k + 1;
    let length = sizes[k]!;
    while (e < to && offsets[e] === offsets[e - 1]! + sizes[e - 1]!) length += sizes[e++]!;
    chunks.push({ out, count: e - k, length, source: { file, offset: offsets[k]! } });
    k = e;
  }
}

const fileOffset = (chunk: BodyChunk) => ('offset' in chunk.source ? chunk.source.offset : 0);

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function nothingRecorded(stream: string, fromMs: number, toMs: number, why?: string): Problem {
  return new Problem('not-found', 'Nothing recorded', `${stream} has no recording between ${iso(fromMs)} and ${iso(toMs)}${why ? ` (${why})` : ''}`);
}

/** live/cam1 from 2026-11-21 09:00:00 UTC for 60 s → live_cam1-20261121T090000Z-60s.mp4 */
export function exportFileName(stream: string, startMs: number, durationMs: number): string {
  const stamp = new Date(Math.floor(startMs / 1000) * 1000).toISOString().replace(/[-:]/g, '').replace('.000Z', 'Z');
  return `${stream.replaceAll('/', '_')}-${stamp}-${Math.round(durationMs / 1000)}s.mp4`;
}

/** Decode times of a run's samples (media ticks). */
function decodeTimes(store: SampleStore, run: TrackRun): Float64Array {
  const out = new Float64Array(run.count);
  let at = run.baseDecodeTime;
  for (let i = 0; i < run.count; i++) {
    out[i] = at;
    at += store.durations[run.start + i]!;
  }
  return out;
}

/** Where the track's presentation ends (export ticks): the latest pts + duration among its last pictures. */
function presentationEnd(out: OutTrack): number {
  const list = out.list;
  let dts = out.lastDts;
  let end = -Infinity;
  for (let k = list.count - 1; k >= 0 && k >= list.count - 64; k--) {
    end = Math.max(end, dts + list.offsets[k]! + list.durations[k]!);
    if (k > 0) dts -= list.durations[k - 1]!;
  }
  return end;
}

const open = promisify(fs.open);
const read = promisify(fs.read);
const close = promisify(fs.close);

async function readSpan(file: string, offset: number, length: number): Promise<Uint8Array> {
  const fd = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await read(fd, buffer, 0, length, offset);
    if (bytesRead !== length) throw new Error(`${file} is shorter than its index entry`);
    return buffer;
  } finally {
    await close(fd);
  }
}

/** The init's tracks, copied: a precise cut changes the video track's config for this export only. */
async function loadInit(archive: ArchiveStore, initId: number): Promise<{ tracks: Track[] }> {
  const { tracks } = await archive.readInit(initId);
  return { tracks: tracks.map((t) => ({ ...t })) };
}
