import { describe, expect, it } from 'vitest';
import type { AudioTrack } from '../../media/frame.js';
import { buildProgressiveHeader, sampleEntryBox, type Mp4TrackInput } from './progressive-mp4.js';

const audio: AudioTrack = { kind: 'audio', id: 0, codec: 'aac', timescale: 48_000, config: Uint8Array.of(0x11, 0x90), sampleRate: 48_000, channels: 2, profile: 'LC' };

/** Top-level and nested box types with their sizes, walking the containers this writer makes. */
function boxes(bytes: Uint8Array, from = 0, to = bytes.length, depth = 0, out: string[] = []): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const containers = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf']);
  for (let at = from; at < to; ) {
    let size = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    let header = 8;
    if (size === 1) {
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    }
    out.push(`${'  '.repeat(depth)}${type}`);
    if (type === 'mdat') return out;
    if (containers.has(type)) boxes(bytes, at + header, at + size, depth + 1, out);
    at += size;
  }
  return out;
}

function track(samples: number, size: number): Mp4TrackInput {
  return {
    track: audio,
    sampleEntry: sampleEntryBox(audio),
    count: samples,
    durations: new Uint32Array(samples).fill(1024),
    sizes: new Uint32Array(samples).fill(size),
    compositionOffsets: null,
    sync: null,
    chunks: [
      { count: samples / 2, payloadOffset: 0 },
      { count: samples / 2, payloadOffset: (samples / 2) * size },
    ],
    edits: [{ duration: 1000, mediaTime: 0 }],
  };
}

describe('progressive MP4 header', () => {
  it('uses stco and a 32-bit mdat while the file stays under 4 GiB', () => {
    const header = buildProgressiveHeader([track(1000, 300)], 1000);
    expect(boxes(header.bytes).map((b) => b.trim())).toEqual(expect.arrayContaining(['ftyp', 'moov', 'edts', 'elst', 'stsd', 'stts', 'stsc', 'stsz', 'stco', 'mdat']));
    const view = new DataView(header.bytes.buffer);
    expect(view.getUint32(header.bytes.length - 8)).toBe(8 + 300_000);
    expect(header.payloadBytes).toBe(300_000);
  });

  it('switches to co64 and a 64-bit mdat size beyond 4 GiB, with chunk offsets past 2^32', () => {
    const samples = 2000;
    const size = 3_000_000; // 6 GB of payload
    const header = buildProgressiveHeader([track(samples, size)], 1000);
    const list = boxes(header.bytes);
    expect(list.filter((b) => b.trim() === 'co64')).toHaveLength(1);
    expect(list.map((b) => b.trim())).not.toContain('stco');
    const bytes = header.bytes;
    const view = new DataView(bytes.buffer);
    const mdat = bytes.length - 16;
    expect([view.getUint32(mdat), String.fromCharCode(...bytes.subarray(mdat + 4, mdat + 8))]).toEqual([1, 'mdat']);
    expect(Number(view.getBigUint64(mdat + 8))).toBe(16 + samples * size);
    // The second chunk starts 3 GB into the payload: its 64-bit offset is the header plus that.
    const co64 = Buffer.from(bytes).indexOf('co64');
    expect(view.getUint32(co64 + 8)).toBe(2);
    expect(Number(view.getBigUint64(co64 + 12 + 8))).toBe(bytes.length + (samples / 2) * size);
  });
});
