// A few video frames as a small fragmented MP4 (init + one fragment) that ffmpeg reads
// from a pipe: every codec the archive holds (H.264, HEVC, AV1) decodes the same way.
import { buildInitSegment, buildMediaSegment } from '../../formats/fmp4/index.js';
import type { Frame, VideoTrack } from '../../media/index.js';

function clip(track: VideoTrack, samples: Frame[]): Uint8Array {
  const init = buildInitSegment([track]);
  const segment = buildMediaSegment({ sequenceNumber: 1, tracks: [track], samples }).bytes;
  const out = new Uint8Array(init.length + segment.length);
  out.set(init, 0);
  out.set(segment, init.length);
  return out;
}

/** Keyframes, each decodable alone, one second apart: one decoded picture per keyframe, in order. */
export function keyframeClip(track: VideoTrack, keyframes: readonly Frame[]): Uint8Array {
  return clip(
    track,
    keyframes.map((f, i) => ({ ...f, trackId: track.id, dts: i * track.timescale, pts: i * track.timescale, keyframe: true })),
  );
}

/** A run of frames from a keyframe on, in decode order, their timing kept (shifted to start at 0). */
export function gopClip(track: VideoTrack, frames: readonly Frame[]): Uint8Array {
  const base = frames[0]!.dts;
  return clip(
    track,
    frames.map((f) => ({ ...f, dts: f.dts - base, pts: f.pts - base })),
  );
}
