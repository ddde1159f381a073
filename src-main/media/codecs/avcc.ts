import { CodecParseError } from './codec-error.js';
import { ByteWriter } from './byte-writer.js';
import { parseH264Sps } from './h264-sps.js';

/** AVCDecoderConfigurationRecord (ISO 14496-15 5.3.3.1), the parameter sets as subarrays of the record. */
export interface AvcConfig {
  /** lengthSizeMinusOne + 1: bytes before each NAL unit in samples. */
  lengthSize: number;
  sps: Uint8Array[];
  pps: Uint8Array[];
  /** AVCProfileIndication */
  profileIdc: number;
  /** AVCLevelIndication */
  levelIdc: number;
}

/** Profiles whose record carries the chroma_format / bit depth extension (14496-15 5.3.3.1.2; 144 is the withdrawn High 4:4:4). */
const EXTENDED_RECORD_PROFILES = new Set([100, 110, 122, 144, 244]);

export function parseAvcC(record: Uint8Array): AvcConfig {
  if (record.length < 7) throw new CodecParseError(`avcC of ${record.length} bytes is shorter than its 7-byte header`);
  if (record[0] !== 1) throw new CodecParseError(`avcC configurationVersion ${record[0]} is not 1`);
  const profileIdc = record[1]!;
  const levelIdc = record[3]!;
  const lengthSize = (record[4]! & 0x03) + 1; // reserved '111111' + lengthSizeMinusOne
  let at = 5;
  const sps: Uint8Array[] = [];
  const spsCount = record[at++]! & 0x1f; // reserved '111' + numOfSequenceParameterSets
  for (let i = 0; i < spsCount; i++) at = readParameterSet(record, at, sps, 'SPS');
  if (at >= record.length) throw new CodecParseError('avcC ends before numOfPictureParameterSets');
  const pps: Uint8Array[] = [];
  const ppsCount = record[at++]!;
  for (let i = 0; i < ppsCount; i++) at = readParameterSet(record, at, pps, 'PPS');
  // The chroma/bit-depth extension that may follow restates what the SPS says: nothing to keep.
  return { lengthSize, sps, pps, profileIdc, levelIdc };
}

/** A u16 length and that many bytes of NAL unit; returns the offset after it. */
function readParameterSet(record: Uint8Array, at: number, into: Uint8Array[], what: string): number {
  if (at + 2 > record.length) throw new CodecParseError(`avcC ends inside a ${what} length`);
  const length = (record[at]! << 8) | record[at + 1]!;
  const end = at + 2 + length;
  if (end > record.length) throw new CodecParseError(`avcC ${what} of ${length} bytes runs past the end`);
  into.push(record.subarray(at + 2, end));
  return end;
}

/**
 * avcC from SPS/PPS NAL units (as they appear in the stream, emulation prevention
 * included), with 4-byte NAL lengths. Profile, compatibility and level come from the
 * first SPS; for the High profiles the record's extension states its chroma format
 * and bit depths, as ffmpeg writes it.
 */
export function buildAvcC(sps: readonly Uint8Array[], pps: readonly Uint8Array[]): Uint8Array {
  const first = sps[0];
  if (!first || first.length < 4) throw new CodecParseError('avcC needs an SPS of at least 4 bytes');
  if (sps.length > 31) throw new CodecParseError(`avcC holds at most 31 SPS, got ${sps.length}`);
  if (pps.length > 255) throw new CodecParseError(`avcC holds at most 255 PPS, got ${pps.length}`);
  for (const set of [...sps, ...pps]) {
    if (set.length > 0xffff) throw new CodecParseError(`parameter set of ${set.length} bytes does not fit a 16-bit length`);
  }
  const profileIdc = first[1]!;
  const extended = EXTENDED_RECORD_PROFILES.has(profileIdc);
  const info = extended ? parseH264Sps(first) : null;

  let size = 7 + (extended ? 4 : 0);
  for (const set of sps) size += 2 + set.length;
  for (const set of pps) size += 2 + set.length;
  const w = new ByteWriter(size);
  w.u8(1); // configurationVersion
  w.u8(profileIdc); // AVCProfileIndication
  w.u8(first[2]!); // profile_compatibility
  w.u8(first[3]!); // AVCLevelIndication
  w.u8(0xfc | 3); // reserved '111111' + lengthSizeMinusOne = 3
  w.u8(0xe0 | sps.length); // reserved '111' + numOfSequenceParameterSets
  for (const set of sps) {
    w.u16(set.length);
    w.write(set);
  }
  w.u8(pps.length); // numOfPictureParameterSets
  for (const set of pps) {
    w.u16(set.length);
    w.write(set);
  }
  if (info) {
    w.u8(0xfc | info.chromaFormatIdc); // reserved '111111' + chroma_format
    w.u8(0xf8 | (info.bitDepth - 8)); // reserved '11111' + bit_depth_luma_minus8
    w.u8(0xf8 | (info.bitDepthChroma - 8)); // reserved '11111' + bit_depth_chroma_minus8
    w.u8(0); // numOfSequenceParameterSetExt
  }
  return w.bytes;
}
