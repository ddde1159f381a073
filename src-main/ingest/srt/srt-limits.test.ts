// Hostile SRT callers against the listener on real UDP sockets: forged sequence jumps,
// latency requests past the limit, induction floods, connection floods and buffer floods.
import dgram from 'node:dgram';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../test-support/wait.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { defaultIngestLimits, IngestMemory, type IngestLimits } from '../ingest-limits.js';
import type { PublishGate } from '../publish-gate.js';
import { ControlType, controlPacket, parsePacket, type ControlPacket } from './srt-packet.js';
import { ExtensionType, HandshakeType, buildHandshake, encodeSrtString, parseHandshake, srtMagic, type Handshake } from './srt-handshake.js';
import { SrtServer } from './srt-server.js';
import { receiveWindowPackets } from './srt-receiver.js';

/** The parts of a publisher the listener sees: a gate that takes everyone, and a log we can read. */
function harness(limits: Partial<IngestLimits> = {}) {
  const lines: { level: number; msg: string }[] = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    }),
  );
  const ended: string[] = [];
  const gate: PublishGate = {
    requestPublish: () => ({
      ok: true,
      session: { setTracks: () => undefined, pushFrame: () => undefined, countError: () => undefined, end: (reason) => void ended.push(reason), active: true },
    }),
    reportRefused: () => undefined,
  };
  const all = { ...defaultIngestLimits, ...limits };
  const memory = new IngestMemory(() => all);
  const server = new SrtServer({ gate, log, limits: () => all, memory });
  return { server, lines, ended, memory };
}

/** A caller that speaks the HSv5 handshake (induction, conclusion) and then sends data packets. */
class TestCaller {
  readonly socket: dgram.Socket;
  readonly received: ControlPacket[] = [];
  readonly socketId = 1 + Math.floor(Math.random() * 0x7ffffff0);
  serverSocketId = 0;
  private waiters: { match: (p: ControlPacket) => boolean; resolve: (p: ControlPacket) => void }[] = [];

  private constructor(
    private readonly port: number,
    socket: dgram.Socket,
  ) {
    this.socket = socket;
    socket.on('message', (msg) => {
      const packet = parsePacket(msg);
      if (!packet?.control) return;
      this.received.push(packet);
      const index = this.waiters.findIndex((w) => w.match(packet));
      if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(packet);
    });
  }

  static async open(port: number, localAddress = '127.0.0.1'): Promise<TestCaller> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind({ address: localAddress, port: 0 }, () => resolve()));
    return new TestCaller(port, socket);
  }

  /** Induction, then conclusion; resolves with the listener's conclusion answer (or its rejection). */
  async connect(streamId: string, options: { initialSequence?: number; latencyMs?: number } = {}): Promise<Handshake> {
    const initialSequence = options.initialSequence ?? 1000;
    const latency = options.latencyMs ?? 120;
    const base = { version: 4, encryptionField: 0, extensionField: 2, initialSequence, mss: 1500, flowWindow: 8192, type: HandshakeType.Induction, socketId: this.socketId, cookie: 0, peerIp: new Uint8Array(16) };
    const induction = parseHandshake((await this.exchange(buildHandshake(base))).body);
    expect(induction.extensionField).toBe(srtMagic);
    const hsreq = new Uint8Array(12);
    new DataView(hsreq.buffer).setUint32(0, 0x010501);
    new DataView(hsreq.buffer).setUint32(4, 0x3f);
    new DataView(hsreq.buffer).setUint32(8, ((latency & 0xffff) << 16) | (latency & 0xffff));
    const conclusion = buildHandshake({ ...base, version: 5, extensionField: 1 | 4, type: HandshakeType.Conclusion, cookie: induction.cookie }, [
      { type: ExtensionType.HsReq, content: hsreq },
      { type: ExtensionType.StreamId, content: encodeSrtString(streamId) },
    ]);
    const answer = parseHandshake((await this.exchange(conclusion)).body);
    this.serverSocketId = answer.socketId;
    return answer;
  }

  data(sequence: number, payload = new Uint8Array(188).fill(0xff)): void {
    const out = new Uint8Array(16 + payload.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, sequence & 0x7fffffff);
    view.setUint32(4, 0xc0000000 | 1); // solo packet, in order, clear, message 1
    view.setUint32(12, this.serverSocketId);
    out.set(payload, 16);
    this.socket.send(out, this.port, '127.0.0.1');
  }

  naks(): number[][] {
    return this.received
      .filter((p) => p.type === ControlType.Nak)
      .map((p) => Array.from({ length: p.body.length / 4 }, (_, i) => new DataView(p.body.buffer, p.body.byteOffset).getUint32(i * 4)));
  }

  close(): void {
    this.socket.close();
  }

  private exchange(handshake: Uint8Array): Promise<ControlPacket> {
    const answer = new Promise<ControlPacket>((resolve) => this.waiters.push({ match: (p) => p.type === ControlType.Handshake, resolve }));
    this.socket.send(controlPacket(ControlType.Handshake, 0, 0, 0, handshake), this.port, '127.0.0.1');
    return answer;
  }
}

const hsrspLatency = (hs: Handshake) => {
  const ext = hs.extensions.find((e) => e.type === ExtensionType.HsRsp)!;
  return new DataView(ext.content.buffer, ext.content.byteOffset).getUint32(8) >>> 16;
};

describe('SRT listener under hostile callers', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });
  async function start(limits: Partial<IngestLimits> = {}) {
    const h = harness(limits);
    const { port } = await h.server.listen('127.0.0.1', 0);
    cleanup.push(() => h.server.close());
    const caller = async (localAddress?: string) => {
      const c = await TestCaller.open(port, localAddress);
      cleanup.push(() => c.close());
      return c;
    };
    return { ...h, port, caller };
  }

  it('keeps a forged jump to ISN+8191 as one loss entry, and ends the connection at ISN+8192', async () => {
    const { server, caller } = await start();
    const near = await caller();
    // A long latency, so the gap is still waiting for its repair when we look.
    await near.connect('publish:live/near', { initialSequence: 5000, latencyMs: 8000 });
    near.data(5000);
    near.data(5000 + receiveWindowPackets - 1);
    const state = await until('the jump to be taken', async () => (server.state().lossEntries > 0 ? server.state() : null));
    expect(state).toEqual({ connections: 1, lossEntries: 1, missingPackets: receiveWindowPackets - 2, bufferedPackets: 1 });
    // Asked for in one NAK entry: a range, not 8190 numbers.
    expect(await until('the NAK', async () => near.naks()[0])).toEqual([(5001 | 0x80000000) >>> 0, 5000 + receiveWindowPackets - 2]);

    const far = await caller();
    await far.connect('publish:live/far', { initialSequence: 7 });
    await until('two connections', async () => server.state().connections === 2);
    far.data(7 + receiveWindowPackets);
    await until('the forged connection to end', async () => server.state().connections === 1);
    expect(server.state().lossEntries).toBe(1); // the other caller's
  });

  it('ignores a forged packet at ISN+2^30 without keeping anything', async () => {
    const { server, caller } = await start();
    const c = await caller();
    await c.connect('publish:live/half', { initialSequence: 100 });
    c.data(100 + 2 ** 30);
    c.data(100); // a real packet after it is still delivered in order
    c.data(101);
    await until('the real packets', async () => c.received.some((p) => p.type === ControlType.Ack && new DataView(p.body.buffer, p.body.byteOffset).getUint32(0) === 102));
    expect(server.state()).toEqual({ connections: 1, lossEntries: 0, missingPackets: 0, bufferedPackets: 0 });
  });

  it('clamps a 60000 ms latency request to srtMaxLatencyMs, with one log line naming the setting', async () => {
    const { caller, lines } = await start({ srtMaxLatencyMs: 8000 });
    const answer = await (await caller()).connect('publish:live/slow', { latencyMs: 60_000 });
    expect(answer.type).toBe(HandshakeType.Conclusion);
    expect(hsrspLatency(answer)).toBe(8000);
    const warned = lines.filter((l) => l.level === 40 && l.msg.includes('setting srtMaxLatencyMs'));
    expect(warned).toHaveLength(1);
    expect(warned[0]!.msg).toMatch(/asked for 60000 ms latency; using 8000 ms/);
  });

  it('keeps no state for an induction flood of 10,000 packets from 50 ports, and still takes a real caller', async () => {
    const { server, caller, port } = await start();
    const flooders = await Promise.all(Array.from({ length: 50 }, () => caller()));
    const induction = (socketId: number) =>
      controlPacket(ControlType.Handshake, 0, 0, 0, buildHandshake({ version: 4, encryptionField: 0, extensionField: 2, initialSequence: 1, mss: 1500, flowWindow: 8192, type: HandshakeType.Induction, socketId, cookie: 0, peerIp: new Uint8Array(16) }));
    // A conclusion with a guessed cookie is not a connection either.
    const forgedConclusion = (socketId: number) =>
      controlPacket(ControlType.Handshake, 0, 0, 0, buildHandshake({ version: 5, encryptionField: 0, extensionField: 5, initialSequence: 1, mss: 1500, flowWindow: 8192, type: HandshakeType.Conclusion, socketId, cookie: socketId, peerIp: new Uint8Array(16) }));
    for (let round = 0; round < 200; round++) {
      for (const [i, f] of flooders.entries()) f.socket.send(round % 10 === 9 ? forgedConclusion(round * 50 + i + 1) : induction(round * 50 + i + 1), port, '127.0.0.1');
      if (round % 20 === 19) await new Promise((r) => setImmediate(r)); // let the listener read, as a real flood would be paced by the wire
    }
    const answered = await until('the inductions answered', async () => {
      const n = flooders.reduce((sum, f) => sum + f.received.length, 0);
      return n >= 8000 ? n : null;
    });
    expect(answered).toBeLessThanOrEqual(9000); // the forged conclusions got nothing
    expect(server.state().connections).toBe(0);
    const real = await caller();
    expect((await real.connect('publish:live/after-flood')).type).toBe(HandshakeType.Conclusion);
    expect(server.state().connections).toBe(1);
  });

  it('refuses callers past ingestMaxConnectionsPerAddress while another address still gets in', async () => {
    const { server, caller, lines } = await start({ maxConnectionsPerAddress: 3, maxConnections: 5 });
    for (let i = 0; i < 3; i++) expect((await (await caller()).connect(`publish:live/a${i}`)).type).toBe(HandshakeType.Conclusion);
    const refused = await (await caller()).connect('publish:live/a3');
    expect(refused.type).toBe(1000 + 1402);
    expect((await (await caller('127.0.0.2')).connect('publish:live/b0')).type).toBe(HandshakeType.Conclusion);
    expect((await (await caller('127.0.0.2')).connect('publish:live/b1')).type).toBe(HandshakeType.Conclusion);
    expect((await (await caller('127.0.0.3')).connect('publish:live/c0')).type).toBe(1000 + 1402);
    expect(server.state().connections).toBe(5);
    expect(lines.filter((l) => l.msg.includes('setting ingestMaxConnectionsPerAddress'))).toHaveLength(1);
    expect(lines.filter((l) => l.msg.includes('setting ingestMaxConnections;'))).toHaveLength(1);
  });

  it('ends a caller whose held packets pass ingestMaxBufferMB, and all callers at ingestMaxTotalBufferMB', async () => {
    const { server, caller, memory, lines } = await start({ maxBufferBytes: 64 * 1024, maxTotalBufferBytes: 100 * 1024 });
    const payload = new Uint8Array(1316);
    // Never the first packet: everything after it must be held for reordering.
    const greedy = await caller();
    await greedy.connect('publish:live/greedy', { initialSequence: 0, latencyMs: 8000 });
    for (let s = 1; s <= 60; s++) greedy.data(s, payload);
    await until('the greedy caller to be cut', async () => lines.some((l) => l.msg.includes('setting ingestMaxBufferMB')));
    await until('its connection gone', async () => server.state().connections === 0);
    expect(memory.heldBytes).toBe(0);

    const first = await caller();
    await first.connect('publish:live/first', { initialSequence: 0, latencyMs: 8000 });
    for (let s = 1; s <= 40; s++) first.data(s, payload); // ~54 KB held
    await until('the first caller to hold its packets', async () => server.state().bufferedPackets === 40);
    const second = await caller();
    await second.connect('publish:live/second', { initialSequence: 0, latencyMs: 8000 });
    for (let s = 1; s <= 40; s++) second.data(s, payload);
    await until('the second caller to be cut', async () => lines.some((l) => l.msg.includes('setting ingestMaxTotalBufferMB')));
    await until('only the first caller left', async () => server.state().connections === 1);
    expect(server.state().bufferedPackets).toBe(40);
  });
});

describe('SRT listener in the studio', () => {
  const studio = useStudio({ srtMaxLatencyMs: 2000 });

  it('takes srtMaxLatencyMs from the settings, and a change applies to the next caller', async () => {
    const caller = await TestCaller.open(studio().srtPort);
    try {
      expect(hsrspLatency(await caller.connect('publish:live/lat1', { latencyMs: 60_000 }))).toBe(2000);
      const put = await studio().api('/api/settings', { method: 'PUT', body: JSON.stringify({ srtMaxLatencyMs: 3000 }) });
      expect(put.status).toBe(200);
      const next = await TestCaller.open(studio().srtPort);
      try {
        expect(hsrspLatency(await next.connect('publish:live/lat2', { latencyMs: 60_000 }))).toBe(3000);
      } finally {
        next.close();
      }
    } finally {
      caller.close();
    }
  });
});
