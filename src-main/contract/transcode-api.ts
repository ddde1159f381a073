// What a stream's transcoding looks like in the API: the ladder a user asks for, and
// what each rendition is doing. The renderer imports these as types only.
import { Type, type Static } from 'typebox';

/** Bitrates as people write them: 1200k, 2.5M, or plain bits per second. */
export const bitratePattern = '^\\d{1,9}(\\.\\d{1,3})?[kKmM]?$';

const rung = '\\d{3,4}p@\\d{1,9}(\\.\\d{1,3})?[kKmM]?';
/** The studio-wide ladder as one line of settings text: `720p@3000k, 480p@1200k` (empty: none). */
export const ladderSettingPattern = `^(|${rung}(\\s*,\\s*${rung}){0,7})$`;

/** `720p@3000k, 480p@1200k` → renditions; the text already matched ladderSettingPattern. */
export function parseLadderSetting(text: string): { height: number; videoBitrate: string }[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [height, videoBitrate] = part.split('p@');
      return { height: Number(height), videoBitrate: videoBitrate! };
    });
}

export const VideoCodecName = Type.Union([Type.Literal('h264'), Type.Literal('hevc'), Type.Literal('av1')]);
export type VideoCodecName = Static<typeof VideoCodecName>;

export const RenditionSpec = Type.Object(
  {
    height: Type.Integer({ minimum: 144, maximum: 4320, description: 'Picture height in lines; the width keeps the source aspect (even)' }),
    videoBitrate: Type.String({ pattern: bitratePattern, maxLength: 16, description: 'Average video bitrate, e.g. 1200k or 2.5M' }),
    maxRate: Type.Optional(Type.String({ pattern: bitratePattern, maxLength: 16, description: 'Peak bitrate (default 1.07 × videoBitrate, as Apple advises for HLS)' })),
    profile: Type.Optional(Type.Union([Type.Literal('baseline'), Type.Literal('main'), Type.Literal('high')], { description: 'H.264 profile (default high; main for HEVC)' })),
    fps: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, description: 'Cap the frame rate (frames are dropped evenly); default keeps the source rate' })),
  },
  { additionalProperties: false },
);
export type RenditionSpec = Static<typeof RenditionSpec>;

export const TranscodeConfig = Type.Object(
  {
    renditions: Type.Array(RenditionSpec, { maxItems: 8, description: 'The ladder, besides the source itself (which is always offered as is)' }),
    encoder: Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z0-9_]+$', description: '"auto" (hardware first, software fallback) or an ffmpeg encoder name to pin' }),
    // Live renditions travel as MPEG-TS, which ffmpeg 5.1 cannot write AV1 into.
    codec: Type.Optional(Type.Union([Type.Literal('h264'), Type.Literal('hevc')], { description: 'One codec for the whole ladder (default h264, or the pinned encoder\'s)' })),
    record: Type.Optional(Type.Boolean({ description: 'Record the renditions into the archive too, each as a stream of its own (NAME/720p); default: the source alone is recorded' })),
  },
  { additionalProperties: false },
);
export type TranscodeConfig = Static<typeof TranscodeConfig>;

export const RenditionState = Type.Union([Type.Literal('starting'), Type.Literal('running'), Type.Literal('queued'), Type.Literal('failed'), Type.Literal('idle')]);
export type RenditionState = Static<typeof RenditionState>;

/** One rendition as it runs: which encoder, how fast, and why it is not on the first choice. */
export const RenditionStatus = Type.Object({
  name: Type.String({ description: 'e.g. 720p: the variant name in URLs and the master playlist' }),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Integer(),
  videoBitrate: Type.Integer({ description: 'bits per second' }),
  state: RenditionState,
  encoder: Type.Union([Type.String(), Type.Null()]),
  /** The encoder the job left when it fell back, and ffmpeg's reason. */
  fallbackFrom: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  fps: Type.Number(),
  /** × real time; below 1 the rendition falls behind. */
  speed: Type.Number(),
  droppedFrames: Type.Integer(),
  /** How far the rendition's newest frame trails the source's (ms). */
  latencyMs: Type.Number(),
});
export type RenditionStatus = Static<typeof RenditionStatus>;
