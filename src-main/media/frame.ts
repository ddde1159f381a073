// The one shape every ingest produces and every consumer reads.

export type VideoCodec = 'h264' | 'hevc' | 'av1';
export type AudioCodec = 'aac' | 'mp3' | 'opus';

interface TrackBase {
  /** Index in the stream's track list; frames refer to it. */
  id: number;
  /** Ticks per second of this track's dts/pts (1000 from RTMP, 90000 from MPEG-TS). */
  timescale: number;
}

export interface VideoTrack extends TrackBase {
  kind: 'video';
  codec: VideoCodec;
  /**
   * The decoder configuration record as MP4 stores it: avcC for H.264, hvcC for
   * HEVC, av1C for AV1. Frames of this track carry NAL units with 4-byte lengths.
   */
  config: Uint8Array;
  width: number;
  height: number;
  /** e.g. "High", "Main 10" */
  profile: string;
  /** e.g. "4.1" */
  level: string;
  /** Frame rate the encoder declared (SPS timing info), when it did. */
  declaredFps: number | null;
}

export interface AudioTrack extends TrackBase {
  kind: 'audio';
  codec: AudioCodec;
  /** AudioSpecificConfig for AAC; empty for codecs that have none. Frames are raw (no ADTS). */
  config: Uint8Array;
  sampleRate: number;
  channels: number;
  /** e.g. "LC", "HE-AAC" */
  profile: string;
}

export type Track = VideoTrack | AudioTrack;

/** One access unit: a whole video picture or one audio frame. */
export interface Frame {
  trackId: number;
  /** Decode time, in the track's timescale. */
  dts: number;
  /** Presentation time, in the track's timescale (pts >= dts; equal without B-frames). */
  pts: number;
  keyframe: boolean;
  /** Video: NAL units each preceded by a 4-byte big-endian length. Audio: one raw frame. */
  data: Uint8Array;
  /** Wall-clock arrival, ms since the epoch (Date.now()), for DVR time mapping and stats. */
  arrivedAt: number;
}
