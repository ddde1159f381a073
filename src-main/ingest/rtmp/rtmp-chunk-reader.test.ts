import { describe, expect, it } from 'vitest';
import { RtmpChunkReader, defaultChunkReaderLimits, maxRtmpMessageBytes, type RtmpMessage } from './rtmp-chunk-reader.js';
import { IngestMemory } from '../ingest-limits.js';
import { RtmpChunkWriter } from './rtmp-chunk-writer.js';
import { RtmpProtocolError } from './rtmp-errors.js';

function collect() {
  const messages: RtmpMessage[] = [];
  const reader = new RtmpChunkReader((m) => messages.push({ ...m, payload: m.payload.slice() }));
  return { messages, reader };
}

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('RTMP chunk reader', () => {
  it('reassembles messages split over chunks and delivered one byte at a time', () => {
    const writer = new RtmpChunkWriter();
    const payload = bytes(1000);
    const wire = writer.message(6, 9, 1, 1234, payload);
    const { messages, reader } = collect();
    for (const b of wire) reader.push(Uint8Array.of(b));
    expect(messages).toEqual([{ typeId: 9, streamId: 1, timestamp: 1234, payload }]);
  });

  it('follows header types 1, 2 and 3 (deltas) and interleaved chunk streams', () => {
    // csid 4: type 0 at t=100 (2 bytes), type 2 delta 40 (2 bytes), type 3 (repeats delta 40)
    const wire = Uint8Array.from([
      0x04, 0, 0, 100, 0, 0, 2, 8, 1, 0, 0, 0, 0xaa, 0xbb,
      0x06, 0, 0, 7, 0, 0, 1, 9, 1, 0, 0, 0, 0x11, // csid 6 type 0 in between
      0x84, 0, 0, 40, 0xcc, 0xdd,
      0xc4, 0xee, 0xff,
      0x46, 0, 0, 5, 0, 0, 1, 9, 0x22, // csid 6 type 1: delta 5, new length
    ]);
    const { messages, reader } = collect();
    reader.push(wire);
    expect(messages.map((m) => [m.typeId, m.timestamp, [...m.payload]])).toEqual([
      [8, 100, [0xaa, 0xbb]],
      [9, 7, [0x11]],
      [8, 140, [0xcc, 0xdd]],
      [8, 180, [0xee, 0xff]],
      [9, 12, [0x22]],
    ]);
  });

  it('reads extended timestamps, also on continuation chunks, and 2- and 3-byte chunk stream ids', () => {
    const writer = new RtmpChunkWriter();
    writer.chunkSize = 128;
    const { messages, reader } = collect();
    reader.push(writer.message(100, 9, 1, 0x12345678, bytes(300, 2)));
    reader.push(Uint8Array.from([0x01, 0x10, 0x01, 0, 0, 9, 0, 0, 1, 8, 1, 0, 0, 0, 0x5a])); // csid 64 + 0x10 + 256
    expect(messages[0]).toMatchObject({ timestamp: 0x12345678, typeId: 9 });
    expect(messages[0]!.payload).toEqual(bytes(300, 2));
    expect(messages[1]).toMatchObject({ timestamp: 9, typeId: 8 });
  });

  it('honours Set Chunk Size and refuses absurd sizes and oversized messages', () => {
    const writer = new RtmpChunkWriter();
    writer.chunkSize = 5000;
    const { messages, reader } = collect();
    reader.setChunkSize(5000);
    reader.push(writer.message(6, 9, 1, 0, bytes(9000)));
    expect(messages[0]!.payload.length).toBe(9000);
    expect(() => reader.setChunkSize(0x7fffffff)).toThrow(RtmpProtocolError);
    expect(() => reader.setChunkSize(0)).toThrow(RtmpProtocolError);
    const huge = Uint8Array.from([0x06, 0, 0, 0, 0xff, 0xff, 0xff, 9, 1, 0, 0, 0]);
    const small = new RtmpChunkReader(() => undefined, { maxMessageBytes: 1 << 20, maxChunkSize: 1 << 20, maxChunkStreams: 4 });
    expect(() => small.push(huge)).toThrow(/larger than/);
  });

  it('refuses a chunk stream that starts without a full header', () => {
    const { reader } = collect();
    expect(() => reader.push(Uint8Array.from([0xc7, 0x00]))).toThrow(/starts with a type 3 header/);
  });

  it('only ever throws RtmpProtocolError on random bytes (fuzz)', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const writer = new RtmpChunkWriter();
    const good = new Uint8Array([...writer.message(3, 20, 0, 0, bytes(200)), ...writer.message(6, 9, 1, 33, bytes(700))]);
    const started = performance.now();
    for (let i = 0; i < 2000; i++) {
      const input = good.slice();
      for (let k = 0; k < 1 + Math.floor(rand() * 6); k++) input[Math.floor(rand() * input.length)] = Math.floor(rand() * 256);
      const reader = new RtmpChunkReader(() => undefined, { maxMessageBytes: 1 << 20, maxChunkSize: 1 << 16, maxChunkStreams: 8 });
      try {
        let offset = 0;
        while (offset < input.length) {
          const n = 1 + Math.floor(rand() * 300);
          reader.push(input.subarray(offset, offset + n));
          offset += n;
        }
      } catch (err) {
        expect(err).toBeInstanceOf(RtmpProtocolError);
      }
    }
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('RTMP chunk reader: memory the peer makes it hold', () => {
  const limited = (maxBufferBytes: number, maxTotalBufferBytes = 1 << 30, memory = new IngestMemory(() => ({ maxBufferBytes, maxTotalBufferBytes }))) => {
    const account = memory.open();
    const messages: RtmpMessage[] = [];
    const reader = new RtmpChunkReader((m) => messages.push(m), { ...defaultChunkReaderLimits, maxMessageBytes: maxRtmpMessageBytes, account });
    return { reader, account, messages, memory };
  };
  // A type 0 header on `csid` announcing `length` bytes of video, then its first `sent` bytes.
  const start = (csid: number, length: number, sent: number) =>
    Uint8Array.from([csid, 0, 0, 0, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff, 9, 1, 0, 0, 0, ...bytes(sent)]);

  it('counts an unfinished message at its announced length and gives it back when it completes or is aborted', () => {
    const { reader, account, messages } = limited(1 << 20);
    reader.push(start(4, 1000, 128));
    expect(account.held).toBe(1000);
    reader.abort(4);
    expect(account.held).toBe(0);
    const writer = new RtmpChunkWriter();
    reader.push(writer.message(5, 9, 1, 0, bytes(1000)));
    expect(messages).toHaveLength(1);
    expect(account.held).toBe(0);
  });

  it('counts the bytes of a chunk still on its way', () => {
    const { reader, account } = limited(1 << 20);
    reader.push(start(4, 1000, 100)); // first chunk (128 bytes) not complete yet
    expect(account.held).toBe(12 + 100);
    reader.push(bytes(28));
    expect(account.held).toBe(1000);
  });

  it('refuses the message that would pass the per-publisher limit, naming the setting', () => {
    const { reader } = limited(20_000);
    reader.push(start(4, 15_000, 128));
    expect(() => reader.push(start(5, 15_000, 128))).toThrow(/would take 30 KB, over the 20 KB per-publisher limit \(setting ingestMaxBufferMB/);
  });

  it('refuses what would pass the limit for all publishers, and a closed account gives everything back', () => {
    const memory = new IngestMemory(() => ({ maxBufferBytes: 1 << 20, maxTotalBufferBytes: 25_000 }));
    const first = limited(0, 0, memory);
    const second = limited(0, 0, memory);
    first.reader.push(start(4, 15_000, 128));
    expect(() => second.reader.push(start(4, 15_000, 128))).toThrow(/setting ingestMaxTotalBufferMB/);
    first.account.close();
    second.account.close();
    expect(memory.heldBytes).toBe(0);
    const third = limited(0, 0, memory);
    third.reader.push(start(4, 15_000, 128));
    expect(memory.heldBytes).toBe(15_000);
  });
});
