// Which encoders a job tries, in order: the working hardware ones in the order that
// suits the OS, then software. A pinned encoder goes first, with software behind it,
// so a job whose GPU goes away keeps running (and says so) instead of stopping.
import { Problem } from '../contract/problem.js';
import type { EncoderStatus } from '../contract/studio-api.js';
import type { VideoCodecName } from '../contract/transcode-api.js';
import { encoderCodec, encoderFamily, type EncoderFamily } from './video-encode.js';

/** Hardware families by OS: the one that usually ships with the machine first. */
const hardwareOrder: Record<string, readonly EncoderFamily[]> = {
  win32: ['nvenc', 'qsv', 'amf'],
  darwin: ['videotoolbox'],
  linux: ['nvenc', 'qsv', 'vaapi'],
};

const softwareEncoder: Record<VideoCodecName, string> = { h264: 'libx264', hevc: 'libx265', av1: 'libsvtav1' };

export interface EncoderChoice {
  /** Encoders to try, first to last. */
  order: string[];
  /** The codec they all write. */
  codec: VideoCodecName;
}

/**
 * `requested` is "auto" or an ffmpeg encoder name. A name this ffmpeg does not have,
 * or one the studio cannot drive, is a Problem ('invalid') naming what it has.
 */
export function chooseEncoders(o: { requested: string; codec?: VideoCodecName; probed: readonly EncoderStatus[]; platform: NodeJS.Platform }): EncoderChoice {
  if (o.requested !== 'auto') {
    const known = o.probed.find((e) => e.name === o.requested);
    const family = encoderFamily(o.requested);
    if (!known || !family) {
      const have = o.probed.map((e) => `${e.name}${e.works ? '' : ' (fails here)'}`).join(', ') || 'none';
      throw new Problem('invalid', 'Unknown encoder', `${o.requested} is not an encoder this ffmpeg has (it has: ${have}); use "auto" or one of those`);
    }
    const codec = encoderCodec(o.requested)!;
    if (o.codec && o.codec !== codec) throw new Problem('invalid', 'Encoder and codec disagree', `${o.requested} writes ${codec}, but the ladder asks for ${o.codec}`);
    const fallback = softwareEncoder[codec];
    return { codec, order: o.requested === fallback ? [fallback] : [o.requested, fallback] };
  }
  const codec = o.codec ?? 'h264';
  const families = hardwareOrder[o.platform] ?? [];
  const hardware = families.flatMap((family) => o.probed.filter((e) => e.works && e.codec === codec && encoderFamily(e.name) === family).map((e) => e.name));
  return { codec, order: [...hardware, softwareEncoder[codec]] };
}

/**
 * Encoders for work that must write H.264 whatever the ladders use (VOD segments, the
 * mixer): the pinned encoder when it writes H.264, the automatic order otherwise.
 */
export function h264Encoders(o: { requested: string; probed: readonly EncoderStatus[]; platform: NodeJS.Platform }): string[] {
  try {
    return chooseEncoders({ ...o, codec: 'h264' }).order;
  } catch {
    return chooseEncoders({ ...o, requested: 'auto', codec: 'h264' }).order;
  }
}
