// Hostile HTTP clients against the real studio on loopback: headers trickled a byte a
// second (slowloris), bodies trickled the same way next to a real MPEG-TS publisher whose
// body never ends, and more connections than one address (or everyone) may hold.
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { deltaMb, health, watchHealth } from '../delivery/testing/hostile-clients.js';
import { startFfmpeg, testSourceArgs } from '../test-support/ffmpeg-tools.js';
import { useStudio } from '../test-support/studio-instance.js';
import { until } from '../test-support/wait.js';

interface Trickled {
  /** From connect to the server closing the socket; Infinity when the test gave up first. */
  ms: number;
  sent: number;
  answer: string;
}

/** Opens a connection that sends `text` one byte a second (or nothing at all), until the server closes it. */
function trickle(base: URL, text: string, giveUpMs: number): Promise<Trickled> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: base.hostname, port: Number(base.port) });
    let opened = 0;
    let sent = 0;
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve({ ms: Infinity, sent, answer });
    }, giveUpMs);
    socket.on('connect', () => {
      opened = performance.now();
      if (text === '') return;
      const next = () => {
        if (sent < text.length && !socket.destroyed) socket.write(text[sent++]!);
      };
      next();
      timer = setInterval(next, 1000);
    });
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ ms: performance.now() - opened, sent, answer });
    });
  });
}

describe('slow clients', () => {
  const studio = useStudio({ httpHeadersTimeoutSeconds: 2 });

  it('cuts 50 connections trickling headers (and 10 silent ones) within the 2 s headers timeout; health answers within 1 s meanwhile', async () => {
    const base = new URL(studio().urls.http);
    const rssBefore = process.memoryUsage().rss;
    const watch = await watchHealth(base);
    const headers = `GET /api/health HTTP/1.1\r\nHost: ${base.host}\r\nUser-Agent: ${'slow'.repeat(20)}\r\n\r\n`;
    const attacks = [...Array.from({ length: 50 }, () => trickle(base, headers, 10_000)), ...Array.from({ length: 10 }, () => trickle(base, '', 10_000))];
    const results = await Promise.all(attacks);
    const seen = await watch.stop();
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    const slowest = Math.max(...results.map((r) => r.ms));
    console.log(`slowloris: 60 connections cut after ${Math.round(Math.min(...results.map((r) => r.ms)))}–${Math.round(slowest)} ms; health ${seen.count} answers, slowest ${Math.round(seen.maxMs)} ms; RSS ${deltaMb(rssGrowth)}`);
    for (const r of results) {
      // Cut by the timeout (never before it), at most one check interval (0.5 s) and some scheduling on busy shared cores later.
      expect(r.ms).toBeGreaterThanOrEqual(1900);
      expect(r.ms).toBeLessThan(3200);
      expect(r.sent).toBeLessThan(headers.length);
    }
    expect(results.filter((r) => r.answer.startsWith('HTTP/1.1 408')).length).toBe(60);
    expect(seen.failures).toEqual([]);
    expect(seen.count).toBeGreaterThan(5);
    expect(seen.maxMs).toBeLessThan(1000);
    expect(rssGrowth).toBeLessThan(50e6);
  });

  it('cuts a request body trickled a byte a second, while a real MPEG-TS publisher (a body that never ends) keeps going', async () => {
    const base = new URL(studio().urls.http);
    const publisher = startFfmpeg(['-re', ...testSourceArgs({ size: '320x240', seconds: 9 }), '-f', 'mpegts', `http://127.0.0.1:${base.port}/live/tsok/mpegts`]);
    try {
      await until('the publisher to be live', async () => (await studio().stream('live/tsok'))?.state === 'publishing');
      const head = `POST /live/trickle/mpegts HTTP/1.1\r\nHost: ${base.host}\r\nTransfer-Encoding: chunked\r\n\r\n`;
      const socket = net.connect({ host: base.hostname, port: Number(base.port) });
      await new Promise((r) => socket.once('connect', r));
      const started = performance.now();
      socket.write(head);
      const timer = setInterval(() => socket.write('1\r\nG\r\n'), 1000);
      socket.on('error', () => undefined);
      const cutAfter = await new Promise<number>((resolve) => {
        const giveUp = setTimeout(() => resolve(Infinity), 15_000);
        socket.once('close', () => {
          clearTimeout(giveUp);
          resolve(performance.now() - started);
        });
      });
      clearInterval(timer);
      socket.destroy();
      // One window (2 s) after the headers, then the next once-a-second check.
      expect(cutAfter).toBeLessThan(4500);
      // The publisher's body has flowed for longer than several windows and still does.
      const live = await studio().stream('live/tsok');
      expect(live?.state).toBe('publishing');
      const frames = live!.framesIn;
      await until('more frames from the publisher', async () => ((await studio().stream('live/tsok'))?.framesIn ?? 0) > frames, 5000);
      expect(await publisher.exited).toBe(0);
      console.log(`trickled body cut after ${Math.round(cutAfter)} ms; the TS publisher ran its 9 s to the end`);
    } finally {
      await publisher.stop();
    }
  }, 30_000);
});

/** A connection that made one request and stays open (keep-alive); null when the server refused it. */
async function holdConnection(base: URL, localAddress: string): Promise<net.Socket | null> {
  const socket = net.connect({ host: base.hostname, port: Number(base.port), localAddress });
  socket.on('error', () => undefined);
  const answer = await new Promise<string>((resolve) => {
    let text = '';
    socket.once('connect', () => socket.write(`GET /api/health HTTP/1.1\r\nHost: ${base.host}\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n\r\n')) resolve(text);
    });
    socket.once('close', () => resolve(text));
  });
  if (!answer.startsWith('HTTP/1.1 200')) {
    socket.destroy();
    return null;
  }
  return socket;
}

describe('connection caps', () => {
  const studio = useStudio({ httpMaxConnectionsPerAddress: 20, httpMaxConnections: 30 });

  it('refuses the 21st connection from 127.0.0.1 while 127.0.0.2 gets in, and the 31st overall; frees places as connections close; logs naming the settings', async () => {
    const base = new URL(studio().urls.http);
    const rssBefore = process.memoryUsage().rss;
    const held: net.Socket[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const socket = await holdConnection(base, '127.0.0.1');
        expect(socket, `connection ${i + 1} from 127.0.0.1`).not.toBeNull();
        held.push(socket!);
      }
      expect(await holdConnection(base, '127.0.0.1')).toBeNull();
      expect((await health(base, '127.0.0.1')).status).toBe(0);
      const other = await health(base, '127.0.0.2');
      expect(other.status).toBe(200);
      expect(other.ms).toBeLessThan(1000);

      for (let i = 0; i < 10; i++) {
        const socket = await holdConnection(base, '127.0.0.2');
        expect(socket, `connection ${i + 1} from 127.0.0.2`).not.toBeNull();
        held.push(socket!);
      }
      // 30 open: a third address is refused by the total.
      expect(await holdConnection(base, '127.0.0.3')).toBeNull();

      // Closing five from 127.0.0.1 makes room for that address and for the total again.
      for (const socket of held.splice(0, 5)) socket.destroy();
      const back = await until('127.0.0.1 let in again', async () => (await health(base, '127.0.0.1')).status === 200, 5000);
      expect(back).toBe(true);
      expect((await health(base, '127.0.0.3')).status).toBe(200);

      const logsDir = path.join(studio().dir, 'logs');
      const logged = await until(
        'the refusals in the log',
        async () => {
          const files = await fs.readdir(logsDir);
          const text = (await Promise.all(files.map((f) => fs.readFile(path.join(logsDir, f), 'utf8')))).join('');
          return text.includes('setting httpMaxConnectionsPerAddress') && text.includes('setting httpMaxConnections)') ? text : null;
        },
        5000,
      );
      expect(logged).toMatch(/refused a connection from 127\.0\.0\.1: 20 connections from that address are open/);
    } finally {
      for (const socket of held) socket.destroy();
    }
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50e6);
  });
});
