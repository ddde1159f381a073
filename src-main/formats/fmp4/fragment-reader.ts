// Reads back the moof of a media segment found on disk (crash recovery re-indexes
// them): which tracks, from when, how many samples for how long, starting on a
// keyframe or not. It vouches only for whole segments: every sample must lie inside
// the mdat, so a file cut short by a crash is rejected, never half-indexed.
import { FieldReader, readBoxHeader, readChildren, type BoxHeader } from './box-reader.js';
import { FragmentBox, MAX_FRAGMENT_SAMPLES, readTfdt, readTfhd, readTrunLayout, type TrafHeader } from './fragment-boxes.js';
import { Fmp4ParseError } from './errors.js';
import { IS_NON_SYNC_SAMPLE } from './fragment-flags.js';
import type { FragmentSummary, FragmentTrackSummary } from './fragment-summary.js';



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
    if (box.type === FragmentBox.moof) {
      if (moof) throw new Fmp4ParseError('a second moof before any mdat');
      moof = box;
    } else if (box.type === FragmentBox.mdat) {
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
    if (child.type === FragmentBox.mfhd) {
      const r = new FieldReader(view, child);
      r.versionAndFlags();
      sequenceNumber = r.u32(); // sequence_number
    } else if (child.type === FragmentBox.traf) {
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
  const tfhdBox = children.find((c) => c.type === FragmentBox.tfhd);
  if (!tfhdBox) throw new Fmp4ParseError('traf without a tfhd');
  const tfdtBox = children.find((c) => c.type === FragmentBox.tfdt);
  if (!tfdtBox) throw new Fmp4ParseError('traf without a tfdt: its start time is unknown');
  const header = readTfhd(view, tfhdBox, moof, previousDataEnd);

  let sampleCount = 0;
  let duration = 0;
  let dataEnd = header.baseOffset;
  let firstFlags: number | null = null;
  for (const child of children) {
    if (child.type !== FragmentBox.trun) continue;
    const run = readTrun(view, child, header, dataEnd, mdat);
    sampleCount += run.sampleCount;
    duration += run.duration;
    dataEnd = run.dataEnd;
    if (firstFlags === null) firstFlags = run.firstFlags;
  }
  if (!Number.isSafeInteger(duration) || !Number.isSafeInteger(sampleCount)) throw new Fmp4ParseError('traf sample totals beyond 2^53');
  return {
    track: {
      trackId: header.trackId,
      baseDecodeTime: readTfdt(view, tfdtBox),
      sampleCount,
      duration,
      firstSampleIsSync: firstFlags !== null && (firstFlags & IS_NON_SYNC_SAMPLE) === 0,
    },
    dataEnd,
  };
}

/**
 * trun (14496-12 8.8.8): sample count, total duration and size, the first sample's
 * flags; its data must lie inside the mdat's payload. Per-sample fields are walked
 * only when present, and only as many as the box has room for.
 */
function readTrun(view: DataView, box: BoxHeader, header: TrafHeader, runStart: number, mdat: BoxHeader): RunTotals {
  const layout = readTrunLayout(view, box, header, runStart, MAX_FRAGMENT_SAMPLES);
  const { count: sampleCount, dataStart, firstSampleFlags, hasDuration, hasSize, hasFlags, hasOffset, entries: r } = layout;
  const entryBytes = 4 * (Number(hasDuration) + Number(hasSize) + Number(hasFlags) + Number(hasOffset));
  let duration = hasDuration ? 0 : sampleCount * (header.duration ?? 0);
  let size = hasSize ? 0 : sampleCount * (header.size ?? 0);
  let firstFlags: number | null = null;
  if (sampleCount > 0) {
    firstFlags = firstSampleFlags ?? header.flags;
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
