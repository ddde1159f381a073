import { describe, expect, it } from 'vitest';
import { CodecParseError } from './codec-error.js';
import { forEachNal, h264NalType, hevcNalLayerId, hevcNalType, isH264Keyframe, isHevcKeyframe, splitAnnexB, toLengthPrefixed } from './nal.js';

describe('splitAnnexB', () => {
  it('splits on 3- and 4-byte start codes, trims trailing zeros, returns views', () => {
    const data = Uint8Array.of(0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x67, 1, 2, 0, 0, 0, 0, 1, 0x68, 3, 0, 0);
    const nals = splitAnnexB(data);
    expect(nals.map((n) => Array.from(n))).toEqual([[0x09, 0xf0], [0x67, 1, 2], [0x68, 3]]);
    expect(nals[0]!.buffer).toBe(data.buffer);
  });

  it('drops leading garbage and empty units; finds nothing without a start code', () => {
    expect(splitAnnexB(Uint8Array.of(7, 7, 0, 0, 1, 0, 0, 1, 0x41, 0)).map((n) => Array.from(n))).toEqual([[0x41]]);
    expect(splitAnnexB(Uint8Array.of(0x41, 0, 0, 2, 0))).toEqual([]);
    expect(splitAnnexB(new Uint8Array(0))).toEqual([]);
    expect(splitAnnexB(Uint8Array.of(0, 0, 1))).toEqual([]);
  });

  it('keeps 0x000002/0x000003 inside a unit', () => {
    expect(splitAnnexB(Uint8Array.of(0, 0, 1, 0x65, 0, 0, 3, 1, 0, 0, 2)).map((n) => Array.from(n))).toEqual([[0x65, 0, 0, 3, 1, 0, 0, 2]]);
  });
});

describe('length-prefixed NAL units', () => {
  it('toLengthPrefixed and forEachNal round-trip', () => {
    const nals = [Uint8Array.of(0x65, 1, 2, 3), new Uint8Array(300).fill(7), Uint8Array.of(0x06)];
    const sample = toLengthPrefixed(nals);
    expect(sample.length).toBe(4 * 3 + 4 + 300 + 1);
    expect(Array.from(sample.subarray(0, 8))).toEqual([0, 0, 0, 4, 0x65, 1, 2, 3]);
    const back: Uint8Array[] = [];
    forEachNal(sample, 4, (nal) => back.push(nal));
    expect(back).toEqual(nals);
  });

  it('forEachNal reads 1- and 2-byte lengths and throws CodecParseError past the end', () => {
    const seen: number[][] = [];
    forEachNal(Uint8Array.of(0, 2, 9, 9, 0, 1, 8), 2, (nal) => seen.push(Array.from(nal)));
    expect(seen).toEqual([[9, 9], [8]]);
    expect(() => forEachNal(Uint8Array.of(3, 1, 2), 1, () => {})).toThrow(CodecParseError);
    expect(() => forEachNal(Uint8Array.of(0, 0, 0), 4, () => {})).toThrow(CodecParseError);
    expect(() => forEachNal(Uint8Array.of(0), 5, () => {})).toThrow(CodecParseError);
  });
});

describe('NAL header fields', () => {
  it('reads types, layers and keyframes', () => {
    expect(h264NalType(Uint8Array.of(0x65))).toBe(5);
    expect(isH264Keyframe(5)).toBe(true);
    expect(isH264Keyframe(1)).toBe(false);
    expect(hevcNalType(Uint8Array.of(0x26, 0x01))).toBe(19); // IDR_W_RADL
    expect(hevcNalType(Uint8Array.of(0x2a, 0x01))).toBe(21); // CRA
    expect(hevcNalLayerId(Uint8Array.of(0x42, 0x09))).toBe(1);
    expect([15, 16, 21, 23, 24].map(isHevcKeyframe)).toEqual([false, true, true, true, false]);
    expect(h264NalType(new Uint8Array(0))).toBe(-1);
    expect(hevcNalType(new Uint8Array(0))).toBe(-1);
  });
});
