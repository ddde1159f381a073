// Codec bitstream parsers: pure functions over Uint8Array; the only thrown error is CodecParseError.
export { CodecParseError } from './codec-error.js';
export { BitReader, removeEmulationPrevention } from './bit-reader.js';
export {
  splitAnnexB,
  toLengthPrefixed,
  forEachNal,
  h264NalType,
  hevcNalType,
  hevcNalLayerId,
  isH264Keyframe,
  isHevcKeyframe,
  H264NalType,
  HevcNalType,
} from './nal.js';
export { parseH264Sps, h264PpsId, h264ProfileName, parseAvcC, buildAvcC, type H264SpsInfo, type AvcConfig } from './h264.js';
export { parseHevcSps, hevcPpsId, hevcVpsId, hevcProfileName, parseHvcC, buildHvcC, type HevcSpsInfo, type HevcConfig } from './hevc.js';
export {
  parseAudioSpecificConfig,
  parseAdtsHeader,
  buildAudioSpecificConfig,
  aacSampleRates,
  aacProfileName,
  type AudioSpecificConfigInfo,
  type AdtsHeader,
} from './aac.js';
export { codecString } from './codec-string.js';
