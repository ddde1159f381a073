/** Below this many bytes a plain loop beats creating a view for TypedArray#set (TS payloads are at most 184). */
const LOOP_COPY_MAX = 192;

/**
 * A reusable, growing byte buffer with a hard cap: the demuxer's one way of collecting
 * bytes from untrusted input, so no stream can make it hold more than it allows.
 */
export class ByteBuffer {
  private bytes: Uint8Array;
  private used = 0;

  constructor(
    private readonly maxSize: number,
    initialSize: number,
  ) {
    this.bytes = new Uint8Array(Math.max(1, Math.min(initialSize, maxSize)));
  }

  get length(): number {
    return this.used;
  }

  /** Byte `index` of what was appended (for header fields). */
  at(index: number): number {
    return this.bytes[index]!;
  }

  /** Appends data[start, end); false, with nothing appended, when that would pass the cap. */
  append(data: Uint8Array, start = 0, end = data.length): boolean {
    const count = end - start;
    if (this.used + count > this.bytes.length && !this.grow(this.used + count)) return false;
    if (count <= LOOP_COPY_MAX) {
      const bytes = this.bytes;
      const at = this.used;
      for (let i = 0; i < count; i++) bytes[at + i] = data[start + i]!;
    } else {
      this.bytes.set(data.subarray(start, end), this.used);
    }
    this.used += count;
    return true;
  }

  /** What was appended, as a view: valid until the next append or clear. */
  view(end = this.used): Uint8Array {
    return this.bytes.subarray(0, Math.min(end, this.used));
  }

  clear(): void {
    this.used = 0;
  }

  private grow(needed: number): boolean {
    if (needed > this.maxSize) return false;
    let size = this.bytes.length;
    while (size < needed) size *= 2;
    const bigger = new Uint8Array(Math.min(size, this.maxSize));
    bigger.set(this.bytes.subarray(0, this.used));
    this.bytes = bigger;
    return true;
  }
}
