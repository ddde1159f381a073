// AMF0 (Adobe Action Message Format 0), as RTMP commands and metadata use it.
// Decoding is bounded in depth and size: every byte comes from an untrusted peer.

export type AmfValue = number | boolean | string | null | undefined | Date | AmfObject | AmfValue[];
export interface AmfObject {
  [key: string]: AmfValue;
}

export class AmfError extends Error {}

const enum Marker {
  Number = 0x00,
  Boolean = 0x01,
  String = 0x02,
  Object = 0x03,
  Null = 0x05,
  Undefined = 0x06,
  Reference = 0x07,
  EcmaArray = 0x08,
  ObjectEnd = 0x09,
  StrictArray = 0x0a,
  Date = 0x0b,
  LongString = 0x0c,
  Unsupported = 0x0d,
  XmlDocument = 0x0f,
  TypedObject = 0x10,
  AvmPlus = 0x11,
}

const maxDepth = 16;
const maxEntries = 4096;
const utf8 = new TextDecoder('utf-8', { fatal: false });

class Reader {
  offset = 0;
  entries = 0;
  constructor(private readonly data: Uint8Array) {}

  need(n: number): void {
    if (this.offset + n > this.data.length) throw new AmfError(`AMF0 value runs past the end (needs ${n} bytes at ${this.offset} of ${this.data.length})`);
  }
  u8(): number {
    this.need(1);
    return this.data[this.offset++]!;
  }
  u16(): number {
    this.need(2);
    const v = (this.data[this.offset]! << 8) | this.data[this.offset + 1]!;
    this.offset += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const d = this.data;
    const o = this.offset;
    this.offset += 4;
    return ((d[o]! << 24) >>> 0) + (d[o + 1]! << 16) + (d[o + 2]! << 8) + d[o + 3]!;
  }
  f64(): number {
    this.need(8);
    const v = new DataView(this.data.buffer, this.data.byteOffset + this.offset, 8).getFloat64(0);
    this.offset += 8;
    return v;
  }
  text(length: number): string {
    this.need(length);
    const s = utf8.decode(this.data.subarray(this.offset, this.offset + length));
    this.offset += length;
    return s;
  }
  count(): void {
    if (++this.entries > maxEntries) throw new AmfError('AMF0 value has too many entries');
  }
  get done(): boolean {
    return this.offset >= this.data.length;
  }
}

function readProperties(r: Reader, depth: number, into: AmfObject): AmfObject {
  for (;;) {
    const keyLength = r.u16();
    if (keyLength === 0) {
      // Object end: an empty key followed by the 0x09 marker.
      if (r.u8() !== Marker.ObjectEnd) throw new AmfError('AMF0 object has an empty key without the end marker');
      return into;
    }
    const key = r.text(keyLength);
    r.count();
    // __proto__ must not reach object internals.
    Object.defineProperty(into, key, { value: readValue(r, depth + 1), enumerable: true, writable: true, configurable: true });
  }
}

function readValue(r: Reader, depth: number): AmfValue {
  if (depth > maxDepth) throw new AmfError('AMF0 value nests too deeply');
  const marker = r.u8();
  switch (marker) {
    case Marker.Number:
      return r.f64();
    case Marker.Boolean:
      return r.u8() !== 0;
    case Marker.String:
      return r.text(r.u16());
    case Marker.LongString:
      return r.text(r.u32());
    case Marker.XmlDocument:
      return r.text(r.u32());
    case Marker.Object:
      return readProperties(r, depth, {});
    case Marker.TypedObject:
      r.text(r.u16()); // class name: not needed
      return readProperties(r, depth, {});
    case Marker.EcmaArray:
      r.u32(); // advisory count; the list still ends with the object-end marker
      return readProperties(r, depth, {});
    case Marker.StrictArray: {
      const n = r.u32();
      if (n > maxEntries) throw new AmfError('AMF0 array is too long');
      const out: AmfValue[] = [];
      for (let i = 0; i < n; i++) {
        r.count();
        out.push(readValue(r, depth + 1));
      }
      return out;
    }
    case Marker.Date: {
      const ms = r.f64();
      r.u16(); // time zone, unused by the format's own rules
      return new Date(ms);
    }
    case Marker.Null:
      return null;
    case Marker.Undefined:
    case Marker.Unsupported:
      return undefined;
    case Marker.Reference:
      throw new AmfError('AMF0 references are not supported');
    case Marker.AvmPlus:
      throw new AmfError('AMF3 values are not supported');
    default:
      throw new AmfError(`unknown AMF0 marker 0x${marker.toString(16)}`);
  }
}

/** Every value in the buffer, in order (an RTMP command is a sequence of them). */
export function decodeAmf0(data: Uint8Array): AmfValue[] {
  const r = new Reader(data);
  const values: AmfValue[] = [];
  while (!r.done) values.push(readValue(r, 0));
  return values;
}

class Writer {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;
  private ensure(n: number) {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number) {
    this.ensure(1);
    this.buf[this.length++] = v;
  }
  u16(v: number) {
    this.ensure(2);
    this.view.setUint16(this.length, v);
    this.length += 2;
  }
  u32(v: number) {
    this.ensure(4);
    this.view.setUint32(this.length, v);
    this.length += 4;
  }
  f64(v: number) {
    this.ensure(8);
    this.view.setFloat64(this.length, v);
    this.length += 8;
  }
  bytes(b: Uint8Array) {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const encoder = new TextEncoder();

function writeKeyString(w: Writer, s: string) {
  const b = encoder.encode(s);
  w.u16(b.length);
  w.bytes(b);
}

function writeValue(w: Writer, v: AmfValue): void {
  if (v === null) return w.u8(Marker.Null);
  if (v === undefined) return w.u8(Marker.Undefined);
  if (typeof v === 'number') {
    w.u8(Marker.Number);
    return w.f64(v);
  }
  if (typeof v === 'boolean') {
    w.u8(Marker.Boolean);
    return w.u8(v ? 1 : 0);
  }
  if (typeof v === 'string') {
    const b = encoder.encode(v);
    if (b.length > 0xffff) {
      w.u8(Marker.LongString);
      w.u32(b.length);
    } else {
      w.u8(Marker.String);
      w.u16(b.length);
    }
    return w.bytes(b);
  }
  if (v instanceof Date) {
    w.u8(Marker.Date);
    w.f64(v.getTime());
    return w.u16(0);
  }
  if (Array.isArray(v)) {
    w.u8(Marker.StrictArray);
    w.u32(v.length);
    for (const item of v) writeValue(w, item);
    return;
  }
  w.u8(Marker.Object);
  for (const [key, value] of Object.entries(v)) {
    writeKeyString(w, key);
    writeValue(w, value);
  }
  w.u16(0);
  w.u8(Marker.ObjectEnd);
}

export function encodeAmf0(...values: AmfValue[]): Uint8Array {
  const w = new Writer();
  for (const v of values) writeValue(w, v);
  return w.result();
}
