import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from './test-support/temp-dir.js';
import { runCli, startStudioProcess, type StudioProcess } from './test-support/studio-process.js';
import { buildTimeoutMs, ensureBuilt } from './test-support/built.js';

let dir: string;
let cleanup: () => Promise<void>;
const running: StudioProcess[] = [];
// These run the built CLI (dist/main/cli.js): build it first when it is older than the sources.
beforeAll(() => ensureBuilt(), buildTimeoutMs);
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
  await cleanup();
});

async function start(args: string[], env: NodeJS.ProcessEnv = {}) {
  const studio = await startStudioProcess(args, env);
  running.push(studio);
  return studio;
}

describe('framehouse serve', () => {
  // How fast it starts (the goal: under 3 s) is `npm run bench -- startup`'s to measure, not a test's on shared cores.
  it('starts and prints one line per listener plus a login URL', async () => {
    const studio = await start(['--http-port', '0', '--data-dir', dir]);
    expect(studio.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(studio.stdout()).toMatch(/^http {2}http:\/\/127\.0\.0\.1:\d+\/$/m);
    const token = (await fs.readFile(path.join(dir, 'admin-token'), 'utf8')).trim();
    expect(studio.loginUrl).toBe(`${studio.url}?token=${token}`);
    const health = await fetch(`${studio.url}api/health`);
    expect(await health.json()).toMatchObject({ ok: true });
  });

  it('takes settings from environment and config file, command line first', async () => {
    await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ rtmpPort: 1111, srtPort: 2222, logLevel: 'error' }));
    const studio = await start(['--data-dir', dir, '--http-port', '0', '--rtmp-port', '0'], {
      FRAMEHOUSE_RTMP_PORT: '0',
      FRAMEHOUSE_SRT_PORT: '0',
      FRAMEHOUSE_PUBLISH_PREFIX: 'cams/',
      FRAMEHOUSE_ADMIN_TOKEN: 'a-token-given-by-env-1234',
    });
    const res = await fetch(`${studio.url}api/settings`, { headers: { authorization: 'Bearer a-token-given-by-env-1234' } });
    const view = (await res.json()) as { settings: Record<string, unknown>; sources: Record<string, string> };
    expect(view.settings).toMatchObject({ rtmpPort: 0, srtPort: 0, logLevel: 'warn', publishPrefix: 'cams/' });
    expect(view.sources).toMatchObject({ rtmpPort: 'cli', srtPort: 'env', logLevel: 'env', publishPrefix: 'env' });
    await expect(fs.access(path.join(dir, 'admin-token'))).rejects.toThrow();
  });

  it('exits 1 with a one-line reason when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const result = await runCli(['serve', '--http-port', String(port), '--data-dir', dir], { FRAMEHOUSE_LOG_LEVEL: 'fatal' });
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toBe(`framehouse: HTTP port ${port} on 127.0.0.1 is already in use; choose another port in Settings or with --http-port (0 picks a free one)`);
      expect(result.stdout).toBe('');
    } finally {
      blocker.close();
    }
  });

  it('exits 1 with a one-line reason when the data dir cannot be written', async () => {
    const file = path.join(dir, 'a-file');
    await fs.writeFile(file, 'x');
    const result = await runCli(['serve', '--http-port', '0', '--data-dir', path.join(file, 'studio')]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^framehouse: data dir .*a-file\/studio is not writable \(ENOTDIR\); choose another with --data-dir/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses bad options with usage, and a second studio on the same data dir', async () => {
    const bad = await runCli(['serve', '--http-port', 'eighty']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^framehouse: --http-port: .*"eighty"/);
    expect(bad.stderr).toMatch(/Usage: framehouse serve/);

    const first = await start(['--http-port', '0', '--data-dir', dir]);
    const second = await runCli(['serve', '--http-port', '0', '--data-dir', dir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`in use by another Framehouse \\(pid ${first.child.pid}\\)`));
  });

  it('starts with defaults when config.json is corrupt and keeps the original as config.json.bad', async () => {
    await fs.writeFile(path.join(dir, 'config.json'), '{ this is not json');
    const studio = await start(['--http-port', '0', '--data-dir', dir]);
    expect(await fs.readFile(path.join(dir, 'config.json.bad'), 'utf8')).toBe('{ this is not json');
    expect(studio.stderr()).toMatch(/config\.json: ignored the whole file \(not valid JSON/);
  });

  it('stops cleanly on SIGTERM: exit 0, database closed (no WAL left), lock released', async () => {
    const studio = await start(['--http-port', '0', '--data-dir', dir]);
    await fetch(`${studio.url}api/health`);
    expect(await studio.stop('SIGTERM')).toBe(0);
    const files = await fs.readdir(dir);
    expect(files).toContain('framehouse.db');
    expect(files).not.toContain('framehouse.db-wal');
    expect(files).not.toContain('framehouse.lock');
    const logs = await fs.readdir(path.join(dir, 'logs'));
    expect(logs.some((f) => /^framehouse\.\d+\.log$/.test(f))).toBe(true);
  });

  it('takes over the lock of a studio that was killed', async () => {
    const studio = await start(['--http-port', '0', '--data-dir', dir]);
    await studio.stop('SIGKILL');
    const again = await start(['--http-port', '0', '--data-dir', dir]);
    expect((await fetch(`${again.url}api/health`)).status).toBe(200);
  });
});

describe('running under a parent (the desktop shell)', () => {
  it('reports ready and every listener move over IPC, and stops when the parent goes away', async () => {
    const { fork } = await import('node:child_process');
    const { cliPath } = await import('./test-support/studio-process.js');
    const child = fork(cliPath, ['serve', '--http-port', '0', '--data-dir', dir], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env: { ...process.env, FRAMEHOUSE_LOG_LEVEL: 'warn', FRAMEHOUSE_RTMP_PORT: '0', FRAMEHOUSE_SRT_PORT: '0' } });
    const messages: { type: string; url: string; token?: string }[] = [];
    child.on('message', (m) => messages.push(m as (typeof messages)[number]));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await expect.poll(() => messages.length, { timeout: 10_000 }).toBe(1);
      const ready = messages[0]!;
      expect(ready).toMatchObject({ type: 'ready', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/), token: expect.any(String) });

      const blocker = net.createServer();
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
      const port = (blocker.address() as net.AddressInfo).port;
      await new Promise((r) => blocker.close(r));
      const res = await fetch(`${ready.url}api/settings`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ httpPort: port }),
      });
      expect(res.status).toBe(200);
      await expect.poll(() => messages.at(-1)).toEqual({ type: 'moved', url: `http://127.0.0.1:${port}/` });

      child.disconnect();
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
