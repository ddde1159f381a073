// The pictures of the archive: which segment covers a second, its video frames read
// back with the UTC time each one is shown at, the keyframe nearest a time and the
// frames a decoder needs to show the picture at a time exactly.
import { isProblem, Problem } from '../../contract/problem.js';
import type { ArchiveStore } from '../../dvr/archive-store.js';
import type { SegmentRecord } from '../../dvr/dvr-index.js';
import { Fmp4ParseError, readFragmentFrames, type InitSegmentInfo } from '../../formats/fmp4/index.js';
import type { Frame, VideoTrack } from '../../media/index.js';

/** One segment's video track and frames, in decode order, with the UTC time each is shown at. */
export interface SegmentVideo {
  segment: SegmentRecord;
  track: VideoTrack;
  /** Video frames in decode order (payloads are views into the segment's bytes). */
  frames: Frame[];
  /** When frames[i] is shown, in UTC ms: the segment's start plus its pts after the first frame's. */
  utcMs: Float64Array;
}

/** A keyframe, with when it is shown. */
export interface KeyframeAt {
  video: SegmentVideo;
  /** Index in video.frames. */
  index: number;
  utcMs: number;
}

/** The frames that decode to the picture shown at a time: from a keyframe up to the next one. */
export interface ExactPicture {
  track: VideoTrack;
  /** Decode order, starting with a keyframe. */
  frames: Frame[];
  /** The wanted picture is the `position`-th shown (0-based, presentation order) of `frames`. */
  position: number;
  utcMs: number;
}

const isoSecond = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** 404 for a time with no recording: the reason names the time. */
export const nothingRecordedAt = (name: string, ms: number) => new Problem('not-found', 'Nothing recorded', `nothing recorded at ${isoSecond(ms)} for ${name}`);

/** Reads segments of the archive back as video. */
export class ArchivePictures {
  private readonly recent = new Map<string, Promise<SegmentVideo | null>>();

  constructor(private readonly deps: { archive: ArchiveStore }) {}

  /** The segment whose span holds `tMs` (start ≤ t < end), or null. */
  covering(stream: string, tMs: number): SegmentRecord | null {
    return this.deps.archive.covering(stream, tMs);
  }

  /** The segment after `segment` when it starts no later than `untilMs`, else null. */
  next(segment: SegmentRecord, untilMs: number): SegmentRecord | null {
    const end = segment.startMs + segment.durationMs;
    if (untilMs < end) return null;
    return this.deps.archive.segments(segment.stream, end, untilMs + 1).find((s) => s.startMs > segment.startMs) ?? null;
  }

  /**
   * A segment's video, or null when the segment has none or is gone from disk (retention).
   * A segment that does not parse is a 404 that says so.
   */
  load(segment: SegmentRecord): Promise<SegmentVideo | null> {
    // Neighbouring times (a sprite's tiles, a scrubbing pointer) read the same segments: the last few are kept.
    const key = `${segment.stream}\0${segment.file}`;
    let loaded = this.recent.get(key);
    if (!loaded) {
      loaded = this.read(segment);
      if (this.recent.size >= 3) this.recent.delete(this.recent.keys().next().value!);
      this.recent.set(key, loaded);
      loaded.catch(() => this.recent.delete(key));
    }
    return loaded;
  }

  private async read(segment: SegmentRecord): Promise<SegmentVideo | null> {
    let init: InitSegmentInfo;
    let bytes: Uint8Array | null;
    try {
      init = await this.deps.archive.readInit(segment.initId);
      bytes = await this.deps.archive.readSegment(segment);
    } catch (error) {
      // Gone from the index or the disk (retention) is no picture; anything else says why.
      if (isProblem(error, 'not-found')) return null;
      throw unreadable(segment, error);
    }
    if (!bytes) return null;
    const track = init.tracks.find((t): t is VideoTrack => t.kind === 'video');
    if (!track) return null;
    let all: Frame[];
    try {
      all = readFragmentFrames(bytes, init.sampleDefaults);
    } catch (error) {
      throw unreadable(segment, error);
    }
    const frames = all.filter((f) => f.trackId === track.id).sort((a, b) => a.dts - b.dts);
    if (frames.length === 0) return null;
    const origin = frames[0]!.pts;
    const utcMs = Float64Array.from(frames, (f) => segment.startMs + ((f.pts - origin) * 1000) / track.timescale);
    return { segment, track, frames, utcMs };
  }

  /**
   * The keyframe nearest `tMs` among those of the segment covering it and the first of
   * the next segment (segments start on keyframes): a 404 naming the time without one.
   */
  async keyframeNear(stream: string, tMs: number): Promise<KeyframeAt> {
    const segment = this.covering(stream, tMs);
    if (!segment) throw nothingRecordedAt(stream, tMs);
    const video = await this.load(segment);
    if (!video) throw new Problem('not-found', 'No picture', `${stream} has no video at ${isoSecond(tMs)}`);
    let best: KeyframeAt | null = null;
    video.frames.forEach((f, index) => {
      const at = video.utcMs[index]!;
      if (f.keyframe && (!best || Math.abs(at - tMs) < Math.abs(best.utcMs - tMs))) best = { video, index, utcMs: at };
    });
    const distance = best ? Math.abs((best as KeyframeAt).utcMs - tMs) : Infinity;
    const following = this.next(segment, tMs + Math.min(distance, 60_000));
    if (following?.firstKeyframe && following.startMs - tMs < distance) {
      const nextVideo = await this.load(following);
      const index = nextVideo?.frames.findIndex((f) => f.keyframe) ?? -1;
      if (nextVideo && index >= 0) best = { video: nextVideo, index, utcMs: nextVideo.utcMs[index]! };
    }
    if (!best) throw new Problem('not-found', 'No picture', `${stream} has no keyframe near ${isoSecond(tMs)}`);
    return best;
  }

  /**
   * What decodes to the picture on screen at `tMs` (the last frame shown at or before it):
   * from the keyframe before it up to the next keyframe. A segment without a keyframe
   * before that picture (cut mid-GOP) gives its nearest keyframe instead.
   */
  async exactPicture(stream: string, tMs: number): Promise<ExactPicture> {
    const segment = this.covering(stream, tMs);
    if (!segment) throw nothingRecordedAt(stream, tMs);
    const video = await this.load(segment);
    if (!video) throw new Problem('not-found', 'No picture', `${stream} has no video at ${isoSecond(tMs)}`);
    return exactPictureIn(video, tMs) ?? keyframeAsPicture(await this.keyframeNear(stream, tMs));
  }
}

function unreadable(segment: SegmentRecord, error: unknown): Problem {
  const why = error instanceof Fmp4ParseError ? error.message : (error as Error).message;
  return new Problem('not-found', 'Unreadable recording', `the recording at ${isoSecond(segment.startMs)} (${segment.file}) cannot be read: ${why}`);
}

/** The picture shown at `tMs` within one segment's video, or null when no keyframe precedes it there. */
export function exactPictureIn(video: SegmentVideo, tMs: number): ExactPicture | null {
  const { frames, utcMs } = video;
  // The frame on screen at t: the latest shown at or before t (half a millisecond for rounding).
  let target = -1;
  for (let i = 0; i < frames.length; i++) {
    if (utcMs[i]! <= tMs + 0.5 && (target < 0 || utcMs[i]! > utcMs[target]!)) target = i;
  }
  if (target < 0) return null;
  let key = -1;
  for (let i = target; i >= 0; i--) {
    if (frames[i]!.keyframe) {
      key = i;
      break;
    }
  }
  if (key < 0) return null;
  let end = frames.length;
  for (let i = Math.max(target, key) + 1; i < frames.length; i++) {
    if (frames[i]!.keyframe) {
      end = i;
      break;
    }
  }
  const clip = frames.slice(key, end);
  const shownAt = frames[target]!.pts;
  const keyPts = frames[key]!.pts;
  const position = clip.filter((f) => f.pts >= keyPts && f.pts < shownAt).length;
  return { track: video.track, frames: clip, position, utcMs: utcMs[target]! };
}

function keyframeAsPicture(k: KeyframeAt): ExactPicture {
  return { track: k.video.track, frames: [k.video.frames[k.index]!], position: 0, utcMs: k.utcMs };
}
