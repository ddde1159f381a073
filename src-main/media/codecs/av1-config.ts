// AV1: the av1C record (AV1 Codec ISO Media File Format Binding, 2.3) and the
// fields of the sequence header OBU (AV1 spec 5.5) up to the maximum frame size.
import { BitReader } from './bit-reader.js';
import { CodecParseError } from './codec-error.js';

export interface Av1ConfigInfo {
  profile: string;
  level: string;
  width: number;
  height: number;
}

const profiles = ['Main', 'High', 'Professional'];
const obuSequenceHeader = 1;

function bits32(r: BitReader): number {
  return r.readBits(16) * 0x10000 + r.readBits(16);
}

function uvlc(r: BitReader): number {
  let leadingZeros = 0;
  while (r.readBit() === 0) {
    if (++leadingZeros >= 32) return 0xffffffff;
  }
  return leadingZeros === 0 ? 0 : (leadingZeros > 16 ? r.readBits(leadingZeros - 16) * 0x10000 + r.readBits(16) : r.readBits(leadingZeros)) + 2 ** leadingZeros - 1;
}

function leb128(data: Uint8Array, offset: number): { value: number; bytes: number } {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const byte = data[offset + i];
    if (byte === undefined) throw new CodecParseError('AV1 OBU size runs past the end');
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (!(byte & 0x80)) return { value, bytes: i + 1 };
  }
  throw new CodecParseError('AV1 OBU size is longer than 8 bytes');
}

/** Width and height from a sequence header OBU payload (AV1 spec 5.5.1). */
function parseSequenceHeader(payload: Uint8Array): { width: number; height: number } {
  const r = new BitReader(payload);
  r.skipBits(3); // seq_profile
  r.skipBits(1); // still_picture
  const reducedStillPictureHeader = r.readBit();
  if (reducedStillPictureHeader) {
    r.skipBits(5); // seq_level_idx[0]
  } else {
    let decoderModelInfoPresent = 0;
    let bufferDelayLength = 0;
    if (r.readBit()) {
      // timing_info
      bits32(r); // num_units_in_display_tick
      bits32(r); // time_scale
      if (r.readBit()) uvlc(r); // equal_picture_interval → num_ticks_per_picture_minus_1
      decoderModelInfoPresent = r.readBit();
      if (decoderModelInfoPresent) {
        bufferDelayLength = r.readBits(5) + 1;
        bits32(r); // num_units_in_decoding_tick
        r.skipBits(5 + 5); // buffer_removal_time_length_minus_1, frame_presentation_time_length_minus_1
      }
    }
    const initialDisplayDelayPresent = r.readBit();
    const operatingPoints = r.readBits(5) + 1;
    for (let i = 0; i < operatingPoints; i++) {
      r.skipBits(12); // operating_point_idc
      const seqLevelIdx = r.readBits(5);
      if (seqLevelIdx > 7) r.skipBits(1); // seq_tier
      if (decoderModelInfoPresent && r.readBit()) r.skipBits(bufferDelayLength * 2 + 1);
      if (initialDisplayDelayPresent && r.readBit()) r.skipBits(4);
    }
  }
  const widthBits = r.readBits(4) + 1;
  const heightBits = r.readBits(4) + 1;
  return { width: r.readBits(widthBits) + 1, height: r.readBits(heightBits) + 1 };
}

export function parseAv1Config(record: Uint8Array): Av1ConfigInfo {
  if (record.length < 4) throw new CodecParseError('av1C record is shorter than 4 bytes');
  if ((record[0]! & 0x80) === 0) throw new CodecParseError('av1C record lacks its marker bit');
  const seqProfile = record[1]! >> 5;
  const seqLevelIdx = record[1]! & 0x1f;
  const info: Av1ConfigInfo = {
    profile: profiles[seqProfile] ?? `profile ${seqProfile}`,
    level: seqLevelIdx === 31 ? 'max' : `${2 + (seqLevelIdx >> 2)}.${seqLevelIdx & 3}`,
    width: 0,
    height: 0,
  };
  // configOBUs: the sequence header, when the encoder put it there (OBS does).
  let offset = 4;
  while (offset < record.length) {
    const header = record[offset]!;
    const type = (header >> 3) & 0x0f;
    const hasExtension = (header >> 2) & 1;
    const hasSize = (header >> 1) & 1;
    let pos = offset + 1 + hasExtension;
    let size = record.length - pos;
    if (hasSize) {
      const s = leb128(record, pos);
      pos += s.bytes;
      size = s.value;
    }
    if (pos + size > record.length) throw new CodecParseError('AV1 OBU runs past the end of av1C');
    if (type === obuSequenceHeader) return { ...info, ...parseSequenceHeader(record.subarray(pos, pos + size)) };
    offset = pos + size;
  }
  return info;
}
