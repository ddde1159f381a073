export interface FlvTag {
  /** 8 audio, 9 video, 18 script data */
  type: number;
  timestamp: number;
  body: Uint8Array;
}

/** The tags of an FLV file (E.3): enough to replay a recording into an RTMP server. */
export function readFlvTags(file: Uint8Array): FlvTag[] {
  if (file[0] !== 0x46 || file[1] !== 0x4c || file[2] !== 0x56) throw new Error('not an FLV file');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let offset = view.getUint32(5) + 4; // header, then PreviousTagSize0
  const tags: FlvTag[] = [];
  while (offset + 11 <= file.length) {
    const type = file[offset]! & 0x1f;
    const size = (file[offset + 1]! << 16) | (file[offset + 2]! << 8) | file[offset + 3]!;
    const timestamp = ((file[offset + 7]! << 24) | (file[offset + 4]! << 16) | (file[offset + 5]! << 8) | file[offset + 6]!) >>> 0;
    if (offset + 11 + size > file.length) break;
    tags.push({ type, timestamp, body: file.subarray(offset + 11, offset + 11 + size) });
    offset += 11 + size + 4;
  }
  return tags;
}
