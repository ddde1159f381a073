// The ffmpeg command for one VOD segment: the picture of [start, end) (positions in
// seconds from the file's start), transcoded or copied, and its audio. Audio made by an
// encoder started for this segment alone would click where segments meet (the encoder's
// priming, a window without its neighbour), so the audio input starts a few frames early
// on the file-wide AAC frame grid; segment-maker keeps exactly the frames of this
// segment, and neighbouring segments tile the grid without a gap or an overlap.
import { pipelineFor } from '../transcode/gpu-pipeline.js';
import { encoderFamily, videoEncodeArgs } from '../transcode/video-encode.js';
import { vodAudioBitrate, vodAudioRate, type VodVariant } from './vod-plan.js';

/** One AAC frame at the output rate: the grid every segment's audio lies on. */
export const aacFrameSeconds = 1024 / vodAudioRate;
/** Frames of audio encoded before the segment and thrown away: the encoder settles, its priming falls outside. */
const prerollFrames = 3;
/** Added to every output time, so B-frames before the first picture never go negative (ffmpeg would shift them, differently per segment). */
export const outputOffsetSeconds = 1;

export interface SegmentSpec {
  file: string;
  variant: VodVariant;
  start: number;
  end: number;
  /** The last segment runs to the end of the file. */
  last: boolean;
  /** For a transcoded variant: the video encoder (libx264 when there is no GPU). */
  encoder: string;
}

/** Which frames a segment keeps (positions in seconds; the maker converts). */
export interface KeepWindow {
  /** Audio frames whose start lies in [from, to). */
  audio: { from: number; to: number };
  /** Copied video: from the first keyframe at `from`, up to (not including) the first keyframe at `to`. */
  video: { from: number; to: number } | null;
}

const fixed = (n: number) => n.toFixed(6);
const onGrid = (t: number) => Math.ceil(t / aacFrameSeconds - 1e-6) * aacFrameSeconds;

export function segmentCommand(spec: SegmentSpec): { args: string[]; keep: KeepWindow } {
  const { variant, start, end, last } = spec;
  const head = ['-v', 'error', '-nostdin', '-copyts'];
  const tail = ['-output_ts_offset', String(outputOffsetSeconds), '-f', 'mpegts', '-muxdelay', '0', '-muxpreload', '0', 'pipe:1'];
  // No -ss at 0: with stream copy ffmpeg would drop the audio packets before it (AAC priming at a negative time).
  const range = (from: number, to: number | null) => [...(from > 0 ? ['-ss', fixed(from)] : []), ...(to === null ? [] : ['-to', fixed(to)])];
  const audioIndex = variant.audio;

  if (variant.kind === 'remux' || (variant.kind === 'audio' && variant.copy)) {
    // Copied streams: one input; the maker cuts exactly at keyframes and audio frame starts.
    const maps = variant.kind === 'remux' ? ['-map', '0:v:0', ...(audioIndex !== null ? ['-map', `0:${audioIndex}`] : [])] : ['-map', `0:${audioIndex}`];
    return {
      args: [...head, ...range(Math.max(0, start - 1), last ? null : end + 1), '-i', spec.file, ...maps, '-c', 'copy', ...tail],
      // The first segment keeps what comes before 0 too (AAC priming an edit list hides, B-frame leads).
      keep: { audio: { from: start === 0 ? -Infinity : start, to: last ? Infinity : end }, video: variant.kind === 'remux' ? { from: start === 0 ? -Infinity : start, to: last ? Infinity : end } : null },
    };
  }

  // Transcoded: audio from the grid point at or after `start` to the one at or after `end`.
  const audioFrom = start === 0 ? -Infinity : onGrid(start);
  const audioTo = last ? Infinity : onGrid(end);
  const audioInput = audioIndex === null ? [] : ['-ss', fixed(Math.max(0, (start === 0 ? 0 : audioFrom) - prerollFrames * aacFrameSeconds)), ...(last ? [] : ['-to', fixed(audioTo + prerollFrames * aacFrameSeconds)]), '-i', spec.file];
  const audioOut = audioIndex === null ? [] : ['-map', `${variant.kind === 'audio' ? 0 : 1}:${audioIndex}`, '-c:a', 'aac', '-b:a', String(vodAudioBitrate), '-ac', '2', '-ar', String(vodAudioRate)];
  const keep: KeepWindow = { audio: { from: audioFrom, to: audioTo }, video: null };
  if (variant.kind === 'audio') return { args: [...head, ...audioInput, ...audioOut, ...tail], keep };

  const family = encoderFamily(spec.encoder) ?? 'x264';
  const pipeline = pipelineFor(family, { gpuDecode: false });
  const encode = videoEncodeArgs({ encoder: spec.encoder, bitrate: variant.rung.videoBitrate, maxRate: Math.round(variant.rung.videoBitrate * 1.1), bufSize: variant.rung.videoBitrate * 2, profile: 'high', maxGop: 600 });
  const level = family === 'x264' ? ['-level:v', (variant.rung.level / 10).toFixed(1)] : [];
  return {
    args: [
      ...head,
      ...pipeline.inputArgs,
      ...range(start, last ? null : end),
      '-i', spec.file,
      ...audioInput,
      '-map', '0:v:0',
      '-vf', pipeline.scale(variant.height),
      ...encode,
      ...level,
      ...audioOut,
      ...tail,
    ],
    keep,
  };
}
