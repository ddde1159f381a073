// The track-fragment boxes both fragment readers walk (the summary for recovery, the
// frames for remuxing): tfhd over trex defaults, tfdt, and the layout of a trun.
import { FieldReader, type BoxHeader } from './box-reader.js';
import { Fmp4ParseError } from './errors.js';
import { fourCC } from './four-cc.js';
import { TfhdFlags, TrunFlags } from './fragment-flags.js';
import type { TrackSampleDefaults } from './init-reader.js';

/** The box types of a media fragment, as the readers compare them. */
export const FragmentBox = {
  moof: fourCC('moof'),
  mdat: fourCC('mdat'),
  mfhd: fourCC('mfhd'),
  traf: fourCC('traf'),
  tfhd: fourCC('tfhd'),
  tfdt: fourCC('tfdt'),
  trun: fourCC('trun'),
  uuid: fourCC('uuid'),
} as const;

/** Smooth Streaming's TfxdBox usertype (PIFF 1.1 5.2.2): the fragment's absolute time where CMAF has tfdt. */
const tfxdUsertype = '6d1d9b0542d544e680e2141daff757b2';

/** A traf's tfxd box (Smooth Streaming, as `ffmpeg -f ismv` writes in place of tfdt): fragment_absolute_time, or null when `box` is another uuid. */
export function readTfxd(view: DataView, box: BoxHeader): number | null {
  if (box.end - box.bodyStart < 16 + 4 + 8) return null;
  let usertype = '';
  for (let i = 0; i < 16; i++) usertype += view.getUint8(box.bodyStart + i).toString(16).padStart(2, '0');
  if (usertype !== tfxdUsertype) return null;
  const r = new FieldReader(view, { ...box, bodyStart: box.bodyStart + 16 });
  const { version } = r.versionAndFlags();
  if (version !== 1) return r.u32();
  // Signed in practice: ffmpeg's first AAC fragment starts before 0 (the encoder's priming).
  const time = Number(view.getBigInt64(r.offset));
  if (!Number.isSafeInteger(time)) throw new Fmp4ParseError('a tfxd time beyond 2^53');
  return time;
}

/** Samples one segment may describe: far beyond any real fragment, low enough that a lying sample_count cannot exhaust memory. */
export const MAX_FRAGMENT_SAMPLES = 1 << 20;

/** tfhd (14496-12 8.8.7) with the trex defaults filled in; null where neither gives a value. */
export interface TrafHeader {
  /** Track.id: track_ID - 1. */
  trackId: number;
  /** Where this traf's data offsets count from, as an offset into the input. */
  baseOffset: number;
  duration: number | null;
  size: number | null;
  flags: number | null;
}

export function readTfhd(view: DataView, box: BoxHeader, moof: BoxHeader, previousDataEnd: number, trex?: ReadonlyMap<number, TrackSampleDefaults>): TrafHeader {
  const r = new FieldReader(view, box);
  const { flags } = r.versionAndFlags();
  const trackIdField = r.u32(); // track_ID
  if (trackIdField === 0) throw new Fmp4ParseError('tfhd with track_ID 0');
  const trackId = trackIdField - 1;
  const defaults = trex?.get(trackId);
  // An explicit base counts from the input's first byte; else the moof (default-base-is-moof,
  // and any first traf) or the end of the previous traf's data.
  let baseOffset = flags & TfhdFlags.defaultBaseIsMoof ? moof.start : previousDataEnd;
  if (flags & TfhdFlags.baseDataOffsetPresent) baseOffset = r.u64(); // base_data_offset
  if (flags & TfhdFlags.sampleDescriptionIndexPresent) r.skip(4); // sample_description_index
  const duration = flags & TfhdFlags.defaultSampleDurationPresent ? r.u32() : (defaults?.duration ?? null);
  const size = flags & TfhdFlags.defaultSampleSizePresent ? r.u32() : (defaults?.size ?? null);
  const sampleFlags = flags & TfhdFlags.defaultSampleFlagsPresent ? r.u32() : (defaults?.flags ?? null);
  return { trackId, baseOffset, duration, size, flags: sampleFlags };
}

/** tfdt (14496-12 8.8.12): baseMediaDecodeTime, 64 bits in version 1, 32 in version 0. */
export function readTfdt(view: DataView, box: BoxHeader): number {
  const r = new FieldReader(view, box);
  const { version } = r.versionAndFlags();
  return version === 1 ? r.u64() : r.u32();
}

/** A trun's header, checked: which per-sample fields follow, and a reader positioned at the first entry. */
export interface TrunLayout {
  count: number;
  /** Where the run's data starts: its data_offset from the traf's base, or where the previous run ended. */
  dataStart: number;
  firstSampleFlags: number | null;
  hasDuration: boolean;
  hasSize: boolean;
  hasFlags: boolean;
  hasOffset: boolean;
  entries: FieldReader;
}

/** trun (14496-12 8.8.8): the entries must fit the box, and fields left out need a default. */
export function readTrunLayout(view: DataView, box: BoxHeader, header: TrafHeader, runStart: number, maxSamples: number): TrunLayout {
  const r = new FieldReader(view, box);
  const { flags } = r.versionAndFlags();
  const count = r.u32(); // sample_count
  const dataStart = flags & TrunFlags.dataOffsetPresent ? header.baseOffset + r.i32() : runStart;
  const firstSampleFlags = flags & TrunFlags.firstSampleFlagsPresent ? r.u32() : null;
  const hasDuration = (flags & TrunFlags.sampleDurationPresent) !== 0;
  const hasSize = (flags & TrunFlags.sampleSizePresent) !== 0;
  const hasFlags = (flags & TrunFlags.sampleFlagsPresent) !== 0;
  const hasOffset = (flags & TrunFlags.sampleCompositionTimeOffsetsPresent) !== 0;
  const entryBytes = 4 * (Number(hasDuration) + Number(hasSize) + Number(hasFlags) + Number(hasOffset));
  if (entryBytes * count > r.remaining || count > maxSamples) throw new Fmp4ParseError(`trun of ${count} samples does not fit its box`);
  if (count > 0 && !hasDuration && header.duration === null) throw new Fmp4ParseError('trun without sample durations and no default in tfhd or trex');
  if (count > 0 && !hasSize && header.size === null) throw new Fmp4ParseError('trun without sample sizes and no default in tfhd or trex');
  return { count, dataStart, firstSampleFlags, hasDuration, hasSize, hasFlags, hasOffset, entries: r };
}
