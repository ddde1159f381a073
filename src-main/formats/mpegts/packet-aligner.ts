import { PACKET_SIZE, SYNC_BYTE } from './ts-packet.js';

/** Bytes needed to confirm sync: a sync byte and two more 188 bytes apart. */
const CONFIRM_WINDOW = 2 * PACKET_SIZE + 1;
/** Holds a partial packet, or a resync window plus the chunk bytes that complete it. */
const CARRY_CAPACITY = 4 * PACKET_SIZE;

/**
 * Cuts a byte stream that arrives in arbitrary pieces into 188-byte packets. Packets
 * inside a chunk are handed out in place (the chunk and an offset: no copy, no view);
 * only a packet split across chunks goes through a small fixed carry buffer. Sync is
 * taken where three sync bytes stand 188 apart, and re-taken the same way when a packet
 * does not start with 0x47.
 */
export class PacketAligner {
  private readonly carry = new Uint8Array(CARRY_CAPACITY);
  private carryLength = 0;
  private synced = false;
  /** Bytes thrown away since sync was last held. */
  private skipped = 0;

  constructor(
    /** A whole packet at data[offset, offset + 188); valid during the call only. */
    private readonly onPacket: (data: Uint8Array, offset: number) => void,
    /** Sync (re)gained after throwing away `skipped` bytes. */
    private readonly onResync: (skipped: number) => void,
    /** Input ended with `partial` bytes that make no whole packet. */
    private readonly onTruncated: (partial: number) => void,
  ) {}

  push(chunk: Uint8Array): void {
    let input = chunk;
    // Finish what the last chunk left over, taking only as much as needed so that the
    // rest of this chunk can be read in place.
    while (this.carryLength > 0 && input.length > 0) {
      const want = this.synced ? PACKET_SIZE - this.carryLength : CARRY_CAPACITY - this.carryLength;
      const take = Math.min(want, input.length);
      this.carry.set(input.subarray(0, take), this.carryLength);
      this.carryLength += take;
      input = input.subarray(take);
      this.keepUnconsumed(this.consume(this.carry, this.carryLength, false));
    }
    if (input.length > 0) {
      const used = this.consume(input, input.length, false);
      this.carry.set(input.subarray(used));
      this.carryLength = input.length - used;
    }
  }

  /** End of input: the last bytes may confirm sync with fewer than three packets. */
  end(): void {
    this.keepUnconsumed(this.consume(this.carry, this.carryLength, true));
    const partial = this.carryLength;
    if (this.skipped + partial > 0) {
      if (this.synced) this.onTruncated(partial);
      else this.onResync(this.skipped + partial);
    }
    this.carryLength = 0;
    this.skipped = 0;
  }

  private keepUnconsumed(used: number): void {
    this.carry.copyWithin(0, used, this.carryLength);
    this.carryLength -= used;
  }

  /** Hands out the packets in data[0, length); returns how many bytes were used up (handed out or skipped). */
  private consume(data: Uint8Array, length: number, atEnd: boolean): number {
    let at = 0;
    for (;;) {
      if (this.synced) {
        while (at + PACKET_SIZE <= length && data[at] === SYNC_BYTE) {
          this.onPacket(data, at);
          at += PACKET_SIZE;
        }
        if (at + PACKET_SIZE > length) return at;
        this.synced = false; // a whole packet that does not start with 0x47
      }
      while (at + (atEnd ? PACKET_SIZE : CONFIRM_WINDOW) <= length && !confirmsSync(data, at, length)) {
        at++;
        this.skipped++;
      }
      if (at + (atEnd ? PACKET_SIZE : CONFIRM_WINDOW) > length) return at;
      this.synced = true;
      if (this.skipped > 0) {
        const skipped = this.skipped;
        this.skipped = 0;
        this.onResync(skipped);
      }
    }
  }
}

/** A sync byte at `at` and at each following packet start that lies within the data (up to two). */
function confirmsSync(data: Uint8Array, at: number, length: number): boolean {
  if (data[at] !== SYNC_BYTE) return false;
  for (let next = at + PACKET_SIZE; next < length && next <= at + 2 * PACKET_SIZE; next += PACKET_SIZE) {
    if (data[next] !== SYNC_BYTE) return false;
  }
  return true;
}
