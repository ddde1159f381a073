import { describe, expect, it } from 'vitest';
import { BoxWriter, writeBoxes } from './box-writer.js';
import { fromHex, hex } from './testing/boxes.js';

describe('BoxWriter', () => {
  it('writes big-endian fields and patches each box size once its body is written', () => {
    const bytes = writeBoxes((w) => {
      w.box('abcd', () => {
        w.u8(0x01);
        w.u16(0x0203);
        w.i16(-2);
        w.u24(0x040506);
        w.u32(0xfffffffe);
        w.i32(-3);
        w.u64(2 ** 40 + 5);
        w.fullBox('full', 1, 0x000f01, () => w.bytes(Uint8Array.of(9, 9)));
        w.zeros(2);
      });
    });
    expect(hex(bytes)).toBe(
      hex(
        fromHex(`
          00000030 61626364
          01 0203 fffe 040506 fffffffe fffffffd 0000010000000005
          0000000e 66756c6c 01000f01 0909
          0000`),
      ),
    );
  });

  it('counts without writing when measuring, and the count is the size the writing pass fills', () => {
    const measure = BoxWriter.measuring();
    measure.box('moov', () => measure.u64(1));
    expect(measure.offset).toBe(16);
    const out = new Uint8Array(16);
    const w = BoxWriter.into(out);
    w.box('moov', () => w.u64(1));
    expect(w.offset).toBe(16);
    expect(hex(out)).toBe('000000106d6f6f760000000000000001');
  });

  it('refuses builders that write something else than they measured', () => {
    let calls = 0;
    expect(() => writeBoxes((w) => w.zeros(++calls))).toThrow(/wrote 2 bytes after measuring 1/);
  });
});
