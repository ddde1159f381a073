import { describe, expect, it } from 'vitest';
import { SrtReceiver, receiveWindowPackets } from './srt-receiver.js';
import { IngestMemory } from '../ingest-limits.js';
import { ControlType, parsePacket, type ControlPacket, type DataPacket } from './srt-packet.js';
import { decodeSrtString, encodeSrtString, parseStreamId } from './srt-handshake.js';

const data = (sequence: number, byte = sequence & 0xff): DataPacket => ({
  control: false,
  sequence,
  keyFlags: 0,
  retransmitted: false,
  timestamp: 0,
  destinationSocket: 1,
  payload: Uint8Array.of(byte),
});

function receiver(initialSequence = 100, latencyMs = 120, memory?: IngestMemory) {
  const delivered: number[] = [];
  const sent: ControlPacket[] = [];
  const closed: string[] = [];
  const r = new SrtReceiver({
    ourSocketId: 1,
    peerSocketId: 2,
    initialSequence,
    latencyMs,
    account: memory?.open(),
    now: 0, // the tests' clock starts at 0, whatever performance.now() is
    send: (d) => sent.push(parsePacket(d) as ControlPacket),
    deliver: (p) => delivered.push(p[0]!),
    closed: (reason) => closed.push(reason),
  });
  return { r, delivered, sent, closed };
}

const naks = (sent: ControlPacket[]) =>
  sent.filter((p) => p.type === ControlType.Nak).map((p) => {
    const v = new DataView(p.body.buffer, p.body.byteOffset, p.body.byteLength);
    return Array.from({ length: p.body.length / 4 }, (_, i) => v.getUint32(i * 4));
  });

describe('SRT receiver', () => {
  it('delivers in order, asks for a gap at once, and fills it when the retransmission comes', () => {
    const { r, delivered, sent } = receiver(100);
    r.receive(data(100), 0);
    r.receive(data(103), 1);
    r.receive(data(104), 2);
    expect(delivered).toEqual([100]);
    expect(naks(sent)).toEqual([[(101 | 0x80000000) >>> 0, 102]]);
    r.receive({ ...data(101), retransmitted: true }, 30);
    expect(delivered).toEqual([100, 101]);
    r.receive({ ...data(102), retransmitted: true }, 31);
    expect(delivered).toEqual([100, 101, 102, 103, 104]);
    r.receive(data(101), 32); // duplicate: ignored
    expect(delivered).toHaveLength(5);
  });

  it('acknowledges the next expected sequence and asks again for what is still missing', () => {
    const { r, sent } = receiver(7, 1000);
    r.receive(data(7), 0);
    r.receive(data(9), 1);
    r.tick(20);
    const ack = sent.find((p) => p.type === ControlType.Ack)!;
    expect(new DataView(ack.body.buffer, ack.body.byteOffset).getUint32(0)).toBe(8);
    const before = naks(sent).length;
    // Asked again once an RTT (100 ms until measured) plus 4 variances (50 ms) has passed.
    r.tick(200);
    expect(naks(sent).length).toBe(before);
    r.tick(400);
    expect(naks(sent).length).toBe(before + 1);
    expect(naks(sent).at(-1)).toEqual([8]);
  });

  it('gives a gap up once it outlives the latency (too-late drop) and carries on', () => {
    const { r, delivered } = receiver(0, 120);
    r.receive(data(0), 0);
    r.receive(data(2), 1);
    r.receive(data(3), 2);
    r.tick(100);
    expect(delivered).toEqual([0]);
    r.tick(130);
    expect(delivered).toEqual([0, 2, 3]);
    expect(r.stats.dropped).toBe(1);
  });

  it('handles sequence numbers wrapping at 2^31', () => {
    const { r, delivered } = receiver(0x7ffffffe);
    for (const s of [0x7ffffffe, 0x7fffffff, 0, 1]) r.receive(data(s, s & 0xff), 0);
    expect(delivered).toEqual([0xfe, 0xff, 0, 1]);
  });

  it('closes on peer silence, on shutdown, and on encrypted payloads', () => {
    const silent = receiver();
    silent.r.tick(6000);
    expect(silent.closed).toEqual(['no data for 5 s']);
    const encrypted = receiver();
    encrypted.r.receive({ ...data(100), keyFlags: 1 }, 0);
    expect(encrypted.closed[0]).toMatch(/encrypted SRT is not supported/);
  });
});

describe('SRT receiver: what a peer can make it keep', () => {
  it('keeps a jump of thousands of packets as one loss range and asks for it in one NAK entry', () => {
    const { r, sent, closed } = receiver(100);
    r.receive(data(100), 0);
    r.receive(data(100 + receiveWindowPackets - 1), 1);
    expect(closed).toEqual([]);
    expect(r.held).toEqual({ lossEntries: 1, missingPackets: receiveWindowPackets - 2, bufferedPackets: 1 });
    expect(naks(sent)).toEqual([[(101 | 0x80000000) >>> 0, 100 + receiveWindowPackets - 2]]);
  });

  it('closes on a packet at or beyond the receive window (ISN+8192, ISN+2^30 is behind and ignored)', () => {
    const far = receiver(100);
    far.r.receive(data(100 + receiveWindowPackets), 0);
    expect(far.closed[0]).toMatch(/jumped 8192 packets ahead, beyond the 8192-packet receive window/);
    expect(far.r.held).toEqual({ lossEntries: 0, missingPackets: 0, bufferedPackets: 0 });
    const half = receiver(100);
    half.r.receive(data(100 + 2 ** 30), 0);
    expect(half.r.held).toEqual({ lossEntries: 0, missingPackets: 0, bufferedPackets: 0 });
  });

  it('splits a range as retransmissions fill it, and drops only what outlived the latency', () => {
    const { r, delivered } = receiver(0, 100);
    r.receive(data(0), 0);
    r.receive(data(10), 1); // 1..9 missing
    r.receive({ ...data(5), retransmitted: true }, 2);
    expect(r.held).toMatchObject({ lossEntries: 2, missingPackets: 8, bufferedPackets: 2 });
    r.receive(data(1), 3);
    expect(delivered).toEqual([0, 1]);
    r.tick(50);
    expect(delivered).toEqual([0, 1]);
    r.tick(110); // 2..4 given up: 5 comes out; 6..9 given up too (same age): 10
    expect(delivered).toEqual([0, 1, 5, 10]);
    expect(r.stats.dropped).toBe(7);
    expect(r.held).toEqual({ lossEntries: 0, missingPackets: 0, bufferedPackets: 0 });
  });

  it('counts held packets in the buffer account and ends the connection at the limit', () => {
    const memory = new IngestMemory(() => ({ maxBufferBytes: 10 * 1024, maxTotalBufferBytes: 1 << 20 }));
    const { r, closed } = receiver(0, 1000, memory);
    const big = (s: number): DataPacket => ({ ...data(s), payload: new Uint8Array(1316) });
    for (let s = 1; s <= 7; s++) r.receive(big(s), s);
    expect(memory.heldBytes).toBe(7 * (1316 + 64));
    expect(closed).toEqual([]);
    r.receive(big(8), 8);
    expect(closed[0]).toMatch(/would take 11 KB, over the 10 KB per-publisher limit \(setting ingestMaxBufferMB/);
    expect(memory.heldBytes).toBe(0);
  });

  it('gives its memory back as packets are delivered', () => {
    const memory = new IngestMemory(() => ({ maxBufferBytes: 1 << 20, maxTotalBufferBytes: 1 << 20 }));
    const { r } = receiver(0, 1000, memory);
    r.receive(data(1), 0);
    r.receive(data(2), 0);
    expect(memory.heldBytes).toBeGreaterThan(0);
    r.receive(data(0), 1);
    expect(memory.heldBytes).toBe(0);
  });
});

describe('SRT handshake strings', () => {
  it('encodes stream ids as libsrt does (bytes reversed per 32-bit word)', () => {
    const encoded = encodeSrtString('publish:live/cam1');
    expect(encoded.length).toBe(20);
    expect([...encoded.subarray(0, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('lbup');
    expect(decodeSrtString(encoded)).toBe('publish:live/cam1');
  });

  it('reads the stream id forms publishers use', () => {
    expect(parseStreamId('publish:live/cam1')).toEqual({ name: 'live/cam1', mode: 'publish', password: null });
    expect(parseStreamId('publish:live/cam1?password=s3')).toEqual({ name: 'live/cam1', mode: 'publish', password: 's3' });
    expect(parseStreamId('#!::r=live/cam2,m=publish,s=pw')).toEqual({ name: 'live/cam2', mode: 'publish', password: 'pw' });
    expect(parseStreamId('#!::r=live/cam2')).toMatchObject({ mode: 'request' });
    expect(parseStreamId('read:live/cam1')).toMatchObject({ mode: 'request' });
    expect(parseStreamId('live/cam3')).toMatchObject({ name: 'live/cam3', mode: 'publish' });
  });
});
