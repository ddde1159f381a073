import { CodecParseError } from './codec-error.js';

/**
 * MSB-first bit reader over an RBSP (emulation prevention already removed), with the
 * Exp-Golomb codes of ITU-T H.264 / H.265 clause 9.2 (ue(v), se(v)).
 */
export class BitReader {
  private readonly data: Uint8Array;
  /** Position in bits from the start of data. */
  private pos = 0;

  constructor(data: Uint8Array) {
    this.data = data;
  }

  bitsLeft(): number {
    return this.data.length * 8 - this.pos;
  }

  /** u(n) for n in 0..32; the result is unsigned even for n = 32. */
  readBits(n: number): number {
    if (!Number.isInteger(n) || n < 0 || n > 32) throw new CodecParseError(`readBits(${n}): n must be 0..32`);
    if (n > this.bitsLeft()) throw new CodecParseError(`read of ${n} bits past the end (${this.bitsLeft()} left)`);
    let value = 0;
    let remaining = n;
    while (remaining > 0) {
      const byte = this.data[this.pos >> 3]!;
      const available = 8 - (this.pos & 7);
      const take = Math.min(available, remaining);
      const bits = (byte >> (available - take)) & ((1 << take) - 1);
      // Multiply instead of shifting: bitwise ops are 32-bit signed in JS.
      value = value * (1 << take) + bits;
      remaining -= take;
      this.pos += take;
    }
    return value;
  }

  readBit(): number {
    if (this.pos >= this.data.length * 8) throw new CodecParseError('read of 1 bit past the end');
    const bit = (this.data[this.pos >> 3]! >> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return bit;
  }

  readBool(): boolean {
    return this.readBit() === 1;
  }

  skipBits(n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new CodecParseError(`skipBits(${n}): n must be a non-negative integer`);
    if (n > this.bitsLeft()) throw new CodecParseError(`skip of ${n} bits past the end (${this.bitsLeft()} left)`);
    this.pos += n;
  }

  /** ue(v): leadingZeroBits zeros, a 1, then leadingZeroBits bits. Values fit in 32 bits (9.2: at most 2^32 - 2). */
  readUE(): number {
    let leadingZeros = 0;
    while (this.readBit() === 0) {
      leadingZeros++;
      if (leadingZeros > 31) throw new CodecParseError('Exp-Golomb code longer than 32 bits');
    }
    return 2 ** leadingZeros - 1 + this.readBits(leadingZeros);
  }

  /** se(v): ue(v) k mapped to (-1)^(k+1) * Ceil(k / 2) (9.2.2). */
  readSE(): number {
    const k = this.readUE();
    return k % 2 === 1 ? (k + 1) / 2 : -k / 2 || 0; // `|| 0`: k = 0 is 0, not -0
  }
}

/**
 * NAL unit payload to RBSP: drops each emulation_prevention_three_byte (a 0x03 after two
 * zero bytes, H.264 7.3.1 / H.265 7.3.1.1). Returns the input itself when there is none,
 * so the common case costs a scan and no copy.
 */
export function removeEmulationPrevention(nal: Uint8Array): Uint8Array {
  const first = findEmulationPrevention(nal, 0);
  if (first < 0) return nal;
  const out = new Uint8Array(nal.length - 1);
  let written = 0;
  let from = 0;
  let at = first;
  while (at >= 0) {
    out.set(nal.subarray(from, at), written);
    written += at - from;
    from = at + 1;
    at = findEmulationPrevention(nal, from);
  }
  out.set(nal.subarray(from), written);
  written += nal.length - from;
  return out.subarray(0, written);
}

/** Index of the next 0x03 that follows 0x00 0x00 (the zeros counted from `from`), or -1. */
function findEmulationPrevention(nal: Uint8Array, from: number): number {
  let zeros = 0;
  for (let i = from; i < nal.length; i++) {
    const byte = nal[i]!;
    if (byte === 0x03 && zeros >= 2) return i;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return -1;
}
