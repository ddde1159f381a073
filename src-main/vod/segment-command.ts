// The ffmpeg command for one VOD segment: the picture of [start, end) (positions in
// seconds from the file's start), transcoded or copied, and its audio. Audio made by an
// encoder started for this segment alone would click where segments meet (the encoder's
// priming, a window without its neighbour), so the audio input starts a few frames early
// on the file-wide AAC frame grid; segment-maker keeps exactly the frames of this
// segment, and neighbouring segments tile the grid without a gap or an overlap.
import { pipelineFor } from '../transcode/gpu-pipeline.js';
import { encoderFamily, videoEncodeArgs } from '../transcode/video-encode.js';
import { vodAudioBitrate, vodAudioRate, type RemuxContainer, type VodVariant } from './vod-plan.js';

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

/** How each kind of stream gets into a segment. */
function modes(variant: VodVariant): { video: 'copy' | 'encode' | null; audio: 'copy' | 'encode' | null; container: RemuxContainer } {
  const audio = variant.audio === null ? null : (variant.kind === 'remux' && variant.audioCopy) || (variant.kind === 'audio' && variant.copy) ? 'copy' : 'encode';
  if (variant.kind === 'remux') return { video: 'copy', audio, container: variant.container };
  return { video: variant.kind === 'transcode' ? 'encode' : null, audio, container: 'ts' };
}

export function segmentCommand(spec: SegmentSpec): { args: string[]; keep: KeepWindow; container: RemuxContainer } {
  const { variant, start, end, last } = spec;
  const mode = modes(variant);
  const head = ['-v', 'error', '-nostdin', '-copyts'];
  const tail =
    mode.container === 'fmp4'
      ? // Times as they are (the MP4 muxer would otherwise move them to start at 0): frag_discont writes each fragment's tfdt from its first sample.
        ['-output_ts_offset', String(outputOffsetSeconds), '-avoid_negative_ts', 'disabled', '-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof+frag_discont', 'pipe:1']
      : ['-output_ts_offset', String(outputOffsetSeconds), '-f', 'mpegts', '-muxdelay', '0', '-muxpreload', '0', 'pipe:1'];
  // No -ss at 0: with stream copy ffmpeg would drop the audio packets before it (AAC priming at a negative time).
  const range = (from: number, to: number | null) => [...(from > 0 ? ['-ss', fixed(from)] : []), ...(to === null ? [] : ['-to', fixed(to)])];
  const audioIndex = variant.audio;
  // Copied streams: read a second either side; the maker cuts exactly at keyframes and audio frame starts.
  // The first segment keeps what comes before 0 too (AAC priming an edit list hides, B-frame leads).
  const copyWindow = { from: start === 0 ? -Infinity : start, to: last ? Infinity : end };
  const copyInput = [...range(Math.max(0, start - 1), last ? null : end + 1), '-i', spec.file];

  // Encoded audio: from the grid point at or after `start` to the one at or after `end`, its own input starting a few frames early.
  const audioFrom = start === 0 ? -Infinity : onGrid(start);
  const audioTo = last ? Infinity : onGrid(end);
  const audioInput = ['-ss', fixed(Math.max(0, (start === 0 ? 0 : audioFrom) - prerollFrames * aacFrameSeconds)), ...(last ? [] : ['-to', fixed(audioTo + prerollFrames * aacFrameSeconds)]), '-i', spec.file];
  const audioEncode = ['-c:a', 'aac', '-b:a', String(vodAudioBitrate), '-ac', '2', '-ar', String(vodAudioRate)];
  const keep: KeepWindow = { audio: mode.audio === 'copy' ? copyWindow : { from: audioFrom, to: audioTo }, video: mode.video === 'copy' ? copyWindow : null };

  if (mode.video === null) {
    // Sound alone: one input, copied or encoded.
    const input = mode.audio === 'copy' ? copyInput : audioInput;
    return { args: [...head, ...input, '-map', `0:${audioIndex}`, ...(mode.audio === 'copy' ? ['-c', 'copy'] : audioEncode), ...tail], keep, container: mode.container };
  }
  const audioArgs = (separateInput: number) =>
    mode.audio === null ? { inputs: [], output: [] } : mode.audio === 'copy' ? { inputs: [], output: ['-map', `0:${audioIndex}`, '-c:a', 'copy'] } : { inputs: audioInput, output: ['-map', `${separateInput}:${audioIndex}`, ...audioEncode] };

  if (mode.video === 'copy') {
    const audio = audioArgs(1);
    return { args: [...head, ...copyInput, ...audio.inputs, '-map', '0:v:0', '-c:v', 'copy', ...audio.output, ...tail], keep, container: mode.container };
  }

  if (variant.kind !== 'transcode') throw new Error(`variant ${variant.name} has no picture to encode`);
  const family = encoderFamily(spec.encoder) ?? 'x264';
  const pipeline = pipelineFor(family, { gpuDecode: false });
  const encode = videoEncodeArgs({ encoder: spec.encoder, bitrate: variant.rung.videoBitrate, maxRate: Math.round(variant.rung.videoBitrate * 1.1), bufSize: variant.rung.videoBitrate * 2, profile: 'high', maxGop: 600 });
  const level = family === 'x264' ? ['-level:v', (variant.rung.level / 10).toFixed(1)] : [];
  const audio = audioArgs(1);
  return {
    args: [...head, ...pipeline.inputArgs, ...range(start, last ? null : end), '-i', spec.file, ...audio.inputs, '-map', '0:v:0', '-vf', pipeline.scale(variant.height), ...encode, ...level, ...audio.output, ...tail],
    keep,
    container: mode.container,
  };
}
