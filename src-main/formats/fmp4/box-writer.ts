// A big-endian writer over one preallocated buffer, with a measuring mode: box
// builders run once to count bytes and once to write them, so every size comes
// from the same code that writes the box and nothing is concatenated.

import { fourCC } from './four-cc.js';

const TWO_POW_32 = 0x1_0000_0000;

export class BoxWriter {
  private at = 0;
  private readonly view: DataView | null;

  private constructor(private readonly out: Uint8Array | null) {
    this.view = out ? new DataView(out.buffer, out.byteOffset, out.byteLength) : null;
  }

  /** Counts the bytes builders would write, writing none. */
  static measuring(): BoxWriter {
    return new BoxWriter(null);
  }

  /** Writes into `out` from its start; `out` must be exactly as large as a measuring pass said. */
  static into(out: Uint8Array): BoxWriter {
    return new BoxWriter(out);
  }

  /** Bytes written (or counted) so far: where the next field goes. */
  get offset(): number {
    return this.at;
  }

  u8(value: number): void {
    this.view?.setUint8(this.at, value);
    this.at += 1;
  }

  u16(value: number): void {
    this.view?.setUint16(this.at, value);
    this.at += 2;
  }

  i16(value: number): void {
    this.view?.setInt16(this.at, value);
    this.at += 2;
  }

  u24(value: number): void {
    if (this.view) {
      this.view.setUint8(this.at, value >>> 16);
      this.view.setUint16(this.at + 1, value & 0xffff);
    }
    this.at += 3;
  }

  u32(value: number): void {
    this.view?.setUint32(this.at, value);
    this.at += 4;
  }

  i32(value: number): void {
    this.view?.setInt32(this.at, value);
    this.at += 4;
  }

  /** A non-negative safe integer as 64 bits (JS numbers carry 53 of them). */
  u64(value: number): void {
    if (this.view) {
      this.view.setUint32(this.at, Math.floor(value / TWO_POW_32));
      this.view.setUint32(this.at + 4, value % TWO_POW_32);
    }
    this.at += 8;
  }

  fourCC(code: string): void {
    this.u32(fourCC(code));
  }

  bytes(data: Uint8Array): void {
    this.out?.set(data, this.at);
    this.at += data.length;
  }

  zeros(count: number): void {
    this.out?.fill(0, this.at, this.at + count);
    this.at += count;
  }

  /** Box() (ISO/IEC 14496-12 4.2): a 32-bit size covering header and body, then the type; the size is filled in once the body is written. */
  box(type: string, body: () => void): void {
    const start = this.at;
    this.u32(0); // size, patched below
    this.fourCC(type);
    body();
    this.view?.setUint32(start, this.at - start);
  }

  /** FullBox() (14496-12 4.2): a Box whose body starts with version (8 bits) and flags (24 bits). */
  fullBox(type: string, version: number, flags: number, body: () => void): void {
    this.box(type, () => {
      this.u8(version);
      this.u24(flags);
      body();
    });
  }
}

/** Runs `build` to measure, allocates exactly that, runs it again to write. For small, cold output (the init segment). */
export function writeBoxes(build: (w: BoxWriter) => void): Uint8Array {
  const measure = BoxWriter.measuring();
  build(measure);
  const out = new Uint8Array(measure.offset);
  const w = BoxWriter.into(out);
  build(w);
  if (w.offset !== out.length) throw new Error(`box builders wrote ${w.offset} bytes after measuring ${out.length}`);
  return out;
}
