import { describe, expect, it } from 'vitest';
import { BitReader, removeEmulationPrevention } from './bit-reader.js';
import { CodecParseError } from './codec-error.js';
import { fromBits } from './testing/bytes.js';

describe('BitReader', () => {
  it('reads u(n) MSB first, across byte boundaries, up to 32 bits unsigned', () => {
    const r = new BitReader(Uint8Array.of(0b10110011, 0xff, 0xff, 0xff, 0xff, 0x80));
    expect(r.readBit()).toBe(1);
    expect(r.readBits(3)).toBe(0b011);
    expect(r.readBits(0)).toBe(0);
    expect(r.bitsLeft()).toBe(44);
    expect(r.readBits(4)).toBe(0b0011);
    expect(r.readBits(32)).toBe(0xffffffff);
    expect(r.readBits(8)).toBe(0x80);
    expect(r.bitsLeft()).toBe(0);
  });

  it('reads Exp-Golomb ue(v) and se(v) as in H.264 Table 9-2 / 9-3', () => {
    // ue: 0 → 1, 1 → 010, 2 → 011, 3 → 00100, 7 → 0001000; se: 1 → 010, -1 → 011, 2 → 00100, -2 → 00101
    const r = new BitReader(fromBits('1 010 011 00100 0001000  010 011 00100 00101 1'));
    expect([r.readUE(), r.readUE(), r.readUE(), r.readUE(), r.readUE()]).toEqual([0, 1, 2, 3, 7]);
    expect([r.readSE(), r.readSE(), r.readSE(), r.readSE(), r.readSE()]).toEqual([1, -1, 2, -2, 0]);
  });

  it('reads the largest ue(v), 2^32 - 2, and rejects longer codes', () => {
    const max = new BitReader(fromBits(`${'0'.repeat(31)}1${'1'.repeat(31)}`));
    expect(max.readUE()).toBe(2 ** 32 - 2);
    expect(() => new BitReader(new Uint8Array(8)).readUE()).toThrow(CodecParseError);
  });

  it('throws CodecParseError on overrun and bad widths, leaving the position unchanged', () => {
    const r = new BitReader(Uint8Array.of(0xaa));
    expect(() => r.readBits(9)).toThrow(CodecParseError);
    expect(() => r.readBits(33)).toThrow(CodecParseError);
    expect(() => r.skipBits(9)).toThrow(CodecParseError);
    expect(() => r.skipBits(-1)).toThrow(CodecParseError);
    expect(r.readBits(8)).toBe(0xaa);
    expect(() => r.readBit()).toThrow(CodecParseError);
    expect(() => new BitReader(new Uint8Array(0)).readUE()).toThrow(CodecParseError);
  });
});

describe('removeEmulationPrevention', () => {
  it('returns the input itself when there is nothing to remove', () => {
    const nal = Uint8Array.of(0x67, 0, 0, 1, 0, 0, 2, 3);
    expect(removeEmulationPrevention(nal)).toBe(nal);
  });

  it('drops each 0x03 after two zeros, counting zeros afresh after it', () => {
    expect(removeEmulationPrevention(Uint8Array.of(1, 0, 0, 3, 0, 0, 3, 1, 0, 0, 3))).toEqual(Uint8Array.of(1, 0, 0, 0, 0, 1, 0, 0));
    expect(removeEmulationPrevention(Uint8Array.of(0, 0, 3, 3))).toEqual(Uint8Array.of(0, 0, 3));
    expect(removeEmulationPrevention(Uint8Array.of(0, 0, 0, 3, 2))).toEqual(Uint8Array.of(0, 0, 0, 2));
  });
});
