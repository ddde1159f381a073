// One description of a video encode, mapped onto each encoder family's own flags.
// Everything a rendition needs to switch cleanly in a player is said here once:
// keyframes only where the source has them (so every rendition cuts at the same
// times), closed GOPs, no scene-cut keyframes, a peak rate and a buffer.
import type { VideoCodecName } from '../contract/transcode-api.js';

export type EncoderFamily = 'nvenc' | 'qsv' | 'vaapi' | 'videotoolbox' | 'amf' | 'x264' | 'x265' | 'svtav1';

/** The family an ffmpeg encoder name belongs to; null for encoders the studio does not drive. */
export function encoderFamily(encoder: string): EncoderFamily | null {
  if (encoder === 'libx264') return 'x264';
  if (encoder === 'libx265') return 'x265';
  if (encoder === 'libsvtav1') return 'svtav1';
  const match = /^(?:h264|hevc|av1)_(nvenc|qsv|vaapi|videotoolbox|amf)$/.exec(encoder);
  return match ? (match[1] as EncoderFamily) : null;
}

/** The codec an encoder writes, from its name. */
export function encoderCodec(encoder: string): VideoCodecName | null {
  if (encoder === 'libx264' || encoder.startsWith('h264_')) return 'h264';
  if (encoder === 'libx265' || encoder.startsWith('hevc_')) return 'hevc';
  if (encoder === 'libsvtav1' || encoder.startsWith('av1_')) return 'av1';
  return null;
}

export const isHardware = (family: EncoderFamily) => family !== 'x264' && family !== 'x265' && family !== 'svtav1';

export interface VideoEncode {
  encoder: string;
  /** bits per second */
  bitrate: number;
  maxRate: number;
  /** VBV buffer in bits: how far the rate may swing around the average. */
  bufSize: number;
  profile: 'baseline' | 'main' | 'high';
  /** Frames between keyframes when the source gives none (a safety net, not the cadence). */
  maxGop: number;
  /**
   * Keyframes exactly every this many frames instead of where the source has them: for
   * pictures made by the studio (the mixer's canvas), which ffmpeg sees as all "key".
   */
  keyframeEvery?: number;
  /** Live pictures made now (the mixer): no B-frames, and the family's low-delay tuning, so a picture leaves as soon as it is encoded. */
  lowLatency?: boolean;
}

// A source keyframe is where every rendition cuts; ffmpeg's `source` keyword forces a
// keyframe on the encoded frame that came from one.
const sourceKeyframes = ['-force_key_frames', 'source'];

/**
 * Output options for one rendition's video, for the encoder `e.encoder` names.
 * Throws for an encoder the studio does not know (the caller checked it against the probe).
 */
export function videoEncodeArgs(e: VideoEncode): string[] {
  const family = encoderFamily(e.encoder);
  if (!family) throw new Error(`no argument mapping for encoder ${e.encoder}`);
  const codec = encoderCodec(e.encoder)!;
  const rate = ['-b:v', String(e.bitrate), '-maxrate', String(e.maxRate), '-bufsize', String(e.bufSize)];
  const gop = ['-g', String(e.maxGop)];
  // HEVC and AV1 have no baseline/high in the H.264 sense: they get their main profile.
  // VA-API and AMF name H.264's baseline constrained_baseline (the only one they encode).
  const profile = codec !== 'h264' ? 'main' : e.profile === 'baseline' && (family === 'vaapi' || family === 'amf') ? 'constrained_baseline' : e.profile;
  const keyframes = e.keyframeEvery ? ['-force_key_frames', `expr:eq(mod(n,${e.keyframeEvery}),0)`] : sourceKeyframes;
  const common = ['-c:v', e.encoder, ...rate, ...gop, ...keyframes, ...(e.lowLatency ? ['-bf', '0'] : [])];
  switch (family) {
    case 'x264':
      return [...common, '-preset', 'veryfast', ...(e.lowLatency ? ['-tune', 'zerolatency'] : []), '-profile:v', profile, '-sc_threshold', '0', '-flags', '+cgop', '-pix_fmt', 'yuv420p'];
    case 'x265':
      return [...common, '-preset', 'veryfast', '-profile:v', profile, '-x265-params', 'scenecut=0:open-gop=0:log-level=error', '-pix_fmt', 'yuv420p'];
    case 'svtav1':
      // SVT-AV1 keyframes are closed at its defaults; preset 10 is its real-time range.
      return [...common, '-preset', '10', '-svtav1-params', 'scd=0', '-pix_fmt', 'yuv420p'];
    case 'nvenc':
      // p4 is NVENC's balanced preset; forced keyframes become IDRs so each is a cut point.
      return [...common, '-preset', 'p4', '-tune', 'll', '-rc', 'vbr', '-profile:v', profile, '-forced-idr', '1', '-no-scenecut', '1', '-strict_gop', '1'];
    case 'qsv':
      // Only h264_qsv has a look-ahead switch; it would delay every frame.
      return [...common, '-preset', 'veryfast', '-profile:v', profile, '-forced_idr', '1', ...(codec === 'h264' ? ['-look_ahead', '0'] : []), '-idr_interval', '0'];
    case 'vaapi':
      return [...common, '-rc_mode', 'VBR', '-profile:v', profile, '-idr_interval', '0'];
    case 'videotoolbox':
      // VideoToolbox has no VBV: it gets the average rate and a realtime hint.
      return ['-c:v', e.encoder, '-b:v', String(e.bitrate), ...gop, ...keyframes, '-realtime', '1', '-profile:v', profile, '-allow_sw', '0'];
    case 'amf':
      return [...common, '-usage', 'transcoding', '-quality', 'speed', '-rc', 'vbr_peak', '-profile:v', profile];
  }
}
