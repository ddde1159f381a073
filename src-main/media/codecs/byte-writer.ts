/** Big-endian writer into a buffer sized up front by the caller (the records we build are small and exactly computable). */
export class ByteWriter {
  readonly bytes: Uint8Array;
  private at = 0;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }

  get length(): number {
    return this.at;
  }

  u8(value: number): void {
    this.bytes[this.at++] = value & 0xff;
  }

  u16(value: number): void {
    this.u8(value >>> 8);
    this.u8(value);
  }

  u32(value: number): void {
    this.u16(Math.floor(value / 0x10000));
    this.u16(value);
  }

  write(data: Uint8Array): void {
    this.bytes.set(data, this.at);
    this.at += data.length;
  }
}
