// Reads back the moof of a media segment found on disk (crash recovery re-indexes
// them): which tracks, from when, how many samples for how long, starting on a
// keyframe or not. It vouches only for whole segments: every sample must lie inside
// the mdat, so a file cut short by a crash is rejected, never half-indexed.
import { FieldReader, readBoxHeader, readChildren, type BoxHeader } from './box-reader.js';
import { Fmp4ParseError } from './errors.js';
import { fourCC } from './four-cc.js';
import { IS_NON_SYNC_SAMPLE, TfhdFlags, TrunFlags } from './fragment-flags.js';
import type { FragmentSummary, FragmentTrackSummary } from './fragment-summary.js';

const MOOF = fourCC('moof');
const MDAT = fourCC('mdat');
const MFHD = fourCC('mfhd');
const TRAF = fourCC('traf');
const TFHD = fourCC('tfhd');
const TFDT = fourCC('tfdt');
const TRUN = fourCC('trun');

/** tfhd fields (14496-12 8.8.7) the sample reading needs; null where the box leaves them out. */
interface TrackFragmentHeader {
  trackId: number;
  /** Where this traf's data offsets count from, as an offset into the segment's bytes. */
  baseOffset: number;
  defaultDuration: number | null;
  defaultSize: number | null;
  defaultFlags: number | null;
}

interface RunTotals {
  sampleCount: number;
  duration: number;
  /** Offset just past this run's data: the next run without a data_offset starts there. */
  dataEnd: number;
  /** Flags of the run's first sample, or null for an empty run. */
  firstFlags: number | null;
}

/**
 * The summary of the first moof in `bytes` (a media segment: [styp] moof mdat), which
 * must be followed by a whole mdat holding every sample it describes. Throws only
 * Fmp4ParseError, whatever the bytes.
 */
export function readFragmentSummary(bytes: Uint8Array): FragmentSummary {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let moof: BoxHeader | null = null;
  for (let at = 0; ; ) {
    if (at >= bytes.length) throw new Fmp4ParseError(moof ? 'no mdat after the moof: the segment is cut short' : 'no moof box: not a media segment');
    const box = readBoxHeader(view, at, bytes.length);
    if (box.type === MOOF) {
      if (moof) throw new Fmp4ParseError('a second moof before any mdat');
      moof = box;
    } else if (box.type === MDAT) {
      if (!moof) throw new Fmp4ParseError('mdat before any moof');
      return readMoof(view, moof, box);
    }
    // styp, sidx, prft, emsg, free…: nothing the summary needs
    at = box.end;
  }
}

/** moof (14496-12 8.8.4): mfhd, then one traf per track. */
function readMoof(view: DataView, moof: BoxHeader, mdat: BoxHeader): FragmentSummary {
  let sequenceNumber: number | null = null;
  const tracks: FragmentTrackSummary[] = [];
  let previousDataEnd = moof.start;
  for (const child of readChildren(view, moof)) {
    if (child.type === MFHD) {
      const r = new FieldReader(view, child);
      r.versionAndFlags();
      sequenceNumber = r.u32(); // sequence_number
    } else if (child.type === TRAF) {
      const { track, dataEnd } = readTraf(view, child, moof, mdat, previousDataEnd);
      if (tracks.some((t) => t.trackId === track.trackId)) throw new Fmp4ParseError(`two trafs for track_ID ${track.trackId + 1}`);
      tracks.push(track);
      previousDataEnd = dataEnd;
    }
  }
  if (sequenceNumber === null) throw new Fmp4ParseError('moof without an mfhd');
  return { sequenceNumber, tracks };
}

/** traf (14496-12 8.8.6): tfhd, tfdt, and the truns whose samples it sums. */
function readTraf(view: DataView, traf: BoxHeader, moof: BoxHeader, mdat: BoxHeader, previousDataEnd: number): { track: FragmentTrackSummary; dataEnd: number } {
  const children = readChildren(view, traf);
  const tfhdBox = children.find((c) => c.type === TFHD);
  if (!tfhdBox) throw new Fmp4ParseError('traf without a tfhd');
  const tfdtBox = children.find((c) => c.type === TFDT);
  if (!tfdtBox) throw new Fmp4ParseError('traf without a tfdt: its start time is unknown');
  const header = readTfhd(view, tfhdBox, moof, previousDataEnd);

  let sampleCount = 0;
  let duration = 0;
  let dataEnd = header.baseOffset;
  let firstFlags: number | null = null;
  for (const child of children) {
    if (child.type !== TRUN) continue;
    const run = readTrun(view, child, header, dataEnd, mdat);
    sampleCount += run.sampleCount;
    duration += run.duration;
    dataEnd = run.dataEnd;
    if (firstFlags === null) firstFlags = run.firstFlags;
  }
  if (!Number.isSafeInteger(duration) || !Number.isSafeInteger(sampleCount)) throw new Fmp4ParseError('traf sample totals beyond 2^53');
  return {
    track: {
      trackId: header.trackId - 1,
      baseDecodeTime: readTfdt(view, tfdtBox),
      sampleCount,
      duration,
      firstSampleIsSync: firstFlags !== null && (firstFlags & IS_NON_SYNC_SAMPLE) === 0,
    },
    dataEnd,
  };
}

/** tfhd (14496-12 8.8.7). */
function readTfhd(view: DataView, box: BoxHeader, moof: BoxHeader, previousDataEnd: number): TrackFragmentHeader {
  const r = new FieldReader(view, box);
  const { flags } = r.versionAndFlags();
  const trackId = r.u32(); // track_ID
  if (trackId === 0) throw new Fmp4ParseError('tfhd with track_ID 0');
  // The base: an explicit offset (from the file's start: this segment's first byte), the moof
  // (default-base-is-moof), or else the end of the previous traf's data (the moof for the first).
  let baseOffset = flags & TfhdFlags.defaultBaseIsMoof ? moof.start : previousDataEnd;
  if (flags & TfhdFlags.baseDataOffsetPresent) baseOffset = r.u64(); // base_data_offset
  if (flags & TfhdFlags.sampleDescriptionIndexPresent) r.skip(4); // sample_description_index
  const defaultDuration = flags & TfhdFlags.defaultSampleDurationPresent ? r.u32() : null;
  const defaultSize = flags & TfhdFlags.defaultSampleSizePresent ? r.u32() : null;
  const defaultFlags = flags & TfhdFlags.defaultSampleFlagsPresent ? r.u32() : null;
  return { trackId, baseOffset, defaultDuration, defaultSize, defaultFlags };
}

/** tfdt (14496-12 8.8.12): baseMediaDecodeTime, 64 bits in version 1, 32 in version 0. */
function readTfdt(view: DataView, box: BoxHeader): number {
  const r = new FieldReader(view, box);
  const { version } = r.versionAndFlags();
  return version === 1 ? r.u64() : r.u32();
}

/**
 * trun (14496-12 8.8.8): sample count, total duration and size, the first sample's
 * flags; its data must lie inside the mdat's payload. Per-sample fields are walked
 * only when present, and only as many as the box has room for.
 */
function readTrun(view: DataView, box: BoxHeader, header: TrackFragmentHeader, runStart: number, mdat: BoxHeader): RunTotals {
  const r = new FieldReader(view, box);
  const { flags } = r.versionAndFlags();
  const sampleCount = r.u32(); // sample_count
  // Without a data_offset, a run's data follows the previous run's (or starts at the base).
  const dataStart = flags & TrunFlags.dataOffsetPresent ? header.baseOffset + r.i32() : runStart;
  const firstSampleFlags = flags & TrunFlags.firstSampleFlagsPresent ? r.u32() : null;
  const hasDuration = (flags & TrunFlags.sampleDurationPresent) !== 0;
  const hasSize = (flags & TrunFlags.sampleSizePresent) !== 0;
  const hasFlags = (flags & TrunFlags.sampleFlagsPresent) !== 0;
  const hasOffset = (flags & TrunFlags.sampleCompositionTimeOffsetsPresent) !== 0;
  const entryBytes = 4 * (Number(hasDuration) + Number(hasSize) + Number(hasFlags) + Number(hasOffset));
  if (entryBytes * sampleCount > r.remaining) throw new Fmp4ParseError(`trun of ${sampleCount} samples does not fit its box`);
  if (!hasDuration && header.defaultDuration === null) throw new Fmp4ParseError('trun without sample durations and no default in tfhd');
  if (!hasSize && header.defaultSize === null) throw new Fmp4ParseError('trun without sample sizes and no default in tfhd');

  let duration = hasDuration ? 0 : sampleCount * header.defaultDuration!;
  let size = hasSize ? 0 : sampleCount * header.defaultSize!;
  let firstFlags: number | null = null;
  if (sampleCount > 0) {
    firstFlags = firstSampleFlags ?? header.defaultFlags;
    if (entryBytes > 0) {
      for (let i = 0; i < sampleCount; i++) {
        if (hasDuration) duration += r.u32(); // sample_duration
        if (hasSize) size += r.u32(); // sample_size
        const sampleFlags = hasFlags ? r.u32() : null; // sample_flags
        if (hasOffset) r.skip(4); // sample_composition_time_offset
        if (i === 0 && firstSampleFlags === null && sampleFlags !== null) firstFlags = sampleFlags;
      }
    }
    if (firstFlags === null) throw new Fmp4ParseError('trun whose first sample has no flags (neither in trun nor tfhd)');
  }
  const dataEnd = dataStart + size;
  if (sampleCount > 0 && (dataStart < mdat.bodyStart || dataEnd > mdat.end)) {
    throw new Fmp4ParseError(`trun data at ${dataStart}..${dataEnd} lies outside the mdat payload at ${mdat.bodyStart}..${mdat.end}`);
  }
  return { sampleCount, duration, dataEnd, firstFlags };
}
