// The studio announces its watch page on the LAN when LAN access goes on, and withdraws
// it when it goes off: seen by a real DNS-SD browser. Both sides are pinned to the
// loopback interface (FRAMEHOUSE_MDNS_INTERFACE), so nothing goes out on a real network.
import Bonjour from 'bonjour-service';
import { afterEach, describe, expect, it } from 'vitest';
import { createStudio, type Studio } from '../studio.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import { mdnsSocket, shortHostname } from '../net/lan-announce.js';
import { until } from '../test-support/wait.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('LAN discovery of a running studio', () => {
  it('announces "Framehouse on <host>" as _http._tcp when LAN access goes on, and withdraws it when it goes off', async () => {
    const { dir, cleanup } = await makeTempDir();
    cleanups.push(cleanup);
    const studio: Studio = await createStudio({
      dataDir: dir,
      adminToken: null,
      cli: { httpPort: 0, rtmpPort: 0, srtPort: 0 },
      env: {},
      logToConsole: false,
      processEnv: { ...process.env, FRAMEHOUSE_MDNS: 'on', FRAMEHOUSE_MDNS_INTERFACE: '127.0.0.1' },
    });
    cleanups.push(() => studio.stop());
    await studio.start();
    // Switching LAN on rebinds the HTTP listener (on a new port: the test asks for any free one).
    const port = () => Number(new URL(studio.urls().http).port);
    const api = (path: string, init: RequestInit = {}) =>
      fetch(new URL(path, `http://127.0.0.1:${port()}/`), { ...init, headers: { authorization: `Bearer ${studio.token}`, 'content-type': 'application/json' } });

    const bonjour = new Bonjour({ socket: mdnsSocket('127.0.0.1', () => undefined), interface: '127.0.0.1', bind: '224.0.0.251' } as Partial<Bonjour.ServiceConfig>, () => undefined);
    const browser = bonjour.find({ type: 'http' });
    cleanups.push(() => new Promise<void>((resolve) => (browser.stop(), bonjour.destroy(() => resolve()))));
    const seen: { event: 'up' | 'down'; name: string; port: number; path: unknown }[] = [];
    browser.on('up', (s: Bonjour.Service) => seen.push({ event: 'up', name: s.name, port: s.port, path: s.txt?.path }));
    browser.on('down', (s: Bonjour.Service) => seen.push({ event: 'down', name: s.name, port: s.port, path: s.txt?.path }));
    const name = `Framehouse on ${shortHostname()}`;
    const system = async () => ((await (await api('/api/system')).json()) as { lanDiscovery: string }).lanDiscovery;

    expect(await system()).toBe('off');
    expect((await api('/api/settings', { method: 'PUT', body: JSON.stringify({ host: '0.0.0.0' }) })).status).toBe(200);
    await until('the announcement', async () => seen.find((s) => s.event === 'up' && s.name.startsWith(name)), 8000);
    expect(seen.find((s) => s.event === 'up')).toMatchObject({ port: port(), path: '/' });
    await until('/api/system to say announced', async () => (await system()) === 'announced', 5000);

    expect((await api('/api/settings', { method: 'PUT', body: JSON.stringify({ host: '127.0.0.1' }) })).status).toBe(200);
    await until('the goodbye', async () => seen.find((s) => s.event === 'down' && s.name.startsWith(name)), 8000);
    expect(await system()).toBe('off');
  }, 30_000);
});
