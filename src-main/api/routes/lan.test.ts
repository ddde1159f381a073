import os from 'node:os';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { afterEach, describe, expect, it } from 'vitest';
import type { SettingsView } from '../contract.js';
import { createAccessControl, installAccessControl } from '../auth/access-control.js';
import { HostGuard } from '../auth/host-guard.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { lanInfo, lanRoutes, type LanRouteDeps } from './lan.js';

const token = 'admin-token-for-tests-0123456789';
let app: FastifyInstance | null = null;

async function appWith(deps: LanRouteDeps): Promise<FastifyInstance> {
  const server = Fastify();
  server.setValidatorCompiler(TypeBoxValidatorCompiler);
  await server.register(fastifyCookie);
  installAccessControl(server, createAccessControl(token), new HostGuard(() => ({ host: '127.0.0.1', allowedHosts: [] })));
  await server.register(lanRoutes(deps));
  await server.ready();
  app = server;
  return server;
}

afterEach(async () => {
  await app?.close();
  app = null;
});

const lanUrls = { http: 'http://127.0.0.1:8935/', lan: ['http://192.168.1.20:8935/', 'http://10.0.0.5:8935/'] };

describe('GET /api/lan', () => {
  it('needs the admin token', async () => {
    const server = await appWith({ host: () => '0.0.0.0', urls: () => lanUrls });
    const anonymous = await server.inject({ url: '/api/lan', headers: { host: '127.0.0.1:8935' } });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body).not.toContain('192.168');
    const signedIn = await server.inject({ url: '/api/lan', headers: { host: '127.0.0.1:8935', authorization: `Bearer ${token}` } });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json()).toEqual({ bound: '0.0.0.0', lan: true, urls: lanUrls.lan });
  });

  it('says whether the network can reach the studio, and by which URLs', () => {
    expect(lanInfo({ host: () => '127.0.0.1', urls: () => lanUrls })).toEqual({ bound: '127.0.0.1', lan: false, urls: [] });
    expect(lanInfo({ host: () => '::1', urls: () => lanUrls })).toEqual({ bound: '::1', lan: false, urls: [] });
    expect(lanInfo({ host: () => '::', urls: () => lanUrls })).toEqual({ bound: '::', lan: true, urls: lanUrls.lan });
    expect(lanInfo({ host: () => '0.0.0.0', urls: () => ({ lan: [] }) })).toEqual({ bound: '0.0.0.0', lan: true, urls: [] });
    // Bound to one address of this machine: that address is the way in.
    expect(lanInfo({ host: () => '192.168.1.20', urls: () => ({ http: 'http://192.168.1.20:8935/', lan: [] }) })).toEqual({
      bound: '192.168.1.20',
      lan: true,
      urls: ['http://192.168.1.20:8935/'],
    });
  });
});

describe('GET /api/lan in a running studio', () => {
  const studio = useStudio({ host: '127.0.0.1' });

  it('follows the host setting', async () => {
    expect((await fetch(new URL('/api/lan', studio().urls.http))).status).toBe(401);
    expect(await (await studio().api('/api/lan')).json()).toEqual({ bound: '127.0.0.1', lan: false, urls: [] });
    // The settings switch: every listener moves to all interfaces (port 0 picks new ports).
    const view = (await (await studio().api('/api/settings', { method: 'PUT', body: JSON.stringify({ host: '0.0.0.0' }) })).json()) as SettingsView;
    const http = view.restarted.find((r) => r.listener === 'http')!.url;
    const port = new URL(http).port;
    const res = await fetch(new URL('/api/lan', http), { headers: { authorization: `Bearer ${studio().studio.token}` } });
    const expected = Object.values(os.networkInterfaces())
      .flatMap((list) => list ?? [])
      .filter((i) => !i.internal && i.family === 'IPv4')
      .map((i) => `http://${i.address}:${port}/`);
    expect(await res.json()).toEqual({ bound: '0.0.0.0', lan: true, urls: expected });
  });
});
