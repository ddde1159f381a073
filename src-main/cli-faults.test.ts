import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTimeoutMs, ensureBuilt } from './test-support/built.js';
import { startStudioProcess, type StudioProcess } from './test-support/studio-process.js';
import { makeTempDir } from './test-support/temp-dir.js';
import { until } from './test-support/wait.js';

// Loaded into the real `framehouse serve` with --import: on SIGUSR2 it makes the faults a
// careless handler somewhere in the process would make, at a moment the test chooses.
const faultInjector = `
import net from 'node:net';
process.on('SIGUSR2', () => {
  if (process.env.FRAMEHOUSE_TEST_FAULT === 'fatal') {
    setImmediate(() => { throw new Error('injected: a bug outside any connection'); });
    return;
  }
  Promise.reject(new Error('injected: a promise nobody awaits'));
  // A server socket without an 'error' listener: the peer's reset becomes an uncaught ECONNRESET.
  const server = net.createServer((socket) => socket.resume());
  server.listen(0, '127.0.0.1', () => {
    const client = net.connect(server.address().port, '127.0.0.1', () => setTimeout(() => client.resetAndDestroy(), 50));
    client.on('error', () => {});
  });
});
`;

let dir: string;
let cleanup: () => Promise<void>;
const running: StudioProcess[] = [];
beforeAll(() => ensureBuilt(), buildTimeoutMs);
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
  await cleanup();
});

async function serveWithFaults(mode: 'connection' | 'fatal'): Promise<StudioProcess> {
  const injector = path.join(dir, 'inject-faults.mjs');
  await fs.writeFile(injector, faultInjector);
  const studio = await startStudioProcess(['--http-port', '0', '--data-dir', path.join(dir, 'data')], {
    NODE_OPTIONS: `--import=${pathToFileURL(injector).href}`,
    FRAMEHOUSE_TEST_FAULT: mode,
  });
  running.push(studio);
  return studio;
}

describe('process-level faults in framehouse serve', () => {
  it('logs an unhandled rejection and an uncaught connection error with their reasons, and keeps serving', async () => {
    const studio = await serveWithFaults('connection');
    studio.child.kill('SIGUSR2');
    await until('both faults to be logged', async () => /unhandled promise rejection/.test(studio.stderr()) && /uncaught connection error ECONNRESET/.test(studio.stderr()));
    expect(studio.stderr()).toContain('injected: a promise nobody awaits');
    expect(studio.child.exitCode).toBeNull();
    const health = await fetch(`${studio.url}api/health`);
    expect(health.status).toBe(200);
  });

  it('logs any other uncaught exception, stops the studio cleanly and exits 1', async () => {
    const studio = await serveWithFaults('fatal');
    studio.child.kill('SIGUSR2');
    expect(await studio.exited).toBe(1);
    expect(studio.stderr()).toMatch(/uncaught exception: the studio stops/);
    expect(studio.stderr()).toContain('injected: a bug outside any connection');
    // Stopped, not dropped: the data dir lock is released for the next start.
    await expect(fs.access(path.join(dir, 'data', 'framehouse.lock'))).rejects.toThrow();
  });
});
