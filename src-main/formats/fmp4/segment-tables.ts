// The sample tables of archive segments, read from their moofs alone: every sample's
// duration, size, flags, composition offset and where its bytes lie in the file. An
// export plans an hour (1 800 segments) from these few KB per segment without reading
// a payload byte. Samples of all segments go into one column store (no allocation per
// segment), each segment's tracks pointing at their rows. Bytes in, tables out: where
// the bytes come from (a file head, a segment just built) is the caller's business.
import { readBoxHeader, readChildren, type BoxHeader } from './box-reader.js';
import { FragmentBox, MAX_FRAGMENT_SAMPLES, readTfdt, readTfhd, readTrunLayout, type TrafHeader } from './fragment-boxes.js';
import { Fmp4ParseError } from './errors.js';
import { IS_NON_SYNC_SAMPLE } from './fragment-flags.js';
import type { TrackSampleDefaults } from './init-reader.js';

/** Rows of samples, growing as segments are read. */
export class SampleStore {
  count = 0;
  durations: Uint32Array;
  sizes: Uint32Array;
  /** Where each sample's bytes start in its segment file. */
  offsets: Float64Array;
  /** pts - dts */
  compositionOffsets: Int32Array;
  /** 1 for a sync sample (a keyframe; every audio frame). */
  sync: Uint8Array;

  /** `expected`: rows to make room for at once (an estimate; the store grows past it). */
  constructor(expected = 4096) {
    const n = Math.max(256, expected);
    this.durations = new Uint32Array(n);
    this.sizes = new Uint32Array(n);
    this.offsets = new Float64Array(n);
    this.compositionOffsets = new Int32Array(n);
    this.sync = new Uint8Array(n);
  }

  reserve(extra: number): void {
    const needed = this.count + extra;
    if (needed <= this.durations.length) return;
    let capacity = this.durations.length * 2;
    while (capacity < needed) capacity *= 2;
    const n = this.count;
    const grow = <T extends Uint32Array | Int32Array | Uint8Array | Float64Array>(a: T, b: T): T => {
      b.set(a.subarray(0, n));
      return b;
    };
    this.durations = grow(this.durations, new Uint32Array(capacity));
    this.sizes = grow(this.sizes, new Uint32Array(capacity));
    this.offsets = grow(this.offsets, new Float64Array(capacity));
    this.compositionOffsets = grow(this.compositionOffsets, new Int32Array(capacity));
    this.sync = grow(this.sync, new Uint8Array(capacity));
  }
}

/** One track's samples in one segment, in decode order: rows start..start+count of the store. */
export interface TrackRun {
  /** Track.id: track_ID - 1. */
  trackId: number;
  /** tfdt: the first sample's decode time, in the track's timescale. */
  baseDecodeTime: number;
  start: number;
  count: number;
  /** Sum of the samples' durations. */
  duration: number;
  hasCompositionOffsets: boolean;
}

export interface SegmentTables {
  runs: TrackRun[];
}

/**
 * Parses the moof of a segment from the first bytes of its file into `store`. Returns
 * the bytes it needs when `head` is too short to hold the moof and the mdat header
 * after it. The archive's segments are one moof + one mdat (CMAF); a segment with more
 * fragments throws, as does anything malformed (only Fmp4ParseError, and then nothing
 * is left in the store).
 */
export function parseSegmentTables(head: Uint8Array, fileSize: number, defaults: ReadonlyMap<number, TrackSampleDefaults>, store: SampleStore): SegmentTables | { needBytes: number } {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  for (let at = 0; ; ) {
    if (at + 16 > head.length && head.length < fileSize) return { needBytes: Math.min(fileSize, at + 4096) };
    const header = peekBoxHeader(view, at, head.length, fileSize);
    if (header.type === FragmentBox.moof) {
      if (header.end + 16 > head.length && head.length < fileSize) return { needBytes: Math.min(fileSize, header.end + 4096) };
      const moof = readBoxHeader(view, at, head.length);
      const mdat = peekBoxHeader(view, moof.end, head.length, fileSize);
      if (mdat.type !== FragmentBox.mdat) throw new Fmp4ParseError('the moof is not followed by an mdat');
      if (mdat.end < fileSize) throw new Fmp4ParseError('a segment of more than one fragment (the export reads one moof per segment)');
      const rollback = store.count;
      try {
        return { runs: readMoof(view, moof, mdat, defaults, store) };
      } catch (error) {
        store.count = rollback;
        throw error;
      }
    }
    if (header.type === FragmentBox.mdat) throw new Fmp4ParseError('an mdat before any moof');
    at = header.end;
    if (at >= fileSize) throw new Fmp4ParseError('no moof box: not a media segment');
  }
}

/** A box header whose body may lie beyond the bytes read so far (but must lie within the file). */
function peekBoxHeader(view: DataView, at: number, available: number, fileSize: number): BoxHeader {
  if (available - at < 8) throw new Fmp4ParseError(`${available - at} bytes at offset ${at} are too few for a box header`);
  const size32 = view.getUint32(at);
  const type = view.getUint32(at + 4);
  let size = size32;
  let bodyStart = at + 8;
  if (size32 === 1) {
    if (available - at < 16) throw new Fmp4ParseError(`box at offset ${at} ends inside its 64-bit size`);
    const high = view.getUint32(at + 8);
    if (high >= 0x20_0000) throw new Fmp4ParseError(`box at offset ${at} claims more than 2^53 bytes`);
    size = high * 0x1_0000_0000 + view.getUint32(at + 12);
    bodyStart = at + 16;
  } else if (size32 === 0) {
    size = fileSize - at;
  }
  if (size < bodyStart - at) throw new Fmp4ParseError(`box at offset ${at} has a size of ${size}, smaller than its header`);
  if (at + size > fileSize) throw new Fmp4ParseError(`box at offset ${at} of ${size} bytes runs past the end of the file (${fileSize} bytes): truncated`);
  return { type, start: at, bodyStart, end: at + size };
}


function readMoof(view: DataView, moof: BoxHeader, mdat: BoxHeader, defaults: ReadonlyMap<number, TrackSampleDefaults>, store: SampleStore): TrackRun[] {
  const runs: TrackRun[] = [];
  let previousDataEnd = moof.start;
  let total = 0;
  for (const traf of readChildren(view, moof)) {
    if (traf.type !== FragmentBox.traf) continue;
    const children = readChildren(view, traf);
    const tfhd = children.find((c) => c.type === FragmentBox.tfhd);
    if (!tfhd) throw new Fmp4ParseError('traf without a tfhd');
    const header = readTfhd(view, tfhd, moof, previousDataEnd, defaults);
    const tfdt = children.find((c) => c.type === FragmentBox.tfdt);
    if (!tfdt) throw new Fmp4ParseError('traf without a tfdt: its decode time is unknown');
    if (runs.some((r) => r.trackId === header.trackId)) throw new Fmp4ParseError(`two trafs of track ${header.trackId + 1}`);
    const run: TrackRun = { trackId: header.trackId, baseDecodeTime: readTfdt(view, tfdt), start: store.count, count: 0, duration: 0, hasCompositionOffsets: false };
    let dataAt = header.baseOffset;
    for (const trun of children) {
      if (trun.type !== FragmentBox.trun) continue;
      dataAt = readTrun(view, trun, header, dataAt, mdat, store, run);
      total += run.count;
      if (total > MAX_FRAGMENT_SAMPLES) throw new Fmp4ParseError(`more than ${MAX_FRAGMENT_SAMPLES} samples`);
    }
    runs.push(run);
    previousDataEnd = dataAt;
  }
  return runs;
}

/** trun (14496-12 8.8.8) into the store; every sample must lie in the mdat's body. Returns where its data ends. */
function readTrun(view: DataView, box: BoxHeader, header: TrafHeader, runStart: number, mdat: BoxHeader, store: SampleStore, run: TrackRun): number {
  const { count, dataStart, firstSampleFlags, hasDuration, hasSize, hasFlags, hasOffset, entries } = readTrunLayout(view, box, header, runStart, MAX_FRAGMENT_SAMPLES);
  let at = dataStart;
  store.reserve(count);
  const { durations, sizes, offsets, compositionOffsets, sync } = store;
  const defaultDuration = header.duration ?? 0;
  const defaultSize = header.size ?? 0;
  const defaultFlags = header.flags ?? 0;
  const mdatStart = mdat.bodyStart;
  const mdatEnd = mdat.end;
  // The entries are read straight from the view: this loop runs for every sample of an hour.
  let p = entries.offset;
  let row = store.count;
  let duration = 0;
  for (let i = 0; i < count; i++, row++) {
    let d = defaultDuration;
    let size = defaultSize;
    let sampleFlags = defaultFlags;
    let offset = 0;
    if (hasDuration) {
      d = view.getUint32(p);
      p += 4;
    }
    if (hasSize) {
      size = view.getUint32(p);
      p += 4;
    }
    if (hasFlags) {
      sampleFlags = view.getUint32(p);
      p += 4;
    }
    if (hasOffset) {
      // Signed in version 1; version 0 offsets past 2^31 are taken as negative too, as players do.
      offset = view.getInt32(p);
      p += 4;
    }
    if (i === 0 && firstSampleFlags !== null) sampleFlags = firstSampleFlags;
    if (at < mdatStart || at + size > mdatEnd) throw new Fmp4ParseError(`sample data at ${at}..${at + size} lies outside the mdat payload at ${mdatStart}..${mdatEnd}`);
    durations[row] = d;
    sizes[row] = size;
    offsets[row] = at;
    compositionOffsets[row] = offset;
    sync[row] = (sampleFlags & IS_NON_SYNC_SAMPLE) === 0 ? 1 : 0;
    if (offset !== 0) run.hasCompositionOffsets = true;
    at += size;
    duration += d;
  }
  store.count = row;
  run.count += count;
  run.duration += duration;
  if (!Number.isSafeInteger(run.baseDecodeTime + run.duration)) throw new Fmp4ParseError('decode times beyond 2^53');
  return at;
}
