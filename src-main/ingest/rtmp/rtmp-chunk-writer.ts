/**
 * Builds outgoing RTMP chunks. The studio only sends small control and command
 * messages, so each message becomes one buffer: a type 0 header, then type 3
 * continuation headers every `chunkSize` bytes.
 */
export class RtmpChunkWriter {
  chunkSize = 128;

  message(chunkStreamId: number, typeId: number, streamId: number, timestamp: number, payload: Uint8Array): Uint8Array {
    const chunks = Math.max(1, Math.ceil(payload.length / this.chunkSize));
    const extended = timestamp >= 0xffffff;
    const basic = chunkStreamId < 64 ? 1 : 2;
    const first = basic + 11 + (extended ? 4 : 0);
    const next = basic + (extended ? 4 : 0);
    const out = new Uint8Array(first + (chunks - 1) * next + payload.length);
    const view = new DataView(out.buffer);
    let o = 0;
    const writeBasic = (fmt: number) => {
      if (basic === 1) out[o++] = (fmt << 6) | chunkStreamId;
      else {
        out[o++] = fmt << 6;
        out[o++] = chunkStreamId - 64;
      }
    };
    writeBasic(0);
    const t = extended ? 0xffffff : timestamp;
    out[o++] = (t >> 16) & 0xff;
    out[o++] = (t >> 8) & 0xff;
    out[o++] = t & 0xff;
    out[o++] = (payload.length >> 16) & 0xff;
    out[o++] = (payload.length >> 8) & 0xff;
    out[o++] = payload.length & 0xff;
    out[o++] = typeId;
    view.setUint32(o, streamId, true);
    o += 4;
    if (extended) {
      view.setUint32(o, timestamp >>> 0);
      o += 4;
    }
    let offset = 0;
    do {
      if (offset > 0) {
        writeBasic(3);
        if (extended) {
          view.setUint32(o, timestamp >>> 0);
          o += 4;
        }
      }
      const piece = payload.subarray(offset, offset + this.chunkSize);
      out.set(piece, o);
      o += piece.length;
      offset += this.chunkSize;
    } while (offset < payload.length);
    return out;
  }
}
