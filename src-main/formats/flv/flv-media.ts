// FLV audio and video tag bodies (Adobe FLV spec E.4.2/E.4.3) as RTMP carries
// them, including Enhanced RTMP's extended video and audio headers (FourCC codecs).
import type { AudioCodec, VideoCodec } from '../../media/index.js';

/** The codec exists but the studio does not take it; the message names it. */
export class FlvUnsupportedError extends Error {}
/** The bytes are not a well-formed tag body. */
export class FlvFormatError extends Error {}

export type FlvVideoPacket =
  | { kind: 'config'; codec: VideoCodec; record: Uint8Array }
  /** `data`: NAL units with the configuration record's length size (OBUs for AV1). */
  | { kind: 'frame'; codec: VideoCodec; keyframe: boolean; compositionTime: number; data: Uint8Array }
  | { kind: 'end' }
  | { kind: 'skip'; why: string };

export type FlvAudioPacket =
  | { kind: 'config'; codec: AudioCodec; record: Uint8Array }
  | { kind: 'frame'; codec: AudioCodec; data: Uint8Array }
  | { kind: 'skip'; why: string };

const legacyVideoCodecs: Record<number, string> = {
  2: 'Sorenson H.263',
  3: 'Screen Video',
  4: 'On2 VP6',
  5: 'On2 VP6 with alpha',
  6: 'Screen Video 2',
  7: 'H.264',
  12: 'HEVC',
};

const legacyAudioCodecs: Record<number, string> = {
  0: 'PCM',
  1: 'ADPCM',
  2: 'MP3',
  3: 'PCM little-endian',
  4: 'Nellymoser 16 kHz',
  5: 'Nellymoser 8 kHz',
  6: 'Nellymoser',
  7: 'G.711 A-law',
  8: 'G.711 mu-law',
  10: 'AAC',
  11: 'Speex',
  14: 'MP3 8 kHz',
  15: 'device-specific sound',
};

const fourCc = (d: Uint8Array, o: number) => String.fromCharCode(d[o]!, d[o + 1]!, d[o + 2]!, d[o + 3]!);
const si24 = (d: Uint8Array, o: number) => ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8)) >> 8;

const videoFourCcs: Record<string, VideoCodec> = { avc1: 'h264', hvc1: 'hevc', av01: 'av1' };

function need(body: Uint8Array, n: number, what: string): void {
  if (body.length < n) throw new FlvFormatError(`${what} is ${body.length} bytes, shorter than its ${n}-byte header`);
}

export function parseFlvVideo(body: Uint8Array): FlvVideoPacket {
  need(body, 1, 'video tag');
  const b0 = body[0]!;
  // Enhanced RTMP: the top bit of the first byte says "extended header, FourCC codec".
  if (b0 & 0x80) {
    need(body, 5, 'extended video tag');
    const frameType = (b0 >> 4) & 0x07;
    const packetType = b0 & 0x0f;
    const tag = fourCc(body, 1);
    if (packetType === 6) throw new FlvUnsupportedError('Enhanced RTMP multitrack video is not supported; send one video track');
    if (packetType === 7) throw new FlvUnsupportedError('Enhanced RTMP ModEx video packets are not supported');
    const codec = videoFourCcs[tag];
    if (!codec) throw new FlvUnsupportedError(`video codec "${tag}" is not supported; use H.264, HEVC or AV1`);
    if (frameType === 5) return { kind: 'skip', why: 'video command frame' };
    switch (packetType) {
      case 0: // SequenceStart
        return { kind: 'config', codec, record: body.subarray(5) };
      case 1: {
        // CodedFrames: H.264 and HEVC carry a composition time offset, AV1 does not.
        if (codec === 'av1') return { kind: 'frame', codec, keyframe: frameType === 1, compositionTime: 0, data: body.subarray(5) };
        need(body, 8, 'extended video frame');
        return { kind: 'frame', codec, keyframe: frameType === 1, compositionTime: si24(body, 5), data: body.subarray(8) };
      }
      case 3: // CodedFramesX: composition time implied zero
        return { kind: 'frame', codec, keyframe: frameType === 1, compositionTime: 0, data: body.subarray(5) };
      case 2:
        return { kind: 'end' };
      case 4:
        return { kind: 'skip', why: 'video metadata (HDR) packet' };
      case 5:
        return { kind: 'skip', why: 'MPEG-2 TS sequence start' };
      default:
        throw new FlvFormatError(`unknown extended video packet type ${packetType}`);
    }
  }
  const frameType = b0 >> 4;
  const codecId = b0 & 0x0f;
  if (codecId !== 7 && codecId !== 12) {
    throw new FlvUnsupportedError(`video codec ${legacyVideoCodecs[codecId] ?? `#${codecId}`} is not supported; use H.264, HEVC or AV1`);
  }
  const codec: VideoCodec = codecId === 7 ? 'h264' : 'hevc';
  if (frameType === 5) return { kind: 'skip', why: 'video command frame' };
  need(body, 5, 'AVC video tag');
  const packetType = body[1]!;
  if (packetType === 0) return { kind: 'config', codec, record: body.subarray(5) };
  if (packetType === 2) return { kind: 'end' };
  if (packetType !== 1) throw new FlvFormatError(`unknown AVC packet type ${packetType}`);
  return { kind: 'frame', codec, keyframe: frameType === 1, compositionTime: si24(body, 2), data: body.subarray(5) };
}

export function parseFlvAudio(body: Uint8Array): FlvAudioPacket {
  need(body, 1, 'audio tag');
  const format = body[0]! >> 4;
  if (format === 9) {
    // Enhanced RTMP audio: packet type in the low nibble, then a FourCC.
    need(body, 5, 'extended audio tag');
    const packetType = body[0]! & 0x0f;
    const tag = fourCc(body, 1);
    if (tag !== 'mp4a') throw new FlvUnsupportedError(`audio codec "${tag}" is not supported; use AAC`);
    if (packetType === 0) return { kind: 'config', codec: 'aac', record: body.subarray(5) };
    if (packetType === 1) return { kind: 'frame', codec: 'aac', data: body.subarray(5) };
    if (packetType === 2) return { kind: 'skip', why: 'audio sequence end' };
    throw new FlvUnsupportedError(`Enhanced RTMP audio packet type ${packetType} is not supported`);
  }
  if (format !== 10) throw new FlvUnsupportedError(`audio codec ${legacyAudioCodecs[format] ?? `#${format}`} is not supported; use AAC`);
  need(body, 2, 'AAC audio tag');
  const packetType = body[1]!;
  if (packetType === 0) return { kind: 'config', codec: 'aac', record: body.subarray(2) };
  if (packetType === 1) return { kind: 'frame', codec: 'aac', data: body.subarray(2) };
  throw new FlvFormatError(`unknown AAC packet type ${packetType}`);
}
