// A ladder as the API receives it, checked before it is stored: bitrates that parse,
// no duplicate rungs, and an encoder this ffmpeg has (a pinned name that does not
// exist is the user's mistake to hear about now, not a silent fallback later).
import { Problem } from '../contract/problem.js';
import type { EncoderStatus } from '../contract/studio-api.js';
import type { TranscodeConfig } from '../contract/transcode-api.js';
import { chooseEncoders } from './encoder-choice.js';
import { planRenditions } from './rendition-plan.js';

/** Throws a Problem ('invalid') that says what is wrong with `config`. */
export function checkTranscodeConfig(config: TranscodeConfig, probed: readonly EncoderStatus[], platform: NodeJS.Platform = process.platform): void {
  const choice = chooseEncoders({ requested: config.encoder, codec: config.codec, probed, platform });
  if (choice.codec === 'av1') throw new Problem('invalid', 'AV1 ladder', `${config.encoder} writes AV1, which live renditions cannot carry (they travel as MPEG-TS): pin an H.264 or HEVC encoder`);
  planRenditions(config.renditions, null, choice.codec);
}
