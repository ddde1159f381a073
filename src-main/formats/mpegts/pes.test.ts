import { describe, expect, it } from 'vitest';
import { PesAssembler, parsePesHeader } from './pes.js';
import { pesPacket } from './testing/ts-writer.js';

function pes(streamId: number, payload: number[], pts?: number, dts?: number, bounded = true): Uint8Array {
  return pesPacket(streamId, Uint8Array.from(payload), { pts, dts, bounded });
}

describe('parsePesHeader', () => {
  it('reads 33-bit PTS and DTS and the payload offset', () => {
    const packet = pes(0xe0, [9, 9], 2 ** 33 - 1, 8589934000);
    expect(parsePesHeader(packet)).toEqual({ streamId: 0xe0, pts: 2 ** 33 - 1, dts: 8589934000, payloadOffset: 19, packetLength: 15 });
    expect(parsePesHeader(pes(0xc0, [1], 126000))).toMatchObject({ pts: 126000, dts: null, payloadOffset: 14 });
    expect(parsePesHeader(pes(0xc0, [1]))).toMatchObject({ pts: null, dts: null, payloadOffset: 9 });
  });

  it('explains what is wrong instead of throwing', () => {
    expect(parsePesHeader(Uint8Array.of(0, 0, 2, 0xe0, 0, 0, 0x80, 0, 0))).toMatch(/start_code/);
    expect(parsePesHeader(Uint8Array.of(0, 0, 1, 0xe0, 0, 0, 0x80, 0x80, 10))).toMatch(/runs past/);
    expect(parsePesHeader(Uint8Array.of(0, 0, 1, 0xe0, 0, 0, 0x80, 0x80, 2, 0, 0))).toMatch(/too short/);
    expect(parsePesHeader(Uint8Array.of(0, 0, 1))).toMatch(/no header/);
    expect(parsePesHeader(Uint8Array.of(0, 0, 1, 0xbe, 0, 0))).toMatchObject({ streamId: 0xbe, payloadOffset: 6 }); // padding
  });
});

describe('PesAssembler', () => {
  function collect(maxSize = 1 << 20) {
    const done: number[][] = [];
    const errors: string[] = [];
    let lost = 0;
    const assembler = new PesAssembler(maxSize, 16, (p) => done.push(Array.from(p)), (e) => errors.push(e), () => lost++);
    return { done, errors, assembler, lost: () => lost };
  }

  it('completes a bounded PES at its length and an unbounded one at the next unit start or flush', () => {
    const { done, errors, assembler } = collect();
    const bounded = pes(0xc0, [1, 2, 3, 4], 90000);
    assembler.push(bounded, 0, 10, true, 0);
    assembler.push(bounded, 10, bounded.length, false, 0);
    expect(done).toEqual([Array.from(bounded)]);
    const open = pes(0xe0, [5, 6, 7], 90000, undefined, false);
    assembler.push(open, 0, open.length, true, 0);
    expect(done).toHaveLength(1);
    assembler.push(open, 0, open.length, true, 0);
    expect(done[1]).toEqual(Array.from(open));
    assembler.flush();
    expect(done).toHaveLength(3);
    expect(errors).toEqual([]);
  });

  it('drops a damaged PES silently, a short one and an oversized one with an error', () => {
    const { done, errors, assembler, lost } = collect(40);
    const bounded = pes(0xc0, [1, 2, 3, 4], 90000);
    assembler.push(bounded, 0, 10, true, 0);
    assembler.markDamaged();
    assembler.push(bounded, 10, bounded.length, false, 0);
    assembler.push(bounded, 0, 10, true, 0); // ends short: the next unit start comes before its length
    const big = pes(0xe0, new Array<number>(50).fill(1), 90000, undefined, false);
    assembler.push(big, 0, big.length, true, 0);
    assembler.flush();
    expect(done).toEqual([]);
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatch(/larger than 40/);
    expect(lost()).toBe(3);
    assembler.markDamaged(); // between PES: one may have been lost whole
    expect(lost()).toBe(4);
  });
});
