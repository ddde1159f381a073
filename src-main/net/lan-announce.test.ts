// LAN discovery against a real mDNS browser (bonjour-service's), both on the loopback
// interface only: each socket has IP_MULTICAST_IF 127.0.0.1 set before it may send (see
// mdnsSocket), so the announcements and queries go out `lo` and nowhere else. Linux delivers
// 224.0.0.251 over `lo` although `lo` has no MULTICAST flag: with an output interface set,
// link-local multicast is routed straight to it, and the group is joined on it all the same.
import dgram from 'node:dgram';
import type { EventEmitter } from 'node:events';
import os from 'node:os';
import Bonjour from 'bonjour-service';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultServiceName, LanAnnouncer, lanDiscoveryFromEnv, mdnsSocket, shortHostname, srvTarget, type LanAnnouncerOptions } from './lan-announce.js';
import { studioVersion } from '../version.js';

const lo = '127.0.0.1';
const waitMs = 4000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Lines {
  warn: string[];
  info: string[];
  debug: string[];
}

function fakeLog(): { log: LanAnnouncerOptions['log']; lines: Lines } {
  const lines: Lines = { warn: [], info: [], debug: [] };
  const line = (list: string[]) => (...args: unknown[]) => void list.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  return { log: { warn: line(lines.warn), info: line(lines.info), debug: line(lines.debug) } as unknown as LanAnnouncerOptions['log'], lines };
}

/** A name no other test (nor a studio another test file runs) announces. */
let names = 0;
const uniqueName = () => `Framehouse on ${shortHostname()} test ${process.pid}-${++names}`;

function announcer(options: Partial<LanAnnouncerOptions> = {}) {
  const { log, lines } = fakeLog();
  const name = options.name ?? uniqueName();
  const a = new LanAnnouncer({ path: '/', interface: lo, log, ...options, name });
  cleanups.push(() => a.close());
  return { announcer: a, lines, name };
}

/** A real DNS-SD browser for _http._tcp, on loopback only. */
function browser() {
  const problems: unknown[] = [];
  const bonjour = new Bonjour({ socket: mdnsSocket(lo, (err) => problems.push(err)), interface: lo, bind: '224.0.0.251' } as Partial<Bonjour.ServiceConfig>, (err: unknown) => problems.push(err));
  const found = bonjour.find({ type: 'http' });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        found.stop();
        bonjour.destroy(() => resolve());
      }),
  );
  return { found, problems };
}

/** The next `event` whose service passes `match`, or a rejection after waitMs. */
function next(emitter: EventEmitter, event: string, match: (service: Bonjour.Service) => boolean): Promise<Bonjour.Service> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.removeListener(event, on);
      reject(new Error(`no "${event}" within ${waitMs} ms`));
    }, waitMs);
    const on = (service: Bonjour.Service) => {
      if (!match(service)) return;
      clearTimeout(timer);
      emitter.removeListener(event, on);
      resolve(service);
    };
    emitter.on(event, on);
  });
}

const named = (name: string) => (s: Bonjour.Service) => s.name === name;

describe('LAN discovery (mDNS on loopback)', () => {
  it('announces the watch page while LAN is on, and withdraws it when turned off', async () => {
    const { found, problems } = browser();
    const { announcer: a, lines, name } = announcer({ path: '/' });
    const up = next(found, 'up', named(name));
    await a.apply(true, 43210);
    const service = await up;
    expect(a.status()).toBe('announced');
    expect(a.announcedName()).toBe(name);
    expect(service.type).toBe('http');
    expect(service.protocol).toBe('tcp');
    expect(service.port).toBe(43210);
    expect(service.host).toBe(srvTarget());
    expect(service.host).not.toBe(`${shortHostname()}.local`); // never the computer's own mDNS name
    expect(service.txt).toEqual({ path: '/', version: studioVersion });

    const down = next(found, 'down', named(name));
    await a.apply(false, 43210);
    await down;
    expect(a.status()).toBe('off');
    expect(lines.warn).toEqual([]);
    expect(problems).toEqual([]);
  }, 15_000);

  it('announces the new port when the port changes, and nothing again for the same one', async () => {
    const { found } = browser();
    const { announcer: a, lines, name } = announcer();
    const ups: number[] = [];
    found.on('up', (s: Bonjour.Service) => s.name === name && ups.push(s.port));
    const first = next(found, 'up', named(name));
    await a.apply(true, 40001);
    expect((await first).port).toBe(40001);

    // The same again: nothing is sent (no goodbye, no second probe).
    await a.apply(true, 40001);
    expect(a.status()).toBe('announced');

    const gone = next(found, 'down', named(name));
    const moved = next(found, 'up', (s) => s.name === name && s.port === 40002);
    await a.apply(true, 40002);
    await gone;
    expect((await moved).port).toBe(40002);
    expect(ups).toEqual([40001, 40002]);
    expect(a.status()).toBe('announced');
    expect(lines.warn).toEqual([]);
  }, 15_000);

  it('settles on the last of quick changes', async () => {
    const { found } = browser();
    const statuses: string[] = [];
    const { announcer: a, name } = announcer({ onStatus: (s) => statuses.push(s) });
    const ups: number[] = [];
    found.on('up', (s: Bonjour.Service) => s.name === name && ups.push(s.port));
    void a.apply(true, 40011);
    await a.apply(true, 40012);
    expect(a.status()).toBe('announced');
    void a.apply(false, 40012);
    void a.apply(true, 40013);
    await a.apply(false, 40013);
    expect(a.status()).toBe('off');
    // Give a stray announcement time to arrive: there must be none but 40012's.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ups).toEqual([40012]);
    // Each step goes to what is wanted when it runs: the passing wish for 40013 was never acted on.
    expect(statuses).toEqual(['announcing', 'announced', 'off']);
  }, 15_000);

  it('withdraws on close(), and stays quiet after it', async () => {
    const { found } = browser();
    const { announcer: a, name } = announcer();
    const up = next(found, 'up', named(name));
    await a.apply(true, 40003);
    await up;
    const down = next(found, 'down', named(name));
    await a.close();
    await down;
    expect(a.status()).toBe('off');
    await a.apply(true, 40003);
    expect(a.status()).toBe('off');
  }, 15_000);

  it('takes "name (2)" when another host already answers for the name', async () => {
    const { found } = browser();
    const first = announcer();
    const name = first.name;
    await first.announcer.apply(true, 40004);
    expect(first.announcer.status()).toBe('announced');
    const second = announcer({ name });
    const up = next(found, 'up', named(`${name} (2)`));
    await second.announcer.apply(true, 40005);
    expect((await up).port).toBe(40005);
    expect(second.announcer.announcedName()).toBe(`${name} (2)`);
    expect(second.lines.info.join('\n')).toMatch(/is taken on the network/);
    // The first one was not knocked out (no goodbye for its name was sent).
    expect(found.services.find((s) => s.name === name)?.port).toBe(40004);
  }, 15_000);

  it('says once that UDP 5353 is taken, and the studio goes on', async () => {
    // Held without SO_REUSEADDR: the announcer's bind (with it) fails with EADDRINUSE.
    const holder = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    const held = await new Promise<boolean>((resolve) => {
      holder.once('error', () => resolve(false));
      holder.bind(5353, '224.0.0.251', () => resolve(true));
    });
    cleanups.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));
    if (!held) return; // another program holds 5353 with SO_REUSEADDR: the case cannot be made here
    const { announcer: a, lines } = announcer();
    await a.apply(true, 40006);
    expect(a.status()).toBe('failed');
    await a.apply(true, 40007);
    expect(a.status()).toBe('failed');
    expect(lines.warn).toHaveLength(1);
    expect(lines.warn[0]).toMatch(/lan discovery: not announced .*EADDRINUSE/);
    await a.close();
    expect(a.status()).toBe('off');
  }, 15_000);

  it('sends nothing when the multicast interface cannot be set, and says so once', async () => {
    // An address of no interface here (TEST-NET-2): IP_MULTICAST_IF refuses it, and the socket then sends nothing at all.
    // (127.0.0.2 would not do: Linux takes any address of a local route, and 127.0.0.0/8 is one, on lo.)
    const elsewhere = '198.51.100.77';
    expect(Object.values(os.networkInterfaces()).flatMap((list) => list ?? []).map((i) => i.address)).not.toContain(elsewhere);
    const { announcer: a, lines } = announcer({ interface: elsewhere });
    await a.apply(true, 40008);
    expect(a.status()).toBe('failed');
    expect(lines.warn).toHaveLength(1);
    expect(lines.warn[0]).toMatch(/lan discovery: not announced/);

    const bad = announcer({ interface: 'eth0' });
    await bad.announcer.apply(true, 40009);
    expect(bad.announcer.status()).toBe('failed');
    expect(bad.lines.warn[0]).toMatch(/IPv4 address/);
  }, 15_000);

  it('does nothing when turned off by the environment', async () => {
    const { announcer: a } = announcer({ enabled: false });
    await a.apply(true, 40010);
    expect(a.status()).toBe('off');
  });
});

describe('lanDiscoveryFromEnv', () => {
  it('reads FRAMEHOUSE_MDNS and FRAMEHOUSE_MDNS_INTERFACE', () => {
    expect(lanDiscoveryFromEnv({})).toEqual({ enabled: true, interface: undefined });
    expect(lanDiscoveryFromEnv({ FRAMEHOUSE_MDNS: 'off' })).toEqual({ enabled: false, interface: undefined });
    expect(lanDiscoveryFromEnv({ FRAMEHOUSE_MDNS: 'OFF ', FRAMEHOUSE_MDNS_INTERFACE: '127.0.0.1' })).toEqual({ enabled: false, interface: '127.0.0.1' });
    expect(lanDiscoveryFromEnv({ FRAMEHOUSE_MDNS: 'on', FRAMEHOUSE_MDNS_INTERFACE: ' 127.0.0.1 ' })).toEqual({ enabled: true, interface: '127.0.0.1' });
  });
});

describe('defaultServiceName', () => {
  it('is "Framehouse on <host>", one DNS label', () => {
    expect(defaultServiceName('studio-pc')).toBe('Framehouse on studio-pc');
    expect(Buffer.byteLength(defaultServiceName('x'.repeat(80)))).toBeLessThanOrEqual(59);
    expect(shortHostname()).not.toContain('.');
  });
});
