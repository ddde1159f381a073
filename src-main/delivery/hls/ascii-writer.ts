/**
 * Text straight into bytes, for playlists of tens of thousands of lines: no intermediate
 * strings, so a day of archive costs no garbage collection and no final encoding pass.
 * Playlists are ASCII (URIs are percent-encoded), so one character is one byte.
 */
export class AsciiWriter {
  private buf: Buffer;
  private at = 0;

  constructor(estimate: number) {
    this.buf = Buffer.allocUnsafe(Math.max(256, estimate));
  }

  text(s: string): this {
    this.reserve(s.length);
    if (s.length > 32) {
      this.at += this.buf.write(s, this.at, 'latin1');
      return this;
    }
    // Short pieces by hand: a call into Buffer.write costs more than copying them.
    for (let i = 0; i < s.length; i++) this.buf[this.at++] = s.charCodeAt(i);
    return this;
  }

  /** Bytes made once (constant pieces of every line). */
  bytes(b: Uint8Array): this {
    this.reserve(b.length);
    for (let i = 0; i < b.length; i++) this.buf[this.at++] = b[i]!;
    return this;
  }

  /** A non-negative integer in decimal. */
  int(n: number): this {
    let digits = 1;
    for (let v = n; v >= 10; v = Math.floor(v / 10)) digits++;
    return this.padded(n, digits);
  }

  /** A non-negative integer below 10^width, zero-padded to width digits. */
  padded(n: number, width: number): this {
    this.reserve(width);
    for (let i = width - 1; i >= 0; i--) {
      this.buf[this.at + i] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    this.at += width;
    return this;
  }

  /** Leaves `n` bytes to be filled in later (through the buffer done() returns). */
  skip(n: number): this {
    this.reserve(n);
    this.at += n;
    return this;
  }

  byte(b: number): this {
    this.reserve(1);
    this.buf[this.at++] = b;
    return this;
  }

  /** The bytes written (a view: the writer is done with them). */
  done(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  private reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }
}
