import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createStudio, type Studio } from '../studio.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import { freePort, until } from '../test-support/wait.js';
import { buildTimeoutMs, ensureBuilt } from '../test-support/built.js';
import type { SettingsView, StudioEvent } from '../contract/studio-api.js';

let dir: string;
let cleanup: () => Promise<void>;
let studio: Studio;
let base: string;
let host: string;

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  studio = await createStudio({ dataDir: dir, adminToken: null, cli: { httpPort: 0, rtmpPort: 0, srtPort: 0 }, env: {}, logToConsole: false });
  base = (await studio.start()).http;
  host = new URL(base).host;
});
afterEach(async () => {
  await studio.stop();
  await cleanup();
});

const bearer = () => ({ authorization: `Bearer ${studio.token}`, host });


describe('HTTP API basics', () => {
  it('answers health without a token and system only with one', async () => {
    const health = await studio.app.inject({ url: '/api/health', headers: { host } });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ ok: true, version: expect.any(String), uptime: expect.any(Number) });

    expect((await studio.app.inject({ url: '/api/system', headers: { host } })).statusCode).toBe(401);
    const system = await studio.app.inject({ url: '/api/system', headers: bearer() });
    expect(system.statusCode).toBe(200);
    const body = system.json();
    expect(body.dataDir.path).toBe(dir);
    expect(body.dataDir.freeBytes).toBeGreaterThan(0);
    expect(body.ffmpeg.available).toBe(true);
    expect(body.ffmpeg.encoders.find((e: { name: string }) => e.name === 'libx264')).toMatchObject({ works: true });
  });

  it('creates the admin token file on first start, owner-only', async () => {
    const file = path.join(dir, 'admin-token');
    expect((await fs.readFile(file, 'utf8')).trim()).toBe(studio.token);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('gives JSON errors: 404 for unknown routes, 400 for malformed JSON, 401 without token', async () => {
    const missing = await studio.app.inject({ url: '/api/nope', headers: { host } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'Not found', detail: 'No route for GET /api/nope' });
    expect((await studio.app.inject({ url: '/no/such/page', headers: { host } })).statusCode).toBe(404);

    const malformed = await studio.app.inject({ method: 'PUT', url: '/api/settings', headers: { ...bearer(), 'content-type': 'application/json' }, payload: '{"httpPort":' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toBe('Malformed JSON');

    const anonymous = await studio.app.inject({ method: 'PUT', url: '/api/settings', headers: { host }, payload: { logLevel: 'debug' } });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ error: 'Not signed in' });
  });

  it('serves the OpenAPI description at /api/docs', async () => {
    const spec = await studio.app.inject({ url: '/api/docs/json', headers: { host } });
    expect(spec.statusCode).toBe(200);
    expect(spec.json().openapi).toMatch(/^3\./);
    expect(Object.keys(spec.json().paths)).toEqual(expect.arrayContaining(['/api/health', '/api/system', '/api/settings']));
    expect((await studio.app.inject({ url: '/api/docs/', headers: { host } })).statusCode).toBe(200);
  });

  it('refuses a Host header that is not a name of this studio (DNS rebinding)', async () => {
    const res = await studio.app.inject({ url: '/api/health', headers: { host: 'attacker.example:8935' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toBe('Host not allowed');
    await studio.app.inject({ method: 'PUT', url: '/api/settings', headers: bearer(), payload: { allowedHosts: ['studio.lan'] } });
    expect((await studio.app.inject({ url: '/api/health', headers: { host: 'studio.lan:80' } })).statusCode).toBe(200);
  });
});

describe('settings API', () => {
  it('validates: a wrong type or an unknown key is a 400 naming it', async () => {
    const wrongType = await studio.app.inject({ method: 'PUT', url: '/api/settings', headers: bearer(), payload: { rtmpPort: 'abc' } });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().detail).toMatch(/^body\.rtmpPort: /);
    const unknown = await studio.app.inject({ method: 'PUT', url: '/api/settings', headers: bearer(), payload: { colour: 'blue' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().detail).toBe('body.colour: unknown field');
    const outOfRange = await studio.app.inject({ method: 'PUT', url: '/api/settings', headers: bearer(), payload: { srtPort: 70000 } });
    expect(outOfRange.statusCode).toBe(400);
    expect(outOfRange.json().detail).toMatch(/srtPort/);
  });

  it('saves a change to config.json and reports where each value comes from', async () => {
    const res = await studio.app.inject({ method: 'PUT', url: '/api/settings', headers: bearer(), payload: { publishPrefix: 'cams/', logLevel: 'debug' } });
    expect(res.statusCode).toBe(200);
    const view = res.json() as SettingsView;
    expect(view.settings).toMatchObject({ publishPrefix: 'cams/', logLevel: 'debug' });
    expect(view.sources).toMatchObject({ publishPrefix: 'file', httpPort: 'cli', host: 'default' });
    expect(view.pinned).toEqual(['httpPort', 'rtmpPort', 'srtPort']);
    // The publish key made at first start is saved next to the change (it is a setting the user may edit).
    const saved = JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(saved).toEqual({ publishPrefix: 'cams/', logLevel: 'debug', publishKey: view.settings.publishKey });
    expect(view.settings.publishKey).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const read = await studio.app.inject({ url: '/api/settings', headers: bearer() });
    expect(read.json().settings.publishPrefix).toBe('cams/');
  });

  it('moves the HTTP listener to a new port without restarting the process', async () => {
    const port = await freePort();
    const res = await fetch(`${base}api/settings`, { method: 'PUT', headers: { ...bearer(), 'content-type': 'application/json' }, body: JSON.stringify({ httpPort: port }) });
    expect(res.status).toBe(200);
    const view = (await res.json()) as SettingsView;
    expect(view.restarted).toEqual([{ listener: 'http', url: `http://127.0.0.1:${port}/` }]);
    const moved = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(moved.status).toBe(200);
    // The old listener closes once its open connections have drained: wait for that, then it stays closed.
    await until('the old port to close', () => fetch(`${base}api/health`, { signal: AbortSignal.timeout(2000) }).then(() => false, () => true));
    await expect(fetch(`${base}api/health`)).rejects.toThrow();
  });

  it('keeps everything as it was when the new port is taken (409)', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const res = await fetch(`${base}api/settings`, { method: 'PUT', headers: { ...bearer(), 'content-type': 'application/json' }, body: JSON.stringify({ httpPort: taken, logLevel: 'warn' }) });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { detail: string }).detail).toMatch(new RegExp(`port ${taken} .*already in use`));
      expect((await fetch(`${base}api/health`)).status).toBe(200);
      const view = (await (await fetch(`${base}api/settings`, { headers: bearer() })).json()) as SettingsView;
      expect(view.settings.httpPort).toBe(0);
      expect(view.settings.logLevel).toBe('info');
    } finally {
      blocker.close();
    }
  });
});

describe('browser sessions', () => {
  // The UI is served from dist/renderer: build it (when missing or older than its sources) rather than skip its checks.
  beforeAll(() => ensureBuilt(), buildTimeoutMs);

  it('turns the printed login URL into a session cookie and drops the token from the address', async () => {
    const login = await studio.app.inject({ url: `/?token=${encodeURIComponent(studio.token)}`, headers: { host } });
    expect(login.statusCode).toBe(302);
    expect(login.headers.location).toBe('/');
    const cookie = login.cookies.find((c) => c.name === 'fh_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });

    const bad = await studio.app.inject({ url: '/?token=wrong', headers: { host } });
    expect(bad.headers.location).toBe('/?auth=invalid');

    const session = await studio.app.inject({ url: '/api/auth/session', headers: { host }, cookies: { fh_session: cookie!.value } });
    expect(session.json()).toEqual({ authenticated: true, via: 'cookie' });
  });

  it('requires the studio’s own Origin on cookie-authenticated writes (CSRF)', async () => {
    const res = await studio.app.inject({ method: 'POST', url: '/api/auth/login', headers: { host, origin: `http://${host}` }, payload: { token: studio.token } });
    expect(res.statusCode).toBe(204);
    const cookie = res.cookies.find((c) => c.name === 'fh_session')!.value;
    const put = (origin?: string) =>
      studio.app.inject({ method: 'PUT', url: '/api/settings', headers: { host, ...(origin ? { origin } : {}) }, cookies: { fh_session: cookie }, payload: { logLevel: 'debug' } });
    expect((await put(`http://${host}`)).statusCode).toBe(200);
    expect((await put('http://evil.example')).statusCode).toBe(403);
    expect((await put()).statusCode).toBe(403);

    const wrong = await studio.app.inject({ method: 'POST', url: '/api/auth/login', headers: { host, origin: `http://${host}` }, payload: { token: 'nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.cookies).toEqual([]);
  });

  it('serves the UI with a Content-Security-Policy', async () => {
    const page = await studio.app.inject({ url: '/', headers: { host } });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.body).toMatch(/<div id="root">/);
  });
});

describe('events WebSocket', () => {
  it('says hello, pushes settings changes, and refuses anonymous or cross-site clients', async () => {
    const wsUrl = `${base.replace('http', 'ws')}api/events`;
    const anonymous = new WebSocket(wsUrl);
    const refused = await new Promise<number>((resolve) => anonymous.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(refused).toBe(401);

    const login = await studio.app.inject({ method: 'POST', url: '/api/auth/login', headers: { host }, payload: { token: studio.token } });
    const cookie = `fh_session=${login.cookies[0]!.value}`;
    const crossSite = new WebSocket(wsUrl, { headers: { cookie }, origin: 'http://evil.example' });
    expect(await new Promise<number>((resolve) => crossSite.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)))).toBe(403);

    const ws = new WebSocket(wsUrl, { headers: { cookie }, origin: `http://${host}` });
    const events: StudioEvent[] = [];
    ws.on('message', (data) => events.push(JSON.parse(String(data)) as StudioEvent));
    await new Promise((resolve) => ws.on('open', resolve));
    await fetch(`${base}api/settings`, { method: 'PUT', headers: { ...bearer(), 'content-type': 'application/json' }, body: JSON.stringify({ srtPort: 9999 }) });
    await expect.poll(() => events.map((e) => e.type)).toEqual(expect.arrayContaining(['hello', 'settings_changed']));
    const change = events.find((e) => e.type === 'settings_changed');
    expect(change?.type === 'settings_changed' && change.data.settings.srtPort).toBe(9999);
    ws.close();
  });
});
