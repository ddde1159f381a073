import os from 'node:os';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SettingsView } from '../../contract/studio-api.js';
import { createAccessControl, installAccessControl } from '../auth/access-control.js';
import { HostGuard } from '../auth/host-guard.js';
import { SessionStore } from '../auth/session-store.js';
import { openDatabase } from '../../db/index.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { lanInfo, lanRoutes, type LanRouteDeps } from './lan.js';

const token = 'admin-token-for-tests-0123456789';
let app: FastifyInstance | null = null;

async function appWith(deps: LanRouteDeps): Promise<FastifyInstance> {
  const server = Fastify();
  server.setValidatorCompiler(TypeBoxValidatorCompiler);
  await server.register(fastifyCookie);
  installAccessControl(server, createAccessControl(token, new SessionStore(openDatabase(':memory:'), token)), new HostGuard(() => ({ host: '127.0.0.1', allowedHosts: [] })));
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
    const lan = async () => (await fetch(new URL('/api/lan', http), { headers: { authorization: `Bearer ${studio().studio.token}` } })).json();
    // The rule, written here on its own: one URL per IPv4 address that is not loopback (127.0.0.0/8),
    // in the order the system lists them; no IPv6 (a browser will not take a zone id, and phones are given IPv4).
    const expected = Object.values(os.networkInterfaces())
      .flatMap((list) => list ?? [])
      .filter((i) => String(i.family) === 'IPv4' || String(i.family) === '4')
      .map((i) => i.address)
      .filter((address) => !address.startsWith('127.'))
      .map((address) => `http://${address}:${port}/`);
    expect(await lan()).toEqual({ bound: '0.0.0.0', lan: true, urls: expected });

    // A machine with more to choose from than this one: loopback, IPv6 (global and link-local) and two networks.
    const iface = (address: string, family: 'IPv4' | 'IPv6', internal = false): os.NetworkInterfaceInfo =>
      family === 'IPv4' ? { address, family, internal, netmask: '255.255.255.0', mac: '02:00:00:00:00:01', cidr: null } : { address, family, internal, netmask: 'ffff:ffff:ffff:ffff::', mac: '02:00:00:00:00:01', cidr: null, scopeid: 0 };
    vi.spyOn(os, 'networkInterfaces').mockReturnValue({
      lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
      eth0: [iface('192.168.1.20', 'IPv4'), iface('fd00::20', 'IPv6'), iface('fe80::20', 'IPv6')],
      wlan0: [iface('10.0.0.5', 'IPv4')],
    });
    try {
      expect(await lan()).toEqual({ bound: '0.0.0.0', lan: true, urls: [`http://192.168.1.20:${port}/`, `http://10.0.0.5:${port}/`] });
    } finally {
      vi.restoreAllMocks();
    }
  });
});
