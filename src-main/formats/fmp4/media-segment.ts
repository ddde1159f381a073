// A CMAF segment (ISO/IEC 23000-19 7.3.2.2) of one CMAF fragment: styp, one moof with a
// traf per track, one mdat holding the samples track by track. Sizes are known before
// writing (the moof is measured by running its builders without a buffer, the mdat is
// the payload sum). The segment comes as its head (styp, moof, mdat header) and the
// payloads themselves, for a scatter-gather write that copies nothing; or as one
// buffer, the payloads copied once, where whole bytes are needed.
import type { Frame, Track } from '../../media/frame.js';
import { BoxWriter } from './box-writer.js';
import { Fmp4WriteError } from './errors.js';
import { NON_SYNC_SAMPLE_FLAGS, SYNC_SAMPLE_FLAGS, TfhdFlags, TrunFlags } from './fragment-flags.js';
import { planFragment, type FragmentPlan, type TrackFragmentPlan } from './fragment-plan.js';
import type { FragmentTrackSummary } from './fragment-summary.js';

export interface MediaSegmentInput {
  /** mfhd sequence_number: 1 for the first segment after an init, +1 for each next one. */
  sequenceNumber: number;
  /** The tracks of the init segment these samples play with. */
  tracks: readonly Track[];
  /** In arrival order, tracks interleaved; each track's samples in decode order. */
  samples: readonly Frame[];
  /**
   * tfdt of each traf, by Track.id, in the track's timescale: the decode time of that
   * track's first sample here. A track with no entry gets its first sample's dts.
   */
  baseDecodeTimes?: ReadonlyMap<number, number>;
  /**
   * Duration of each track's last sample, by Track.id: the next frame's dts minus the
   * last one's, known when the cut is made at the next keyframe. Without it: the
   * previous sample's duration, or 1024 AAC samples / 1/30 s for a lone sample.
   */
  lastDurations?: ReadonlyMap<number, number>;
}

interface SegmentLayout {
  /** payloadOffsets[i]: where samples[i].data sits in the segment (its length is samples[i].data.length). */
  payloadOffsets: Uint32Array;
  /** Per track fragment written, in traf order: the same figures readFragmentSummary reads back. */
  tracks: FragmentTrackSummary[];
}

export interface MediaSegment extends SegmentLayout {
  bytes: Uint8Array;
}

/** A media segment as the pieces it is made of: `head`, then each of `payloads`, is the segment. */
export interface MediaSegmentParts extends SegmentLayout {
  /** styp, moof and the mdat's header. */
  head: Uint8Array;
  /** The samples' own data in mdat order (track by track), not copied. */
  payloads: Uint8Array[];
  /** The whole segment's length. */
  byteLength: number;
}

/**
 * lastDurations for a fragment cut just before `next`: the duration of the last sample of
 * next's track is the gap to it. Other tracks' last samples repeat their previous duration.
 */
export function lastDurationsBefore(samples: readonly Frame[], next: Frame | null): Map<number, number> {
  const durations = new Map<number, number>();
  const previous = next ? samples.findLast((f) => f.trackId === next.trackId) : undefined;
  if (next && previous) durations.set(next.trackId, next.dts - previous.dts);
  return durations;
}

const MDAT_HEADER_SIZE = 8;
/** trun's data_offset is a signed 32-bit count from the moof's first byte. */
const MAX_DATA_OFFSET = 0x7fff_ffff;

/**
 * One media segment of `samples`, as its head and its payloads. Throws Fmp4WriteError when
 * a sample belongs to no given track, decode times run backwards within a track, or a
 * field overflows.
 */
export function buildMediaSegmentParts(input: MediaSegmentInput): MediaSegmentParts {
  const { sequenceNumber, samples } = input;
  if (!Number.isInteger(sequenceNumber) || sequenceNumber < 0 || sequenceNumber > 0xffff_ffff) throw new Fmp4WriteError(`sequence number ${sequenceNumber} is not a 32-bit count`);
  if (samples.length === 0) throw new Fmp4WriteError('a media segment needs at least one sample');
  const plan = planFragment(input);

  const measure = BoxWriter.measuring();
  styp(measure);
  const moofStart = measure.offset;
  moof(measure, sequenceNumber, plan, samples, 0);
  const moofSize = measure.offset - moofStart;
  const firstDataOffset = moofSize + MDAT_HEADER_SIZE;
  if (firstDataOffset + plan.payloadBytes > MAX_DATA_OFFSET) throw new Fmp4WriteError(`a segment of ${plan.payloadBytes} payload bytes is beyond what trun can address`);

  const head = new Uint8Array(measure.offset + MDAT_HEADER_SIZE);
  const w = BoxWriter.into(head);
  styp(w);
  moof(w, sequenceNumber, plan, samples, firstDataOffset);
  // mdat (14496-12 8.1.1): its size counts the payloads that follow the head.
  w.u32(MDAT_HEADER_SIZE + plan.payloadBytes);
  w.fourCC('mdat');
  if (w.offset !== head.length) throw new Error(`media segment: wrote ${w.offset} of ${head.length} head bytes`);
  const payloadOffsets = new Uint32Array(samples.length);
  const payloads = mdatPayloads(plan, samples, head.length, payloadOffsets);
  return { head, payloads, byteLength: head.length + plan.payloadBytes, payloadOffsets, tracks: plan.tracks.map((t) => summarize(t, samples)) };
}

/** One media segment of `samples` in one buffer (see buildMediaSegmentParts). */
export function buildMediaSegment(input: MediaSegmentInput): MediaSegment {
  const { head, payloads, byteLength, payloadOffsets, tracks } = buildMediaSegmentParts(input);
  const bytes = new Uint8Array(byteLength);
  bytes.set(head);
  let at = head.length;
  for (const payload of payloads) {
    bytes.set(payload, at);
    at += payload.length;
  }
  return { bytes, payloadOffsets, tracks };
}

function summarize(t: TrackFragmentPlan, samples: readonly Frame[]): FragmentTrackSummary {
  return { trackId: t.track.id, baseDecodeTime: t.baseDecodeTime, sampleCount: t.count, duration: t.duration, firstSampleIsSync: isSync(t.track, samples[t.first]!) };
}

/** Audio frames all decode alone; a video frame does when it is a keyframe. */
function isSync(track: Track, sample: Frame): boolean {
  return track.kind === 'audio' || sample.keyframe;
}

/** styp (14496-12 8.16.2): cmfs, a CMAF segment (23000-19 7.2); msdh, a DASH media segment. */
function styp(w: BoxWriter): void {
  w.box('styp', () => {
    w.fourCC('cmfs'); // major_brand
    w.u32(0); // minor_version
    w.fourCC('cmfs'); // compatible_brands
    w.fourCC('msdh');
  });
}

/** moof (14496-12 8.8.4). `firstDataOffset`: from the moof's start to the first payload byte in the mdat. */
function moof(w: BoxWriter, sequenceNumber: number, plan: FragmentPlan, samples: readonly Frame[], firstDataOffset: number): void {
  w.box('moof', () => {
    mfhd(w, sequenceNumber);
    let dataOffset = firstDataOffset;
    for (const t of plan.tracks) {
      traf(w, t, plan.durations, samples, dataOffset);
      dataOffset += t.payloadBytes;
    }
  });
}

/** mfhd (14496-12 8.8.5). */
function mfhd(w: BoxWriter, sequenceNumber: number): void {
  w.fullBox('mfhd', 0, 0, () => w.u32(sequenceNumber)); // sequence_number
}

/** traf (14496-12 8.8.6): one per track with samples. */
function traf(w: BoxWriter, t: TrackFragmentPlan, durations: Uint32Array, samples: readonly Frame[], dataOffset: number): void {
  w.box('traf', () => {
    tfhd(w, t.trackId);
    tfdt(w, t.baseDecodeTime);
    trun(w, t, durations, samples, dataOffset);
  });
}

/** tfhd (14496-12 8.8.7): only the track_ID; data offsets count from the moof (default-base-is-moof, CMAF 7.5.16). */
function tfhd(w: BoxWriter, trackId: number): void {
  w.fullBox('tfhd', 0, TfhdFlags.defaultBaseIsMoof, () => w.u32(trackId));
}

/** tfdt (14496-12 8.8.12), version 1: a 64-bit baseMediaDecodeTime, as CMAF requires (7.5.17). */
function tfdt(w: BoxWriter, baseDecodeTime: number): void {
  w.fullBox('tfdt', 1, 0, () => w.u64(baseDecodeTime));
}

/**
 * trun (14496-12 8.8.8): every sample's duration, size and flags, plus composition
 * offsets (version 1: signed) when some pts differs from its dts. Audio samples are
 * all sync samples; video ones are sync when the frame is a keyframe.
 */
function trun(w: BoxWriter, t: TrackFragmentPlan, durations: Uint32Array, samples: readonly Frame[], dataOffset: number): void {
  const offsets = t.hasCompositionOffsets;
  let flags = TrunFlags.dataOffsetPresent | TrunFlags.sampleDurationPresent | TrunFlags.sampleSizePresent | TrunFlags.sampleFlagsPresent;
  if (offsets) flags |= TrunFlags.sampleCompositionTimeOffsetsPresent;
  const track = t.track;
  w.fullBox('trun', offsets ? 1 : 0, flags, () => {
    w.u32(t.count); // sample_count
    w.i32(dataOffset); // data_offset
    for (let i = t.first; i <= t.last; i++) {
      const sample = samples[i]!;
      if (sample.trackId !== track.id) continue;
      w.u32(durations[i]!); // sample_duration
      w.u32(sample.data.length); // sample_size
      w.u32(isSync(track, sample) ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS); // sample_flags
      if (offsets) w.i32(sample.pts - sample.dts); // sample_composition_time_offset
    }
  });
}

/** The payloads of the mdat, track by track in traf order, each track's in decode order; each one's offset in the segment noted. */
function mdatPayloads(plan: FragmentPlan, samples: readonly Frame[], firstOffset: number, payloadOffsets: Uint32Array): Uint8Array[] {
  const payloads: Uint8Array[] = [];
  let at = firstOffset;
  for (const t of plan.tracks) {
    const id = t.track.id;
    for (let i = t.first; i <= t.last; i++) {
      const sample = samples[i]!;
      if (sample.trackId !== id) continue;
      payloadOffsets[i] = at;
      payloads.push(sample.data);
      at += sample.data.length;
    }
  }
  return payloads;
}
