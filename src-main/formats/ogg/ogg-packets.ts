// Ogg (RFC 3533) read as it streams in: the packets of one logical stream, whole however
// pages and reads cut them. A packet is its segments up to the first one shorter than 255
// bytes, and may continue on the next page. (werift's Ogg parser hands out segments, which
// breaks every packet longer than 255 bytes, an Opus frame above ~100 kbit/s.)

const CAPTURE = 0x4f676753; // "OggS"
const HEADER_BYTES = 27;
/** Largest page: header, 255 lacing values, 255 × 255 bytes. */
const MAX_PAGE_BYTES = HEADER_BYTES + 255 + 255 * 255;
/** A packet spanning pages beyond this is not an audio frame. */
const MAX_PACKET_BYTES = 1 << 20;

export class OggParseError extends Error {}

export interface OggPacket {
  data: Buffer;
  /** The page's granule position (for Opus: 48 kHz samples at the end of the page's last packet). */
  granule: bigint;
}

export class OggPacketReader {
  private buffered: Buffer = Buffer.alloc(0);
  private partial: Buffer[] = [];
  private partialBytes = 0;

  /** The packets completed by this chunk. Throws OggParseError when the bytes are not Ogg. */
  push(chunk: Buffer): OggPacket[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const packets: OggPacket[] = [];
    let at = 0;
    while (this.buffered.length - at >= HEADER_BYTES) {
      if (this.buffered.readUInt32BE(at) !== CAPTURE) throw new OggParseError(`no Ogg page at byte ${at} of the buffered input`);
      const segments = this.buffered[at + 26]!;
      if (this.buffered.length - at < HEADER_BYTES + segments) break;
      const table = this.buffered.subarray(at + HEADER_BYTES, at + HEADER_BYTES + segments);
      const bodyBytes = table.reduce((sum, n) => sum + n, 0);
      const pageBytes = HEADER_BYTES + segments + bodyBytes;
      if (this.buffered.length - at < pageBytes) break;
      const granule = this.buffered.readBigInt64LE(at + 6);
      let body = at + HEADER_BYTES + segments;
      for (const lacing of table) {
        this.partial.push(this.buffered.subarray(body, body + lacing));
        this.partialBytes += lacing;
        body += lacing;
        if (this.partialBytes > MAX_PACKET_BYTES) throw new OggParseError(`an Ogg packet longer than ${MAX_PACKET_BYTES} bytes`);
        if (lacing < 255) {
          packets.push({ data: Buffer.concat(this.partial), granule });
          this.partial = [];
          this.partialBytes = 0;
        }
      }
      at += pageBytes;
    }
    // Keep the unread tail only (a copy, so the chunks it came from can be freed).
    this.buffered = Buffer.from(this.buffered.subarray(at));
    if (this.buffered.length > MAX_PAGE_BYTES) throw new OggParseError('an Ogg page longer than the format allows');
    return packets;
  }
}
