import { writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTimeoutMs, ensureBuilt } from '../test-support/built.js';
import { cliPath } from '../test-support/studio-process.js';
import { startFfmpeg, testSourceArgs } from '../test-support/ffmpeg-tools.js';
import { freePort, until } from '../test-support/wait.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { forkServerChild } from './server-child.js';
import { ServerSupervisor, type ServerChild } from './server-supervisor.js';

const dataDir = useTempDir('framehouse-supervisor-');
const supervisors: ServerSupervisor[] = [];
const quiet = () => undefined;
beforeAll(() => ensureBuilt(), buildTimeoutMs);
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.close()));
});

/** A real `framehouse serve` as the desktop shell runs it from a checkout. */
function studioChild(env: NodeJS.ProcessEnv = {}): { spawn: () => ServerChild; pids: number[] } {
  const pids: number[] = [];
  return {
    pids,
    spawn: () => {
      const child = forkServerChild(cliPath, ['serve', '--data-dir', dataDir()], {
        env: { ...process.env, FRAMEHOUSE_LOG_LEVEL: 'warn', FRAMEHOUSE_HTTP_PORT: '0', FRAMEHOUSE_RTMP_PORT: '0', FRAMEHOUSE_SRT_PORT: '0', ...env },
        echo: quiet,
      });
      if (child.pid) pids.push(child.pid);
      return child;
    },
  };
}

/** A stand-in server script: the supervisor's rules without a studio's start-up time. */
function scriptChild(source: string): () => ServerChild {
  const file = path.join(dataDir(), `server-${Math.random().toString(36).slice(2)}.cjs`);
  writeFileSync(file, source);
  return () => forkServerChild(file, [], { env: process.env, echo: quiet });
}

function supervise(spawn: () => ServerChild, options: Partial<ConstructorParameters<typeof ServerSupervisor>[0]> = {}) {
  const supervisor = new ServerSupervisor({ spawn, backoffMs: () => 50, ...options });
  supervisors.push(supervisor);
  return supervisor;
}

async function health(url: string): Promise<number> {
  return (await fetch(new URL('api/health', url))).status;
}

describe('the desktop server supervisor, with a real studio server', () => {
  it('stops the server with a message: recordings and the archive are finished, the database is closed', async () => {
    const rtmpPort = await freePort();
    const studio = studioChild({ FRAMEHOUSE_RTMP_PORT: String(rtmpPort) });
    const supervisor = supervise(studio.spawn);
    const ready = await supervisor.start();
    expect(await health(ready.url)).toBe(200);
    const auth = { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' };
    const publisher = startFfmpeg(['-re', ...testSourceArgs({ seconds: 30, gop: 30 }), '-f', 'flv', `rtmp://127.0.0.1:${rtmpPort}/live/quit`]);
    try {
      await until('the stream to be live', async () => (await fetch(new URL('api/streams/live%2Fquit', ready.url), { headers: auth })).status === 200);
      const record = await fetch(new URL('api/streams/live%2Fquit/record/start', ready.url), { method: 'POST', headers: auth, body: JSON.stringify({ format: 'mp4' }) });
      expect(record.status).toBe(200);
      await new Promise((r) => setTimeout(r, 2500));
      await supervisor.close();
    } finally {
      await publisher.stop();
    }
    const dir = dataDir();
    const files = await fs.readdir(dir);
    expect(files).not.toContain('framehouse.db-wal');
    expect(files).not.toContain('framehouse.lock');
    const db = new Database(path.join(dir, 'framehouse.db'), { readonly: true });
    try {
      const recordings = db.prepare('SELECT state, work_path FROM recording_files').all() as { state: string; work_path: string }[];
      expect(recordings.map((r) => r.state)).toEqual(['done']);
      expect((db.prepare("SELECT COUNT(*) AS n FROM dvr_segments WHERE stream = 'live/quit'").get() as { n: number }).n).toBeGreaterThan(0);
    } finally {
      db.close();
    }
    const archive = await fs.readdir(path.join(dir, 'dvr'), { recursive: true });
    expect(archive.filter((f) => f.endsWith('.partial'))).toEqual([]);
    const mp4s = (await fs.readdir(path.join(dir, 'recordings', 'live', 'quit'))).filter((f) => f.endsWith('.mp4'));
    expect(mp4s).toHaveLength(1);
    const bytes = await fs.readFile(path.join(dir, 'recordings', 'live', 'quit', mp4s[0]!));
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat')); // finished: index first, not the working fragments
  }, 60_000);

  it('restarts a server that was killed, with the same token, and the window can reconnect', async () => {
    const studio = studioChild();
    const supervisor = supervise(studio.spawn);
    const first = await supervisor.start();
    const crashed = new Promise((resolve) => supervisor.once('crashed', resolve));
    const again = new Promise<{ url: string; token: string }>((resolve) => supervisor.once('ready', resolve));
    process.kill(studio.pids[0]!, 'SIGKILL');
    expect(await crashed).toMatchObject({ crashes: 1, code: null });
    const second = await again;
    expect(second.token).toBe(first.token);
    expect(await health(second.url)).toBe(200);
    expect(studio.pids).toHaveLength(2);
  }, 30_000);

  it('moves a taken config-file port to the next free one and says so; a pinned one stays an error', async () => {
    const blocker = net.createServer();
    const taken = await freePort();
    await new Promise<void>((r) => blocker.listen(taken, '127.0.0.1', r));
    try {
      await fs.writeFile(path.join(dataDir(), 'config.json'), JSON.stringify({ rtmpPort: taken }));
      const fromFile = supervise(studioChild({ FRAMEHOUSE_RTMP_PORT: '' }).spawn);
      const ready = await fromFile.start();
      expect(ready.portMoves).toHaveLength(1);
      expect(ready.portMoves[0]).toMatchObject({ listener: 'rtmp', wanted: taken });
      expect(ready.portMoves[0]!.port).toBeGreaterThan(taken);
      const system = (await (await fetch(new URL('api/system', ready.url), { headers: { authorization: `Bearer ${ready.token}` } })).json()) as { portMoves: unknown[] };
      expect(system.portMoves).toEqual(ready.portMoves);
      // The LAN switch rebinds every listener: the moved one stays on its new port (its own is still taken).
      const lanOn = await fetch(new URL('api/settings', ready.url), { method: 'PUT', headers: { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ host: '0.0.0.0' }) });
      expect(lanOn.status).toBe(200);
      const rtmp = ((await lanOn.json()) as { restarted: { listener: string; url: string }[] }).restarted.find((r) => r.listener === 'rtmp');
      expect(rtmp && Number(new URL(rtmp.url).port)).toBe(ready.portMoves[0]!.port);
      await fromFile.close();

      // An explicit port (command line, environment) that is taken stays an error: cli.test.ts. Pinned ports too:
      await fs.writeFile(path.join(dataDir(), 'config.json'), JSON.stringify({ rtmpPort: taken, pinPorts: 'on' }));
      const pinned = supervise(studioChild({ FRAMEHOUSE_RTMP_PORT: '' }).spawn);
      await expect(pinned.start()).rejects.toThrow(/already in use/);
    } finally {
      blocker.close();
    }
  }, 45_000);
});

describe('moving the data folder', () => {
  it('relaunches the server on another folder, and reports a folder it cannot use', async () => {
    let folder = path.join(dataDir(), 'first');
    const supervisor = supervise(() =>
      forkServerChild(cliPath, ['serve', '--data-dir', folder], {
        env: { ...process.env, FRAMEHOUSE_LOG_LEVEL: 'warn', FRAMEHOUSE_HTTP_PORT: '0', FRAMEHOUSE_RTMP_PORT: '0', FRAMEHOUSE_SRT_PORT: '0' },
        echo: quiet,
      }),
    );
    const first = await supervisor.start();
    folder = path.join(dataDir(), 'second');
    const second = await supervisor.relaunch();
    expect(second.token).not.toBe(first.token); // a new studio: its own admin token
    expect(await health(second.url)).toBe(200);
    expect(await fs.readdir(path.join(dataDir(), 'first'))).not.toContain('framehouse.lock');
    expect(await fs.readdir(folder)).toContain('framehouse.db');

    await fs.writeFile(path.join(dataDir(), 'a-file'), '');
    folder = path.join(dataDir(), 'a-file');
    await expect(supervisor.relaunch()).rejects.toThrow(/a-file/);
    expect(supervisor.connection()).toBeNull();
  }, 45_000);
});

describe('the supervisor\'s rules', () => {
  const readyThenExit = `process.send({ type: 'ready', url: 'http://127.0.0.1:1/', token: 't' }); setTimeout(() => process.exit(3), 20);`;

  it('gives up after repeated crashes and starts again when asked', async () => {
    const supervisor = supervise(scriptChild(readyThenExit), { crashLimit: 3 });
    const crashes: number[] = [];
    supervisor.on('crashed', (c) => crashes.push(c.crashes));
    const gaveUp = new Promise<{ crashes: number; code: number | null }>((resolve) => supervisor.once('gave-up', resolve));
    await supervisor.start();
    expect(await gaveUp).toMatchObject({ crashes: 3, code: 3 });
    expect(crashes).toEqual([1, 2]);
    const readyAgain = new Promise((resolve) => supervisor.once('ready', resolve));
    supervisor.restart();
    await readyAgain;
  });

  it('kills a server that does not stop within the timeout', async () => {
    const stubborn = `process.send({ type: 'ready', url: 'http://127.0.0.1:1/', token: 't' }); process.on('message', () => {}); setInterval(() => {}, 1000);`;
    const supervisor = supervise(scriptChild(stubborn), { stopTimeoutMs: 300 });
    await supervisor.start();
    const started = Date.now();
    await supervisor.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('kills a server that said it stopped but lingers (Electron utility processes may)', async () => {
    const lingering = `process.send({ type: 'ready', url: 'http://127.0.0.1:1/', token: 't' }); process.on('message', () => process.send({ type: 'stopped' })); setInterval(() => {}, 1000);`;
    const supervisor = supervise(scriptChild(lingering), { stopTimeoutMs: 20_000 });
    await supervisor.start();
    const started = Date.now();
    await supervisor.close();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('runs relaunches one at a time, and none after close; a start cut short by close rejects', async () => {
    const spawned: number[] = [];
    const quick = `process.send({ type: 'ready', url: 'http://127.0.0.1:1/', token: String(process.pid) }); process.on('message', () => process.exit(0));`;
    const spawn = scriptChild(quick);
    const supervisor = supervise(() => {
      spawned.push(Date.now());
      return spawn();
    });
    await supervisor.start();
    const [a, b] = await Promise.all([supervisor.relaunch(), supervisor.relaunch()]);
    expect(a.token).not.toBe(b.token);
    expect(spawned).toHaveLength(3);
    expect(supervisor.running()).toBe(true);
    const slow = supervise(scriptChild(`setTimeout(() => process.send({ type: 'ready', url: 'http://127.0.0.1:1/', token: 't' }), 3000); process.on('message', () => process.exit(0));`));
    const starting = slow.start();
    await new Promise((r) => setTimeout(r, 300));
    await slow.close();
    await expect(starting).rejects.toThrow(/stopped while starting/);
    await supervisor.close();
    await expect(supervisor.relaunch()).rejects.toThrow(/quitting/);
    expect(supervisor.running()).toBe(false);
  });

  it('reports the reason of a server that fails to start instead of retrying it', async () => {
    const failing = `console.error('framehouse: the data folder cannot be written'); process.exit(1);`;
    const supervisor = supervise(scriptChild(failing));
    let crashed = false;
    supervisor.on('crashed', () => (crashed = true));
    await expect(supervisor.start()).rejects.toThrow('framehouse: the data folder cannot be written');
    expect(crashed).toBe(false);
  });
});
