/**
 * Bytes received from a socket, kept as the chunks they arrived in: parsers peek
 * at small headers across chunk edges and copy payloads out once, with no
 * concatenation of the whole backlog.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // read offset inside chunks[0]
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The byte at `index` from the read position (caller checks `length`). */
  peek(index: number): number {
    let i = index + this.head;
    for (const chunk of this.chunks) {
      if (i < chunk.length) return chunk[i]!;
      i -= chunk.length;
    }
    throw new RangeError('ByteQueue.peek past the end');
  }

  /** Big-endian unsigned integer of `bytes` (1..4) at `index`. */
  peekUint(index: number, bytes: number): number {
    let v = 0;
    for (let k = 0; k < bytes; k++) v = v * 256 + this.peek(index + k);
    return v;
  }

  skip(n: number): void {
    this.consume(n, null, 0);
  }

  /** Moves `n` bytes into `target` at `offset`. */
  read(target: Uint8Array, offset: number, n: number): void {
    this.consume(n, target, offset);
  }

  /**
   * Takes `n` bytes as one Uint8Array: a view into the received chunk when it holds
   * them all (no copy), else a new array.
   */
  take(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first && first.length - this.head >= n) {
      const view = first.subarray(this.head, this.head + n);
      this.consume(n, null, 0);
      return view;
    }
    const out = new Uint8Array(n);
    this.consume(n, out, 0);
    return out;
  }

  private consume(n: number, target: Uint8Array | null, offset: number): void {
    if (n > this.length) throw new RangeError('ByteQueue.consume past the end');
    this.length -= n;
    while (n > 0) {
      const chunk = this.chunks[0]!;
      const available = chunk.length - this.head;
      const count = Math.min(available, n);
      if (target) target.set(chunk.subarray(this.head, this.head + count), offset);
      offset += count;
      n -= count;
      if (count === available) {
        this.chunks.shift();
        this.head = 0;
      } else {
        this.head += count;
      }
    }
  }
}
