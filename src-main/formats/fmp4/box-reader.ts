// Bounds-checked reading of boxes and their fields: every read past the box it
// belongs to is an Fmp4ParseError, never a RangeError from the DataView.
import { Fmp4ParseError } from './errors.js';
import { fourCCName as typeName } from './four-cc.js';

export interface BoxHeader {
  /** The four-character code as a u32 (compare with fourCC('moof')). */
  type: number;
  /** Offset of the box's first byte (its size field). */
  start: number;
  /** Offset of the first byte after the header (size, type, and largesize when present). */
  bodyStart: number;
  /** Offset just past the box. */
  end: number;
}

const TWO_POW_32 = 0x1_0000_0000;

/** The Box() header at `at` (14496-12 4.2), which must end by `limit`: its parent's end, or the data's. */
export function readBoxHeader(view: DataView, at: number, limit: number): BoxHeader {
  if (limit - at < 8) throw new Fmp4ParseError(`${limit - at} bytes at offset ${at} are too few for a box header`);
  const size32 = view.getUint32(at);
  const type = view.getUint32(at + 4);
  let size = size32;
  let bodyStart = at + 8;
  if (size32 === 1) {
    // largesize: a 64-bit size follows the type
    if (limit - at < 16) throw new Fmp4ParseError(`'${typeName(type)}' box at offset ${at} ends inside its 64-bit size`);
    const high = view.getUint32(at + 8);
    if (high >= 0x20_0000) throw new Fmp4ParseError(`'${typeName(type)}' box at offset ${at} claims more than 2^53 bytes`);
    size = high * TWO_POW_32 + view.getUint32(at + 12);
    bodyStart = at + 16;
  } else if (size32 === 0) {
    size = limit - at; // the box extends to the end of its container (14496-12 4.2)
  }
  if (size < bodyStart - at) throw new Fmp4ParseError(`'${typeName(type)}' box at offset ${at} has a size of ${size}, smaller than its header`);
  if (size > limit - at) throw new Fmp4ParseError(`'${typeName(type)}' box at offset ${at} of ${size} bytes runs past the end (${limit - at} bytes left): truncated`);
  return { type, start: at, bodyStart, end: at + size };
}

/** Every child box of `parent`, in order; the children must tile the parent's body exactly. */
export function readChildren(view: DataView, parent: BoxHeader, bodyStart = parent.bodyStart): BoxHeader[] {
  const children: BoxHeader[] = [];
  for (let at = bodyStart; at < parent.end; ) {
    const child = readBoxHeader(view, at, parent.end);
    children.push(child);
    at = child.end;
  }
  return children;
}

/** Sequential big-endian fields of one box body, bounded by the box's end. */
export class FieldReader {
  private at: number;

  constructor(
    private readonly view: DataView,
    private readonly box: BoxHeader,
  ) {
    this.at = box.bodyStart;
  }

  get remaining(): number {
    return this.box.end - this.at;
  }

  /** Where the next field starts, for hot loops that read the rest straight from the view. */
  get offset(): number {
    return this.at;
  }

  private take(bytes: number): number {
    if (this.box.end - this.at < bytes) throw new Fmp4ParseError(`'${typeName(this.box.type)}' box at offset ${this.box.start} ends inside its fields`);
    const at = this.at;
    this.at += bytes;
    return at;
  }

  u8(): number {
    return this.view.getUint8(this.take(1));
  }

  u32(): number {
    return this.view.getUint32(this.take(4));
  }

  i32(): number {
    return this.view.getInt32(this.take(4));
  }

  /** A 64-bit unsigned field, which must be a safe integer to be of use here. */
  u64(): number {
    const at = this.take(8);
    const high = this.view.getUint32(at);
    if (high >= 0x20_0000) throw new Fmp4ParseError(`'${typeName(this.box.type)}' box at offset ${this.box.start} holds a 64-bit value beyond 2^53`);
    return high * TWO_POW_32 + this.view.getUint32(at + 4);
  }

  /** FullBox version (8 bits) and flags (24 bits). */
  versionAndFlags(): { version: number; flags: number } {
    const word = this.u32();
    return { version: word >>> 24, flags: word & 0xff_ffff };
  }

  skip(bytes: number): void {
    this.take(bytes);
  }
}
