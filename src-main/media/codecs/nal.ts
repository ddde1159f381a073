import { CodecParseError } from './codec-error.js';

/** nal_unit_type values the pipeline acts on (H.264 Table 7-1). */
export const H264NalType = {
  SLICE: 1,
  IDR: 5,
  SEI: 6,
  SPS: 7,
  PPS: 8,
  AUD: 9,
  FILLER: 12,
} as const;

/** nal_unit_type values the pipeline acts on (H.265 Table 7-1). */
export const HevcNalType = {
  /** IRAP pictures are 16..23 (BLA, IDR, CRA, reserved IRAP). */
  BLA_W_LP: 16,
  RSV_IRAP_23: 23,
  VPS: 32,
  SPS: 33,
  PPS: 34,
  AUD: 35,
  FILLER: 38,
  SEI_PREFIX: 39,
  SEI_SUFFIX: 40,
} as const;

/**
 * Annex B byte stream (B.2) to NAL units: splits on 0x000001 start codes. A 4-byte start
 * code and trailing_zero_8bits show up as zeros after the previous NAL and are trimmed
 * (a NAL unit never ends in 0x00, 7.4.1). Bytes before the first start code and empty
 * units are dropped. Results are subarrays of data.
 */
export function splitAnnexB(data: Uint8Array): Uint8Array[] {
  const nals: Uint8Array[] = [];
  let start = -1;
  let i = 0;
  const end = data.length;
  while (i + 2 < end) {
    // Look at every third byte first: a start code needs a zero at i+2 or a 1 preceded by zeros.
    const third = data[i + 2]!;
    if (third > 1) {
      i += 3;
      continue;
    }
    if (third === 1 && data[i] === 0 && data[i + 1] === 0) {
      if (start >= 0) pushTrimmed(nals, data, start, i);
      start = i + 3;
      i += 3;
      continue;
    }
    i++;
  }
  if (start >= 0) pushTrimmed(nals, data, start, end);
  return nals;
}

function pushTrimmed(nals: Uint8Array[], data: Uint8Array, start: number, end: number): void {
  let last = end;
  while (last > start && data[last - 1] === 0) last--;
  if (last > start) nals.push(data.subarray(start, last));
}

/** NAL units to the MP4 sample form (ISO 14496-15 5.3.2): each behind a 4-byte big-endian length, in one allocation. */
export function toLengthPrefixed(nals: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const nal of nals) size += 4 + nal.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const nal of nals) {
    const n = nal.length;
    out[at] = n >>> 24;
    out[at + 1] = (n >>> 16) & 0xff;
    out[at + 2] = (n >>> 8) & 0xff;
    out[at + 3] = n & 0xff;
    out.set(nal, at + 4);
    at += 4 + n;
  }
  return out;
}

/**
 * Walks length-prefixed NAL units (lengthSize from avcC/hvcC lengthSizeMinusOne + 1: the
 * spec allows 1, 2 or 4; 3 is accepted as decoders do), handing each as a subarray. Throws CodecParseError when a
 * length runs past the end, before calling back for that unit.
 */
export function forEachNal(data: Uint8Array, lengthSize: number, cb: (nal: Uint8Array) => void): void {
  if (lengthSize !== 1 && lengthSize !== 2 && lengthSize !== 3 && lengthSize !== 4) {
    throw new CodecParseError(`NAL length size ${lengthSize} is not 1..4`);
  }
  let at = 0;
  while (at < data.length) {
    if (at + lengthSize > data.length) throw new CodecParseError(`NAL length field at ${at} cut off`);
    let length = 0;
    for (let k = 0; k < lengthSize; k++) length = length * 256 + data[at + k]!;
    at += lengthSize;
    if (at + length > data.length) throw new CodecParseError(`NAL of ${length} bytes at ${at} runs past the end (${data.length})`);
    cb(data.subarray(at, at + length));
    at += length;
  }
}

/** nal_unit_type of an H.264 NAL (7.3.1: low 5 bits of the first byte); -1 for an empty unit. */
export function h264NalType(nal: Uint8Array): number {
  return nal.length > 0 ? nal[0]! & 0x1f : -1;
}

/** nal_unit_type of an H.265 NAL (7.3.1.2: bits 1..6 of the first byte); -1 for an empty unit. */
export function hevcNalType(nal: Uint8Array): number {
  return nal.length > 0 ? (nal[0]! >> 1) & 0x3f : -1;
}

/** nuh_layer_id of an H.265 NAL (7.3.1.2); -1 when the 2-byte header is incomplete. */
export function hevcNalLayerId(nal: Uint8Array): number {
  return nal.length > 1 ? ((nal[0]! & 1) << 5) | (nal[1]! >> 3) : -1;
}

/** An IDR picture: decoding can start here (H.264 3.69). */
export function isH264Keyframe(nalType: number): boolean {
  return nalType === H264NalType.IDR;
}

/** An IRAP picture (BLA, IDR, CRA; H.265 3.73): decoding can start here. */
export function isHevcKeyframe(nalType: number): boolean {
  return nalType >= HevcNalType.BLA_W_LP && nalType <= HevcNalType.RSV_IRAP_23;
}
