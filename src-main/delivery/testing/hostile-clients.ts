// Test only: what the hostile-client tests share. A health probe on a connection of its
// own, a watcher that probes while an attack runs, and memory figures. Not imported by
// product code.
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';

/** GET /api/health, on a connection of its own unless an agent is given (from `localAddress` when given): its status and time; status 0 when refused. */
export function health(base: URL, localAddress?: string, timeoutMs = 5000, agent?: http.Agent): Promise<{ status: number; ms: number; error?: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.get(new URL('/api/health', base), { agent: agent ?? false, localAddress, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ status: 0, ms: performance.now() - started, error: error.message }));
  });
}

/**
 * Probes health every 200 ms while an attack runs; stop() gives how many answered, the
 * slowest, and what failed. Each probe opens a connection of its own, unless `keepAlive`:
 * then all go over one connection opened before the attack, as a monitor holding its
 * connection does. That one measures the event loop alone: a new connection also waits
 * its turn to be accepted, and Node accepts one per poll of the loop, so behind a burst of
 * N new connections it waits N polls whatever the server does.
 */
export async function watchHealth(base: URL, o: { keepAlive?: boolean; timeoutMs?: number } = {}) {
  const agent = o.keepAlive ? new http.Agent({ keepAlive: true, maxSockets: 1 }) : undefined;
  const probe = () => health(base, undefined, o.timeoutMs ?? 5000, agent);
  if (agent) await probe();
  const times: number[] = [];
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const answer = await probe();
      if (answer.status === 200) times.push(answer.ms);
      else failures.push(`${answer.status} ${answer.error ?? ''} after ${Math.round(answer.ms)} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent?.destroy();
      return { count: times.length, maxMs: Math.max(0, ...times), failures };
    },
  };
}

let collect: (() => void) | null = null;

/** Heap in use after a full collection: what is really kept, unlike RSS, which garbage not yet collected inflates. */
export function heapAfterGc(): number {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

/** 12.3 MB, for the figures tests print. */
export const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
/** A change in MB with its sign: +1.5, -0.3. */
export const deltaMb = (bytes: number) => `${bytes >= 0 ? '+' : ''}${mb(bytes)} MB`;

/** Runs `count` tasks with `width` of them at once. */
export async function inParallel(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/**
 * A lean keep-alive GET client over `connections` raw sockets, for floods of small
 * answers: a general-purpose client would spend more of the shared cores than the
 * server does. Answers must carry Content-Length (the studio's errors and JSON do).
 */
export function rawClient(base: URL, connections: number) {
  interface Pending {
    path: string;
    resolve: (status: number) => void;
    reject: (error: Error) => void;
  }
  const queue: Pending[] = [];
  /** The serve() of each connection that has nothing to do. */
  const idle: (() => void)[] = [];
  const sockets: net.Socket[] = [];
  const open = () => {
    const socket = net.connect({ host: base.hostname, port: Number(base.port) });
    socket.setNoDelay(true);
    sockets.push(socket);
    let buffer: Buffer = Buffer.alloc(0);
    let current: Pending | null = null;
    const serve = () => {
      current = queue.shift() ?? null;
      if (!current) return void idle.push(serve);
      socket.write(`GET ${current.path} HTTP/1.1\r\nHost: ${base.host}\r\n\r\n`);
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0 || !current) return;
      const head = buffer.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      buffer = buffer.subarray(end + 4 + length);
      current.resolve(Number(head.slice(9, 12)));
      serve();
    });
    socket.on('error', (error) => current?.reject(error));
    socket.on('close', () => current?.reject(new Error('the server closed the connection')));
    socket.on('connect', serve);
  };
  for (let i = 0; i < connections; i++) open();
  return {
    get(path: string): Promise<number> {
      return new Promise((resolve, reject) => {
        queue.push({ path, resolve, reject });
        idle.pop()?.();
      });
    },
    close() {
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** One answer of getFromAnotherProcess: big bodies are counted, not kept. */
export interface FarAnswer {
  path: string;
  status: number;
  headers: Record<string, string>;
  bytes: number;
  /** The first 4 KB of the body (a playlist's head); the whole body when it is JSON. */
  head: string;
}

// The client of getFromAnotherProcess: every path at once, each on a connection of its own.
const farClient = `
import { spawn } from 'node:child_process';
import http from 'node:http';
const { base, paths } = JSON.parse(process.argv[1]);
const get = (path) => new Promise((resolve) => {
  http.get(new URL(path, base), { agent: false }, (res) => {
    const json = String(res.headers['content-type']).startsWith('application/json');
    const kept = [];
    let bytes = 0;
    res.on('data', (c) => { if (json || bytes < 4096) kept.push(c); bytes += c.length; });
    res.on('end', () => resolve({ path, status: res.statusCode, headers: res.headers, bytes, head: Buffer.concat(kept).toString('utf8').slice(0, json ? undefined : 4096) }));
  }).on('error', (e) => resolve({ path, status: 0, headers: {}, bytes: 0, head: e.message }));
});
process.stdout.write(JSON.stringify(await Promise.all(paths.map(get))));
`;

/**
 * GETs every path at once from another process, as a storm of players would: a client
 * in the studio's own process would bill its parsing of megabytes to the server's event
 * loop, which is what the test measures.
 */
export function getFromAnotherProcess(base: URL, paths: readonly string[]): Promise<FarAnswer[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', farClient, JSON.stringify({ base: base.href, paths })], { stdio: ['ignore', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as FarAnswer[]) : reject(new Error(`the client process exited with ${code}`))));
  });
}
