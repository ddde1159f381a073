import net from 'node:net';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { useStudio, type TestStudio } from '../test-support/studio-instance.js';
import { requireDeclaredAccess, type RouteTableEntry } from './auth/access-control.js';

/** One HTTP/1.1 exchange with the request target exactly as written (fetch would normalise it). */
async function rawRequest(port: number, method: string, target: string, headers: Record<string, string> = {}, body = ''): Promise<{ status: number; head: string; body: string }> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  const lines = [`${method} ${target} HTTP/1.1`, `host: 127.0.0.1:${port}`, 'connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (body) lines.push(`content-length: ${Buffer.byteLength(body)}`);
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, head, body: split < 0 ? '' : text.slice(split + 4) };
}

/** Every way we know of to spell one path so that a naive prefix check misses it and a router may still match it. */
function spellings(path: string, port: number): string[] {
  const tail = path.slice('/api/'.length);
  const encodeAll = (s: string) => [...s].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
  return [
    path,
    `/%61pi/${tail}`,
    `/%41pi/${tail}`,
    `/a%70i/${tail}`,
    `/${encodeAll('api')}/${tail}`,
    `/api/${encodeAll(tail)}`,
    `/api%2f${tail}`,
    `/api%2F${tail}`,
    `//api/${tail}`,
    `/api//${tail}`,
    `///api/${tail}`,
    `/./api/${tail}`,
    `/x/../api/${tail}`,
    `/%2e/api/${tail}`,
    `/x/%2e%2e/api/${tail}`,
    `/api/./${tail}`,
    `/api/${tail}/`,
    `/api/${tail};x=1`,
    `/api;x=1/${tail}`,
    `/api/${tail}?`,
    `/api/${tail}?x=%00`,
    `/api/${tail}%00`,
    `/api/${tail}%20`,
    `/API/${tail}`,
    `/Api/${tail}`,
    `/api/${tail.toUpperCase()}`,
    `/%5capi/${tail}`,
    `/\\api/${tail}`,
    `http://127.0.0.1:${port}/api/${tail}`,
    `HTTP://127.0.0.1:${port}/api/${tail}`,
    `http://127.0.0.1:${port}/%61pi/${tail}`,
    `http://evil.example/api/${tail}`,
    `//127.0.0.1:${port}/api/${tail}`,
    `*`,
  ];
}

const adminPaths = ['/api/settings', '/api/streams', '/api/sessions', '/api/system', '/api/exports', '/api/dvr/streams', '/api/dvr/locks', '/api/lan', '/api/playback/stats'];

describe('admin routes under hostile spellings', () => {
  const ctx = useStudio();

  it('answers no spelling of an admin path without the token, and changes nothing', async () => {
    const { urls, api }: TestStudio = ctx();
    const port = Number(new URL(urls.http).port);
    const before = await (await api('/api/settings')).text();
    let tried = 0;
    for (const path of adminPaths) {
      for (const target of spellings(path, port)) {
        const res = await rawRequest(port, 'GET', target);
        tried++;
        // 401 (the route matched and refused), 404 (nothing matched), 400, or no answer at all
        // (Node's parser closes on a target it cannot take) are all fine; a 2xx or a 3xx is not.
        if (res.status !== 0) expect(res.status, `GET ${target}`).toBeGreaterThanOrEqual(400);
        expect(res.body, `GET ${target}`).not.toMatch(/"httpPort"|"playToken"|"publishKey"|"sessions"|"cpu"/);
      }
    }
    for (const target of spellings('/api/settings', port)) {
      const res = await rawRequest(port, 'PUT', target, { 'content-type': 'application/json' }, JSON.stringify({ publishPrefix: 'pwned/' }));
      tried++;
      if (res.status !== 0) expect(res.status, `PUT ${target}`).toBeGreaterThanOrEqual(400);
    }
    expect(await (await api('/api/settings')).text()).toBe(before);
    expect(tried).toBeGreaterThan(300);
    const health = await fetch(new URL('/api/health', urls.http), { signal: AbortSignal.timeout(1000) });
    expect(health.status).toBe(200);
  });

  it('refuses a WebSocket upgrade to the events under any spelling without the token', async () => {
    const { urls } = ctx();
    const port = Number(new URL(urls.http).port);
    for (const target of spellings('/api/events', port)) {
      const res = await rawRequest(port, 'GET', target, {
        upgrade: 'websocket',
        connection: 'Upgrade',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-version': '13',
        origin: `http://127.0.0.1:${port}`,
      });
      expect(res.status, target).not.toBe(101);
    }
  });

  it('lets the token in through the plain spelling only (the router is not weakened)', async () => {
    const { urls, studio } = ctx();
    const port = Number(new URL(urls.http).port);
    const ok = await rawRequest(port, 'GET', '/api/settings', { authorization: `Bearer ${studio.token}` });
    expect(ok.status).toBe(200);
    const encoded = await rawRequest(port, 'GET', '/%61pi/settings', { authorization: `Bearer ${studio.token}` });
    // Either spelling may match, but with the token it is the same route under the same rule.
    expect([200, 404]).toContain(encoded.status);
  });
});

describe('the route table', () => {
  const ctx = useStudio();

  it('has a declared access level on every route, and admin on every state-changing /api route but sign-in', async () => {
    const { studio } = ctx();
    const table: readonly RouteTableEntry[] = studio.app.routeTable;
    expect(table.length).toBeGreaterThan(40);
    for (const route of table) expect(['public', 'admin', 'play', 'publish'], `${route.method} ${route.url}`).toContain(route.access);
    const openWrites = table.filter((r) => r.url.startsWith('/api/') && !['GET', 'HEAD', 'OPTIONS'].includes(r.method) && r.access !== 'admin');
    // The catch-all 404 for unknown /api paths answers every method and does nothing; login is how a token becomes a session.
    expect(openWrites.map((r) => `${r.method} ${r.url}`).sort()).toEqual(
      ['/api/auth/login', '/api/*'].flatMap((url) => openWrites.filter((r) => r.url === url).map((r) => `${r.method} ${r.url}`)).sort(),
    );
    const publicApiReads = table.filter((r) => r.url.startsWith('/api/') && r.access === 'public' && r.method === 'GET').map((r) => r.url);
    for (const url of publicApiReads) expect(url, url).toMatch(/^\/api\/(health|version|auth\/session|public\/(streams|library)|docs|\*)/);
  });

  it('refuses to register a route without an access level', async () => {
    const app = Fastify();
    const table: RouteTableEntry[] = [];
    requireDeclaredAccess(app, table, () => undefined);
    expect(() => app.get('/api/forgotten', async () => 'open')).toThrow(/no access level declared/);
    app.get('/api/declared', { config: { access: 'admin' } }, async () => 'ok');
    expect(table.map((r) => `${r.method} ${r.url} ${r.access}`)).toContain('GET /api/declared admin');
    await app.close();
  });
});

describe('sign-in sessions', () => {
  const ctx = useStudio();

  const login = async (http: string, token: string) => {
    const res = await fetch(new URL('/api/auth/login', http), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: http.replace(/\/$/, '') },
      body: JSON.stringify({ token }),
    });
    expect(res.status).toBe(204);
    const cookie = /fh_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    expect(cookie).toBeTruthy();
    return { cookie: cookie!, header: res.headers.get('set-cookie')! };
  };

  it('gives each sign-in its own random id, not a function of the token, and Sign out revokes it server-side', async () => {
    const { urls, studio } = ctx();
    const a = await login(urls.http, studio.token);
    const b = await login(urls.http, studio.token);
    expect(a.cookie).not.toBe(b.cookie);
    expect(a.header).toMatch(/HttpOnly/i);
    expect(a.header).toMatch(/SameSite=Strict/i);
    // Served over plain HTTP: a Secure cookie would never be sent back.
    expect(a.header).not.toMatch(/;\s*Secure/i);
    const settings = (cookie: string) => fetch(new URL('/api/settings', urls.http), { headers: { cookie: `fh_session=${cookie}` } });
    expect((await settings(a.cookie)).status).toBe(200);
    const out = await fetch(new URL('/api/auth/logout', urls.http), { method: 'POST', headers: { cookie: `fh_session=${a.cookie}`, origin: urls.http.replace(/\/$/, '') } });
    expect(out.status).toBe(204);
    // The same cookie, replayed after Sign out, is refused; the other browser stays signed in.
    expect((await settings(a.cookie)).status).toBe(401);
    expect((await settings(b.cookie)).status).toBe(200);
    // A made-up or over-long cookie is refused without a lookup that could be slow.
    expect((await settings('x'.repeat(43))).status).toBe(401);
    expect((await settings('y'.repeat(5000))).status).toBe(401);
  });

  it('takes a repeated or empty ?token= on the login link as a wrong token, not an error', async () => {
    const { urls, studio } = ctx();
    for (const query of [`token=a&token=b`, `token=${studio.token}&token=${studio.token}`, 'token=', 'token']) {
      const res = await fetch(new URL(`/?${query}`, urls.http), { redirect: 'manual' });
      expect(res.status, query).toBe(302);
      expect(res.headers.get('location'), query).toBe('/?auth=invalid');
      expect(res.headers.get('set-cookie'), query).toBeNull();
    }
  });
});
