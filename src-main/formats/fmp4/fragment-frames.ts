// Reads the samples of media segments back as frames: every moof (with its trafs and
// truns) and the mdat after it. Payloads are views into the input, never copies, so
// a remuxer can pass them on as they lie on disk.
import type { Frame } from '../../media/frame.js';
import { readBoxHeader, readChildren, type BoxHeader } from './box-reader.js';
import { FragmentBox, MAX_FRAGMENT_SAMPLES, readTfdt, readTfhd, readTfxd, readTrunLayout, type TrafHeader } from './fragment-boxes.js';
import { Fmp4ParseError } from './errors.js';
import { IS_NON_SYNC_SAMPLE } from './fragment-flags.js';
import type { TrackSampleDefaults } from './init-reader.js';




/**
 * Every sample of the moof+mdat pairs in `bytes`, as frames: trafs in file order and
 * each traf's samples in decode order (tracks are not interleaved by time). dts runs
 * from the traf's tfdt (or Smooth's tfxd, or on from the previous fragment of that track:
 * `nextDts` carries that across calls for a reader fed one fragment at a time), pts adds the
 * composition offset, keyframe is "not a non-sync sample" by the trun's, tfhd's or
 * trex's flags (`defaults`, by Track.id, from readInitSegment). trackId is track_ID - 1.
 * Every sample must lie in the mdat after its moof. Throws only Fmp4ParseError.
 */
export function readFragmentFrames(bytes: Uint8Array, defaults: ReadonlyMap<number, TrackSampleDefaults> = new Map(), arrivedAt = 0, nextDts = new Map<number, number>()): Frame[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: Frame[] = [];
  let moof: BoxHeader | null = null;
  let sawMoof = false;
  for (let at = 0; at < bytes.length; ) {
    const header = readBoxHeader(view, at, bytes.length);
    if (header.type === FragmentBox.moof) {
      if (moof) throw new Fmp4ParseError('a second moof before any mdat');
      moof = header;
      sawMoof = true;
    } else if (header.type === FragmentBox.mdat && moof) {
      readMoof(bytes, view, moof, header, defaults, nextDts, frames, arrivedAt);
      moof = null;
    }
    at = header.end;
  }
  if (moof) throw new Fmp4ParseError('no mdat after the last moof: the segment is cut short');
  if (!sawMoof) throw new Fmp4ParseError('no moof box: not a media segment');
  return frames;
}

function readMoof(
  bytes: Uint8Array,
  view: DataView,
  moof: BoxHeader,
  mdat: BoxHeader,
  defaults: ReadonlyMap<number, TrackSampleDefaults>,
  nextDts: Map<number, number>,
  frames: Frame[],
  arrivedAt: number,
): void {
  let previousDataEnd = moof.start;
  for (const traf of readChildren(view, moof)) {
    if (traf.type !== FragmentBox.traf) continue;
    const children = readChildren(view, traf);
    const tfhd = children.find((c) => c.type === FragmentBox.tfhd);
    if (!tfhd) throw new Fmp4ParseError('traf without a tfhd');
    const header = readTfhd(view, tfhd, moof, previousDataEnd, defaults);
    const tfdt = children.find((c) => c.type === FragmentBox.tfdt);
    const tfxd = tfdt ? null : children.filter((c) => c.type === FragmentBox.uuid).reduce<number | null>((found, c) => found ?? readTfxd(view, c), null);
    let dts = tfdt ? readTfdt(view, tfdt) : (tfxd ?? nextDts.get(header.trackId) ?? 0);
    let dataAt = header.baseOffset;
    for (const trun of children) {
      if (trun.type !== FragmentBox.trun) continue;
      const run = readTrun(bytes, view, trun, header, dataAt, dts, mdat, frames, arrivedAt);
      dataAt = run.dataEnd;
      dts = run.dts;
      if (frames.length > MAX_FRAGMENT_SAMPLES) throw new Fmp4ParseError(`more than ${MAX_FRAGMENT_SAMPLES} samples`);
    }
    nextDts.set(header.trackId, dts);
    previousDataEnd = dataAt;
  }
}

/** trun (14496-12 8.8.8): its samples as frames; returns where its data ends and the dts after its last sample. */
function readTrun(
  bytes: Uint8Array,
  view: DataView,
  box: BoxHeader,
  header: TrafHeader,
  runStart: number,
  firstDts: number,
  mdat: BoxHeader,
  frames: Frame[],
  arrivedAt: number,
): { dataEnd: number; dts: number } {
  const { count, dataStart, firstSampleFlags, hasDuration, hasSize, hasFlags, hasOffset, entries: r } = readTrunLayout(view, box, header, runStart, MAX_FRAGMENT_SAMPLES);
  let at = dataStart;
  let dts = firstDts;
  for (let i = 0; i < count; i++) {
    const duration = hasDuration ? r.u32() : header.duration!; // sample_duration
    const size = hasSize ? r.u32() : header.size!; // sample_size
    const sampleFlags = hasFlags ? r.u32() : null; // sample_flags
    // sample_composition_time_offset: signed in version 1; version 0 offsets past 2^31 are taken as negative too, as players do.
    const offset = hasOffset ? r.i32() : 0;
    const effectiveFlags = i === 0 && firstSampleFlags !== null ? firstSampleFlags : (sampleFlags ?? header.flags ?? 0);
    if (at < mdat.bodyStart || at + size > mdat.end) {
      throw new Fmp4ParseError(`sample data at ${at}..${at + size} lies outside the mdat payload at ${mdat.bodyStart}..${mdat.end}`);
    }
    frames.push({ trackId: header.trackId, dts, pts: dts + offset, keyframe: (effectiveFlags & IS_NON_SYNC_SAMPLE) === 0, data: bytes.subarray(at, at + size), arrivedAt });
    at += size;
    dts += duration;
  }
  if (!Number.isSafeInteger(dts)) throw new Fmp4ParseError('decode times beyond 2^53');
  return { dataEnd: at, dts };
}
