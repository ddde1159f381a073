import http from 'node:http';
import { startStudioProcess } from '../test-support/studio-process.js';
import { makeTempDir } from '../test-support/temp-dir.js';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Requests per second from `clients` keep-alive connections for `seconds`. */
async function hammer(url: string, clients: number, seconds: number): Promise<{ rps: number; p50: number; p99: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const started = performance.now();
      await new Promise<void>((resolve, reject) => {
        http.get(url, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
      });
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export async function benchStartup(): Promise<void> {
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const { dir, cleanup } = await makeTempDir('framehouse-bench-');
    const started = performance.now();
    const studio = await startStudioProcess(['--http-port', '0', '--data-dir', dir]);
    starts.push(performance.now() - started);
    if (i === 4) {
      const load = await hammer(`${studio.url}api/health`, 50, 5);
      process.stdout.write(`/api/health, 50 keep-alive clients, 5 s: ${Math.round(load.rps)} req/s, p50 ${load.p50.toFixed(2)} ms, p99 ${load.p99.toFixed(2)} ms\n`);
    }
    await studio.stop();
    await cleanup();
  }
  starts.sort((a, b) => a - b);
  process.stdout.write(`cold start to listening (5 runs, fresh data dir each): min ${Math.round(starts[0]!)} ms, median ${Math.round(starts[2]!)} ms, max ${Math.round(starts[4]!)} ms\n`);
}
