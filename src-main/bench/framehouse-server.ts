import fs from 'node:fs/promises';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { cliPath } from '../test-support/studio-process.js';
import { freePort, type RunningServer } from './peers.js';

export interface FramehouseServer extends RunningServer {
  httpPort: number;
  token: string;
  /** fetch on the studio with the admin token. */
  api(pathname: string, init?: RequestInit): Promise<Response>;
}

/**
 * Node options for the studio under test, e.g. FRAMEHOUSE_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"
 * for a profile of it alone (NODE_OPTIONS may not carry --cpu-prof, and would profile the bench too).
 */
const nodeArgs = () => (process.env.FRAMEHOUSE_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

/** Framehouse itself, as `framehouse serve` in its own process, once its start-up probes are done. */
export async function startFramehouse(dir: string, extraArgs: string[] = []): Promise<FramehouseServer> {
  const rtmpPort = await freePort();
  const httpPort = await freePort();
  const child = spawn(process.execPath, [...nodeArgs(), cliPath, 'serve', '--data-dir', dir, '--http-port', String(httpPort), '--rtmp-port', String(rtmpPort), '--srt-port', '0', '--log-level', 'warn', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (/^ui\s/m.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`framehouse exited with ${code}`)));
  });
  const token = (await fs.readFile(path.join(dir, 'admin-token'), 'utf8')).trim();
  const api = (pathname: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${httpPort}${pathname}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers } });
  // The encoder probe runs ffmpeg children at start; measure only once they are done.
  for (;;) {
    const system = (await (await api('/api/system')).json()) as { ffmpeg: { probing?: boolean } };
    if (system.ffmpeg.probing === false || !('probing' in system.ffmpeg)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name: 'framehouse',
    pid: child.pid!,
    rtmpPort,
    httpPort,
    token,
    api,
    app: 'live',
    async framesIn() {
      const streams = (await (await api('/api/streams')).json()) as { framesIn: number }[];
      return streams.reduce((n, s) => n + s.framesIn, 0);
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
