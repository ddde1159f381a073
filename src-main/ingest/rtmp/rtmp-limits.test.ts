// Hostile RTMP clients against a real studio: partial-message floods, connection floods,
// handshakes that never finish and publishers that stall. Each limit must end only the
// offending connection, with one log line naming the setting, while the studio answers.
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStudio, type TestStudio } from '../../test-support/studio-instance.js';
import { RtmpTestClient } from '../../test-support/rtmp-client.js';
import { until } from '../../test-support/wait.js';
import { encodeAmf0 } from '../../formats/amf/amf0.js';
import { RtmpChunkWriter } from './rtmp-chunk-writer.js';

const MB = 1024 * 1024;

/** Log lines of the studio (its JSON log file) that contain `text`. */
async function logLines(studio: TestStudio, text: string): Promise<string[]> {
  const dir = path.join(studio.dir, 'logs');
  const files = await fs.readdir(dir).catch(() => [] as string[]);
  const lines: string[] = [];
  for (const file of files) lines.push(...(await fs.readFile(path.join(dir, file), 'utf8')).split('\n').filter((l) => l.includes(text)));
  return lines;
}

/** Polls /api/health every 100 ms until stopped; gives the slowest answer (ms), or Infinity if one failed. */
function watchHealth(studio: TestStudio): { stop(): Promise<number> } {
  let running = true;
  let slowest = 0;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const ok = await fetch(new URL('/api/health', studio.urls.http), { signal: AbortSignal.timeout(5000) })
        .then((r) => r.ok)
        .catch(() => false);
      slowest = Math.max(slowest, ok ? performance.now() - started : Infinity);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return slowest;
    },
  };
}

/** Opens a TCP connection from `localAddress` and tries the RTMP handshake: did the studio answer S0+S1+S2? */
async function tryHandshake(port: number, localAddress = '127.0.0.1'): Promise<{ admitted: boolean; socket: net.Socket }> {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  socket.on('error', () => undefined);
  let received = 0;
  const admitted = await new Promise<boolean>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= 1 + 2 * 1536) resolve(true);
    });
    socket.once('close', () => resolve(false));
    socket.once('connect', () => socket.write(Buffer.concat([Buffer.of(3), Buffer.alloc(1536)])));
  });
  return { admitted, socket };
}

const closedBy = (socket: net.Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

describe('RTMP: partial messages cannot make the studio hold unbounded memory', () => {
  const studio = useStudio({ ingestMaxBufferMB: 24, ingestMaxTotalBufferMB: 64, ingestHandshakeSeconds: 60 });

  // Messages of 7 MB (under the old fixed 8 MB message cap) announced on several chunk
  // streams, each sent up to 6.5 MB (104 whole chunks of 64 KB) and left unfinished.
  const chunkSize = 65_536;
  const chunksSent = 104;
  const writer = new RtmpChunkWriter();
  writer.chunkSize = chunkSize;
  const setChunkSize = writer.message(2, 1, 0, 0, Uint8Array.of(0, 1, 0, 0));
  // Built once: the attack must not be what fills this process's memory.
  const partials: Uint8Array[] = [];
  const partial = (index: number) =>
    (partials[index] ??= writer.message(4 + index, 9, 1, 0, new Uint8Array(7 * MB)).slice(0, 12 + chunksSent * chunkSize + (chunksSent - 1)));
  const wireBytes = (messages: number) => setChunkSize.length + messages * partial(0).length;

  async function attacker(messages: number): Promise<RtmpTestClient> {
    const client = await RtmpTestClient.open(studio().rtmpPort);
    await client.connect('live');
    client.raw(setChunkSize);
    for (let i = 0; i < messages; i++) client.raw(partial(i));
    return client;
  }

  const refusedFor = (setting: string) => studio().events.filter((e) => e.type === 'publish_refused' && e.data.reason.includes(`setting ${setting}`)).length;

  it('cuts one publisher at ingestMaxBufferMB and all together at ingestMaxTotalBufferMB, while /api/health answers', async () => {
    for (let i = 0; i < 4; i++) partial(i);
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
    const health = watchHealth(studio());
    try {
      // One publisher, four unfinished 7 MB messages: the fourth passes 24 MB.
      const greedy = await attacker(4);
      await greedy.closed;
      expect(refusedFor('ingestMaxBufferMB')).toBe(1);

      // Twenty publishers, three each (21 MB, under the per-publisher limit): at most three fit in 64 MB.
      const clients = await Promise.all(Array.from({ length: 20 }, () => attacker(3)));
      const sentAll = (c: RtmpTestClient) => c.socket.bytesWritten >= wireBytes(3) && c.socket.writableLength === 0;
      await until('every attacker to be cut or to have sent everything', async () => clients.every((c) => c.socket.destroyed || sentAll(c)), 20_000);
      const open = () => clients.filter((c) => !c.socket.destroyed).length;
      await until('each connection past the total limit to be cut', async () => refusedFor('ingestMaxTotalBufferMB') === 20 - open());
      // How many survive depends on how the 20 interleave (each reserves its announced 7 MB on the
      // first chunk), possibly none; never more than fit under the total limit.
      expect(open()).toBeLessThanOrEqual(3);
      // Over 390 MB was sent; what the studio holds stays near the 64 MB limit.
      clearInterval(sampler);
      expect(rssPeak - rssBefore).toBeLessThan(200 * MB);
      for (const c of clients) c.close();
    } finally {
      clearInterval(sampler);
      const slowest = await health.stop();
      expect(slowest).toBeLessThan(1000);
    }
    // One warn line per cut connection, naming the limit and the setting to raise.
    const cut = refusedFor('ingestMaxTotalBufferMB');
    expect(cut).toBeGreaterThanOrEqual(17);
    const lines = await until('the log lines', async () => {
      const l = await logLines(studio(), 'setting ingestMaxTotalBufferMB');
      return l.length >= cut ? l : null;
    });
    expect(lines).toHaveLength(cut);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, protocol: 'rtmp', msg: expect.stringMatching(/^publish refused: all publishers' unfinished data would take 7\d(\.\d)? MB, over the 64 MB limit/) });
    expect(await logLines(studio(), 'setting ingestMaxBufferMB')).toHaveLength(1);
  }, 30_000);
});

describe('RTMP: connections per address and in total are capped', () => {
  const studio = useStudio({ ingestMaxConnectionsPerAddress: 5, ingestMaxConnections: 8, ingestHandshakeSeconds: 60 });

  it('refuses a flood from one address while another address still gets in, and follows a settings change', async () => {
    const port = studio().rtmpPort;
    const held: net.Socket[] = [];
    const health = watchHealth(studio());
    try {
      for (let i = 0; i < 5; i++) {
        const { admitted, socket } = await tryHandshake(port);
        expect(admitted).toBe(true);
        held.push(socket);
      }
      // 200 more from 127.0.0.1: every one refused at accept.
      const flood = await Promise.all(Array.from({ length: 200 }, () => tryHandshake(port)));
      expect(flood.filter((f) => f.admitted)).toHaveLength(0);
      // Another loopback address is a different peer.
      for (let i = 0; i < 3; i++) {
        const other = await tryHandshake(port, '127.0.0.2');
        expect(other.admitted).toBe(true);
        held.push(other.socket);
      }
      // Eight open: the total cap refuses a third address.
      expect((await tryHandshake(port, '127.0.0.3')).admitted).toBe(false);
      // A connection that ends gives its slot back.
      held.shift()!.destroy();
      held.push(
        await until('the slot to come back', async () => {
          const again = await tryHandshake(port);
          return again.admitted ? again.socket : null;
        }),
      );
      // A settings change applies to the next connection, with no restart.
      const put = await studio().api('/api/settings', { method: 'PUT', body: JSON.stringify({ ingestMaxConnections: 20, ingestMaxConnectionsPerAddress: 7 }) });
      expect(put.status).toBe(200);
      const more = await tryHandshake(port, '127.0.0.2');
      expect(more.admitted).toBe(true);
      held.push(more.socket);
    } finally {
      for (const s of held) s.destroy();
      expect(await health.stop()).toBeLessThan(1000);
    }
    // A flood is a few log lines, not 200: the first refusal, then a count.
    const perAddress = await until('the per-address log line', async () => {
      const l = await logLines(studio(), 'setting ingestMaxConnectionsPerAddress');
      return l.length > 0 ? l : null;
    });
    expect(perAddress.length).toBeLessThanOrEqual(2);
    expect(JSON.parse(perAddress[0]!)).toMatchObject({ level: 40, msg: expect.stringMatching(/^rtmp: refusing a connection from 127\.0\.0\.1: 5 RTMP connections from 127\.0\.0\.1 are open/) });
    expect(await until('the total log line', async () => (await logLines(studio(), 'setting ingestMaxConnections;')).length > 0)).toBe(true);
  });
});

describe('RTMP: handshake and idle deadlines', () => {
  const studio = useStudio({ ingestHandshakeSeconds: 1, ingestIdleSeconds: 2 });

  it('cuts a handshake that never completes after ingestHandshakeSeconds', async () => {
    const socket = net.connect({ port: studio().rtmpPort, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    socket.resume(); // read S0+S1+S2 and the FIN, so 'close' can come
    await new Promise((r) => socket.once('connect', r));
    const started = Date.now();
    socket.write(Buffer.concat([Buffer.of(3), Buffer.alloc(1536)])); // C0+C1, never C2
    await closedBy(socket);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(1900); // before the 2 s idle cut
    expect(studio().events.some((e) => e.type === 'publish_refused' && /^no publish within 1 s of connecting \(setting ingestHandshakeSeconds/.test(e.data.reason))).toBe(true);
  });

  it('cuts a client that keeps talking but never publishes', async () => {
    const client = await RtmpTestClient.open(studio().rtmpPort);
    await client.connect('live');
    const started = Date.now();
    // Acknowledgements every 200 ms: never idle, never publishing.
    const chatter = setInterval(() => client.raw(new RtmpChunkWriter().message(2, 3, 0, 0, Uint8Array.of(0, 0, 0, 1))), 200);
    try {
      await client.closed;
    } finally {
      clearInterval(chatter);
    }
    expect(Date.now() - started).toBeLessThan(1900);
    expect(studio().events.filter((e) => e.type === 'publish_refused' && /setting ingestHandshakeSeconds/.test(e.data.reason))).toHaveLength(1);
  });

  it('cuts a publisher that stalls in the middle of a message after ingestIdleSeconds', async () => {
    const client = await RtmpTestClient.open(studio().rtmpPort);
    await client.connect('live');
    expect(await client.publish('stall')).toMatchObject({ code: 'NetStream.Publish.Start' });
    client.media(18, 0, encodeAmf0('@setDataFrame', 'onMetaData', { width: 640, height: 360 }));
    // Half of a video message: the header promises more bytes than ever come. The client never hangs up.
    client.raw(Uint8Array.from([0x06, 0, 0, 0, 0, 0x10, 0, 9, 1, 0, 0, 0, 0x17, 1, 0, 0]));
    const started = Date.now();
    const endedByServer = new Promise<boolean>((resolve) => client.socket.once('end', () => resolve(true)).once('close', () => resolve(false)));
    await client.closed;
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(5000);
    expect(await endedByServer).toBe(true);
    const lost = studio().events.find((e) => e.type === 'source_lost' && e.data.name === 'live/stall');
    expect(lost?.type === 'source_lost' && lost.data.reason).toMatch(/^no data for 2 s \(setting ingestIdleSeconds/);
  });
});
