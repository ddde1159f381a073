// A small HTTP/1.1 load generator for `npm run bench -- serve`: N keep-alive connections,
// each requesting a list of paths in turn (one request in flight per connection, no
// pipelining), for a fixed time after a warm-up. It runs in its own process (runHttpLoad
// spawns this file), so the server under test never shares an event loop with it.
//
// Raw sockets with a minimal response parser (status line, Content-Length or chunked):
// counting body bytes costs next to nothing, so the client stays far from being the
// bottleneck for large segments, where general-purpose clients parse and copy every byte.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LoadSpec {
  port: number;
  /** Request paths (with query if any); connection i starts at path i and walks the list. */
  paths: string[];
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

export interface LoadResult {
  /** Responses completed inside the measured window (after warm-up). */
  requests: number;
  /** Of those, 2xx responses. */
  ok: number;
  statuses: Record<string, number>;
  /** Body bytes of the responses completed inside the window. */
  bytes: number;
  seconds: number;
  rps: number;
  mbps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Socket errors and connections closed mid-response. */
  errors: number;
  /** Paths answered with other than 2xx inside the window, and how often. */
  failedPaths: Record<string, number>;
  /** CPU the load generator itself used, as a share of one core, over the window. */
  clientCpu: number;
}

const crlfcrlf = Buffer.from('\r\n\r\n');
const crlf = Buffer.from('\r\n');

const percentile = (sorted: Float64Array, p: number) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);

/** The load itself; runs in the load-generator process. */
async function generate(spec: LoadSpec): Promise<LoadResult> {
  const startedAt = performance.now();
  const windowStart = startedAt + spec.warmupSeconds * 1000;
  const windowEnd = windowStart + spec.seconds * 1000;
  let latencies = new Float64Array(1 << 16);
  let latencyCount = 0;
  const result = { requests: 0, ok: 0, bytes: 0, errors: 0, statuses: {} as Record<string, number>, failedPaths: {} as Record<string, number> };
  let cpuAtWindowStart: NodeJS.CpuUsage | null = null;
  let stopping = false;
  const requests = spec.paths.map((p) => Buffer.from(`GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${spec.port}\r\nConnection: keep-alive\r\nAccept: */*\r\n\r\n`));

  const finished = (status: number, bodyBytes: number, sentAt: number, path: string) => {
    const now = performance.now();
    if (now < windowStart || now > windowEnd) return;
    result.requests++;
    result.bytes += bodyBytes;
    if (status >= 200 && status < 300) result.ok++;
    else result.failedPaths[path] = (result.failedPaths[path] ?? 0) + 1;
    result.statuses[status] = (result.statuses[status] ?? 0) + 1;
    if (sentAt >= windowStart) {
      if (latencyCount === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2);
        bigger.set(latencies);
        latencies = bigger;
      }
      latencies[latencyCount++] = now - sentAt;
    }
  };

  const connection = (index: number) =>
    new Promise<void>((resolve) => {
      let next = index % requests.length;
      let socket: net.Socket;
      // Response parsing state.
      let head: Buffer | null = null;
      let status = 0;
      let mode: 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailer' = 'head';
      let remaining = 0;
      let bodyBytes = 0;
      let line: Buffer | null = null;
      let closeAfter = false;
      let sentAt = 0;
      let inFlight = false;
      let asked = 0;

      let ended = false;
      const end = () => {
        ended = true;
        socket.destroy();
        resolve();
      };
      const send = () => {
        if (stopping || performance.now() > windowEnd) return end();
        mode = 'head';
        head = null;
        bodyBytes = 0;
        sentAt = performance.now();
        inFlight = true;
        asked = next;
        socket.write(requests[next]!);
        next = (next + 1) % requests.length;
      };
      const done = () => {
        inFlight = false;
        finished(status, bodyBytes, sentAt, spec.paths[asked]!);
        if (closeAfter) {
          socket.removeAllListeners('close');
          socket.destroy();
          open();
        } else send();
      };
      const onData = (chunk: Buffer) => {
        let at = 0;
        while (at < chunk.length && inFlight) {
          if (mode === 'head') {
            const joined: Buffer = head ? Buffer.concat([head, chunk.subarray(at)]) : chunk.subarray(at);
            const end = joined.indexOf(crlfcrlf);
            if (end < 0) {
              head = Buffer.from(joined);
              return;
            }
            const consumedFromChunk = end + 4 - (head ? head.length : 0);
            const text = joined.subarray(0, end).toString('latin1');
            head = null;
            at += consumedFromChunk;
            status = Number(text.slice(9, 12));
            const lower = text.toLowerCase();
            closeAfter = /\r\nconnection:\s*close/.test(lower);
            if (/\r\ntransfer-encoding:\s*chunked/.test(lower)) {
              mode = 'chunk-size';
              line = null;
            } else {
              const m = /\r\ncontent-length:\s*(\d+)/.exec(lower);
              remaining = m ? Number(m[1]) : 0;
              mode = 'length';
              if (remaining === 0) done();
            }
          } else if (mode === 'length') {
            const take = Math.min(remaining, chunk.length - at);
            remaining -= take;
            bodyBytes += take;
            at += take;
            if (remaining === 0) done();
          } else if (mode === 'chunk-size' || mode === 'chunk-crlf' || mode === 'trailer') {
            const joined: Buffer = line ? Buffer.concat([line, chunk.subarray(at)]) : chunk.subarray(at);
            const end = joined.indexOf(crlf);
            if (end < 0) {
              line = Buffer.from(joined);
              return;
            }
            at += end + 2 - (line ? line.length : 0);
            const text = joined.subarray(0, end).toString('latin1');
            line = null;
            if (mode === 'chunk-crlf') mode = 'chunk-size';
            else if (mode === 'trailer') {
              if (text === '') done();
            } else {
              remaining = parseInt(text, 16);
              if (remaining === 0) mode = 'trailer';
              else mode = 'chunk-data';
            }
          } else {
            const take = Math.min(remaining, chunk.length - at);
            remaining -= take;
            bodyBytes += take;
            at += take;
            if (remaining === 0) mode = 'chunk-crlf';
          }
        }
      };
      const open = () => {
        if (stopping || performance.now() > windowEnd) {
          resolve();
          return;
        }
        socket = net.connect({ port: spec.port, host: '127.0.0.1', noDelay: true }, send);
        socket.on('data', onData);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          if (ended) return;
          // Closed mid-response, or refused: count it, back off a little, reconnect.
          const now = performance.now();
          if (now >= windowStart && now <= windowEnd) result.errors++;
          inFlight = false;
          setTimeout(open, 20);
        });
      };
      open();
    });

  const cpuTimer = setTimeout(() => (cpuAtWindowStart = process.cpuUsage()), Math.max(0, windowStart - performance.now()));
  const stopTimer = setTimeout(() => (stopping = true), windowEnd - performance.now() + 5000);
  const all = Promise.all(Array.from({ length: spec.connections }, (_, i) => connection(i)));
  // A connection stuck on a response that never ends must not hold the run: stop at the window's end + 5 s.
  await Promise.race([all, new Promise((r) => setTimeout(r, windowEnd - performance.now() + 5000))]);
  clearTimeout(cpuTimer);
  clearTimeout(stopTimer);
  const cpu = process.cpuUsage(cpuAtWindowStart ?? undefined);
  const sorted = latencies.subarray(0, latencyCount).sort();
  return {
    ...result,
    seconds: spec.seconds,
    rps: result.requests / spec.seconds,
    mbps: result.bytes / 1e6 / spec.seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    clientCpu: (cpu.user + cpu.system) / 1e6 / spec.seconds,
  };
}

const self = fileURLToPath(import.meta.url);
const running = new Set<ReturnType<typeof spawn>>();

/** Runs one load phase in a separate `node` process and returns what it measured. */
export function runHttpLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [self], { stdio: ['pipe', 'pipe', 'inherit'] });
    running.add(child);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stdin!.end(JSON.stringify(spec));
    const timer = setTimeout(() => child.kill('SIGKILL'), (spec.seconds + spec.warmupSeconds + 20) * 1000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      if (code === 0) resolve(JSON.parse(out) as LoadResult);
      else reject(new Error(`load generator ended with ${signal ?? code}`));
    });
  });
}

/** Kills load generators still running (on Ctrl-C). */
export function stopHttpLoads(): void {
  for (const child of running) child.kill('SIGKILL');
}

if (process.argv[1] && path.resolve(process.argv[1]) === self) {
  let input = '';
  process.stdin.on('data', (c: Buffer) => (input += c.toString()));
  process.stdin.on('end', () => {
    generate(JSON.parse(input) as LoadSpec).then(
      (r) => {
        process.stdout.write(JSON.stringify(r));
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`http-load: ${(err as Error).stack ?? String(err)}\n`);
        process.exit(1);
      },
    );
  });
}
