// Everything about a media segment that can be known before writing a byte: which
// samples go to which track fragment, each sample's duration, which optional trun
// fields are needed, and the payload bytes per track. One pass over the samples.
import type { Frame, Track } from '../../media/frame.js';
import { CodecParseError, parseAudioSpecificConfig } from '../../media/codecs/index.js';
import { Fmp4WriteError } from './errors.js';

export interface TrackFragmentPlan {
  track: Track;
  /** track_ID in the file: Track.id + 1 (0 is not a valid track_ID). */
  trackId: number;
  /** Index in `samples` of this track's first and last sample: the trun loop scans only that range. */
  first: number;
  last: number;
  count: number;
  payloadBytes: number;
  baseDecodeTime: number;
  /** Sum of this track's sample durations. */
  duration: number;
  /** Some sample has pts != dts: trun carries composition offsets (version 1, signed). */
  hasCompositionOffsets: boolean;
}

export interface FragmentPlan {
  /** In the order of the caller's tracks, those with samples only. */
  tracks: TrackFragmentPlan[];
  /** durations[i]: sample i's duration, i indexing the caller's `samples`. */
  durations: Uint32Array;
  payloadBytes: number;
}

export interface FragmentPlanInput {
  tracks: readonly Track[];
  samples: readonly Frame[];
  baseDecodeTimes?: ReadonlyMap<number, number>;
  lastDurations?: ReadonlyMap<number, number>;
}

const U32_MAX = 0xffff_ffff;
const I32_MIN = -0x8000_0000;
const I32_MAX = 0x7fff_ffff;
const AAC_SAMPLES_PER_FRAME = 1024;
/** Assumed frame rate for the duration of a lone video sample with no successor and no hint. */
const FALLBACK_FPS = 30;

const isU32 = (value: number) => Number.isInteger(value) && value >= 0 && value <= U32_MAX;

export function planFragment(input: FragmentPlanInput): FragmentPlan {
  const byId = new Map<number, TrackFragmentPlan>();
  for (const track of input.tracks) {
    byId.set(track.id, { track, trackId: track.id + 1, first: -1, last: -1, count: 0, payloadBytes: 0, baseDecodeTime: 0, duration: 0, hasCompositionOffsets: false });
  }
  const { samples } = input;
  const durations = new Uint32Array(samples.length);
  let payloadBytes = 0;
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i]!;
    const plan = byId.get(sample.trackId);
    if (!plan) throw new Fmp4WriteError(`sample of track ${sample.trackId}, which is not among the segment's tracks`);
    if (plan.last < 0) {
      plan.first = i;
    } else {
      const previous = samples[plan.last]!;
      durations[plan.last] = sampleDuration(plan, previous.dts, sample.dts);
    }
    const offset = sample.pts - sample.dts;
    if (offset !== 0) {
      if (!Number.isInteger(offset) || offset < I32_MIN || offset > I32_MAX) throw new Fmp4WriteError(`track ${plan.track.id}: pts - dts of ${offset} does not fit a composition offset`);
      plan.hasCompositionOffsets = true;
    }
    plan.last = i;
    plan.count++;
    plan.payloadBytes += sample.data.length;
    payloadBytes += sample.data.length;
  }

  const tracks: TrackFragmentPlan[] = [];
  for (const plan of byId.values()) {
    if (plan.count === 0) continue; // no traf for a track that had nothing in this segment
    const lastDuration = lastSampleDuration(plan, durations, samples, input.lastDurations?.get(plan.track.id));
    durations[plan.last] = lastDuration;
    plan.duration = (samples[plan.last]!.dts - samples[plan.first]!.dts) + lastDuration;
    plan.baseDecodeTime = input.baseDecodeTimes?.get(plan.track.id) ?? samples[plan.first]!.dts;
    if (!Number.isSafeInteger(plan.baseDecodeTime) || plan.baseDecodeTime < 0) {
      throw new Fmp4WriteError(`track ${plan.track.id}: base decode time ${plan.baseDecodeTime} is not a non-negative integer`);
    }
    tracks.push(plan);
  }
  return { tracks, durations, payloadBytes };
}

/** dts[i+1] - dts[i]: decode times must not run backwards, and each step must fit trun's 32 bits. */
function sampleDuration(plan: TrackFragmentPlan, dts: number, nextDts: number): number {
  const duration = nextDts - dts;
  if (!isU32(duration)) throw new Fmp4WriteError(`track ${plan.track.id}: decode time goes from ${dts} to ${nextDts}; a sample duration must be a 32-bit count of ticks`);
  return duration;
}

/**
 * The last sample has no successor here: the caller's hint (the next frame's dts minus
 * this one's, known when it cuts at the next keyframe), else the previous sample's
 * duration, else one typical frame. A hint that is not a tick count (a timestamp jump
 * at the cut) is ignored rather than fail the segment.
 */
function lastSampleDuration(plan: TrackFragmentPlan, durations: Uint32Array, samples: readonly Frame[], hint: number | undefined): number {
  if (hint !== undefined && isU32(hint)) return hint;
  if (plan.count >= 2) {
    for (let i = plan.last - 1; i >= plan.first; i--) if (samples[i]!.trackId === plan.track.id) return durations[i]!;
  }
  return typicalFrameDuration(plan.track);
}

/** One frame: 1024 samples of the AAC core coder, or 1/30 s of video, in the track's ticks. */
function typicalFrameDuration(track: Track): number {
  if (track.kind === 'video') return Math.max(1, Math.round(track.timescale / FALLBACK_FPS));
  let coreRate = track.sampleRate;
  try {
    coreRate = parseAudioSpecificConfig(track.config).coreSampleRate; // HE-AAC: the SBR output runs at twice the core's rate
  } catch (error) {
    if (!(error instanceof CodecParseError)) throw error;
  }
  return Math.max(1, Math.round((AAC_SAMPLES_PER_FRAME * track.timescale) / (coreRate || track.timescale)));
}
