// LAN discovery: while the studio listens on the LAN, mDNS/DNS-SD (RFC 6762/6763) tells
// the network "Framehouse on <host>" serves its watch page over HTTP (`_http._tcp`), so a
// phone's or laptop's service browser lists it without anyone typing an address. When the
// LAN switch goes off or the studio stops, goodbye packets (TTL 0) take it out of caches.
//
// Discovery is an extra: a machine without a multicast route, a firewall, or an OS that
// keeps UDP 5353 to itself must not keep the studio from serving. Every problem of the
// mDNS socket is logged once as a warning and shows in status(); nothing is thrown.
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import os from 'node:os';
import Bonjour from 'bonjour-service';
import type { Logger } from 'pino';
import { studioVersion } from '../version.js';

/** What discovery is doing: for the UI next to the LAN switch. */
export type LanDiscoveryStatus = 'off' | 'announcing' | 'announced' | 'failed';

/** The mDNS group and port (RFC 6762 §3). */
const mdnsGroup = '224.0.0.251';
const serviceType = 'http';
/** DNS labels are at most 63 bytes; the instance name is one label. Room is kept for " (9)". */
const maxNameBytes = 63 - 4;
/** Probing (RFC 6762 §8.1): three queries 250 ms apart, then 250 ms for an answer. */
const probeGapMs = 250;
const probeCount = 3;
/** Other names tried when ours is taken on the network: "Framehouse on host (2)" … "(9)". */
const maxRenames = 8;
/** A send or a goodbye that has not finished by then is given up on (the socket is closed anyway). */
const sendTimeoutMs = 2000;

export interface LanAnnouncerOptions {
  /** The service instance name; default "Framehouse on <host>". */
  name?: string;
  /** The watch page's path, sent in the TXT record (`path=`). */
  path: string;
  /** Sent in the TXT record (`version=`); default the studio's version. */
  version?: string;
  /**
   * The IPv4 address of the one interface to announce on (tests: 127.0.0.1). Default: the
   * interface of the default route, as multicast-dns picks it.
   */
  interface?: string;
  /** false: apply() never announces (FRAMEHOUSE_MDNS=off). */
  enabled?: boolean;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** Told each time status() changes. */
  onStatus?: (status: LanDiscoveryStatus) => void;
}

/** How the environment sets discovery up: FRAMEHOUSE_MDNS=off turns it off, FRAMEHOUSE_MDNS_INTERFACE picks the interface. */
export function lanDiscoveryFromEnv(env: NodeJS.ProcessEnv): { enabled: boolean; interface: string | undefined } {
  const switchText = (env.FRAMEHOUSE_MDNS ?? '').trim().toLowerCase();
  const iface = (env.FRAMEHOUSE_MDNS_INTERFACE ?? '').trim();
  return { enabled: !['off', '0', 'false', 'no'].includes(switchText), interface: iface === '' ? undefined : iface };
}

/** This machine's name without its domain, as mDNS names hosts (`<host>.local`). */
/** The host name the announcement's SRV record points at: framehouse-<computer>.local. */
export const srvTarget = () => `framehouse-${shortHostname().toLowerCase().replace(/[^a-z0-9-]/g, '-')}.local`;

export function shortHostname(): string {
  const host = os.hostname().split('.')[0]?.trim() ?? '';
  return host === '' ? 'localhost' : host;
}

/** "Framehouse on <host>", cut to fit one DNS label. */
export function defaultServiceName(host = shortHostname()): string {
  return fitLabel(`Framehouse on ${host}`);
}

function fitLabel(name: string): string {
  // bonjour-service turns dots into dashes (a dot would split the label); done here so probes ask for the same name.
  let out = name.split('.').join('-');
  while (Buffer.byteLength(out) > maxNameBytes) out = [...out].slice(0, -1).join('');
  return out;
}

const fqdnOf = (name: string) => `${name}._${serviceType}._tcp.local`;
const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

interface MdnsRecord {
  name: string;
  ttl?: number;
}
interface MdnsPacket {
  answers?: MdnsRecord[];
  additionals?: MdnsRecord[];
}
/** The part of multicast-dns's instance used here (bonjour-service does not type it). */
interface Mdns extends EventEmitter {
  query(name: string, type: string, cb?: (err?: Error | null) => void): void;
}

/** One socket's life: made when discovery goes on, closed when it goes off. */
interface Session {
  bonjour: Bonjour;
  mdns: Mdns;
  service: Bonjour.Service | null;
  /** The name claimed by probing; kept when only the port changes. */
  name: string | null;
  port: number | null;
  failed: boolean;
  /** Settles once the socket is bound (true) or could not be (false). */
  bound: Promise<boolean>;
}

/**
 * Announces the studio's watch page on the LAN. apply() says what is wanted (called with
 * the LAN switch and the HTTP port each time either changes); the announcer gets there one
 * step at a time, so quick changes settle on the last one.
 */
export class LanAnnouncer {
  private wanted = { on: false, port: 0 };
  private session: Session | null = null;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private current: LanDiscoveryStatus = 'off';
  /** Problems already warned about (by code): each is logged once, until an announcement works again. */
  private readonly warned = new Set<string>();
  private readonly baseName: string;

  constructor(private readonly options: LanAnnouncerOptions) {
    this.baseName = fitLabel(options.name ?? defaultServiceName());
  }

  status(): LanDiscoveryStatus {
    return this.current;
  }

  /** The name announced (it may carry " (2)" when another host had ours); null when nothing is. */
  announcedName(): string | null {
    return this.current === 'announced' ? (this.session?.name ?? null) : null;
  }

  /**
   * On: announce on `port` (again, with goodbyes for the old one, when the port changed).
   * Off: withdraw. Idempotent. The promise settles once that is on the wire; it never rejects.
   */
  apply(lanOn: boolean, port: number): Promise<void> {
    this.wanted = { on: lanOn, port };
    return this.step();
  }

  /** Withdraws the announcement (awaiting the goodbyes) and closes the socket. */
  close(): Promise<void> {
    this.closed = true;
    return this.step();
  }

  private step(): Promise<void> {
    this.queue = this.queue.then(() => this.reconcile()).catch((err: unknown) => this.problem(err));
    return this.queue;
  }

  private setStatus(status: LanDiscoveryStatus) {
    if (status === this.current) return;
    this.current = status;
    this.options.onStatus?.(status);
  }

  private problem(err: unknown) {
    const error = err instanceof Error ? err : new Error(String(err));
    const code = (error as NodeJS.ErrnoException).code ?? error.message;
    if (this.session) this.session.failed = true;
    this.setStatus('failed');
    if (this.warned.has(code)) {
      this.options.log.debug({ err: error }, 'lan discovery: mDNS problem (again)');
      return;
    }
    this.warned.add(code);
    this.options.log.warn(`lan discovery: not announced on the network (mDNS: ${error.message}); the studio serves as before, reach it by address`);
  }

  /** Whether announcing on `port` is still what is wanted (apply() or close() may have come since). */
  private wants(port: number): boolean {
    return !this.closed && this.options.enabled !== false && this.wanted.on && this.wanted.port === port && port > 0;
  }

  private async reconcile(): Promise<void> {
    if (!this.wants(this.wanted.port)) {
      await this.endSession();
      this.setStatus('off');
      return;
    }
    const port = this.wanted.port;
    let session = this.session;
    if (session?.failed) {
      await this.endSession();
      session = null;
    }
    if (session && session.service && session.port === port) return;
    session ??= this.startSession();
    if (!session) return;
    this.setStatus('announcing');
    if (!(await session.bound) || session.failed || session !== this.session) {
      if (session === this.session && !session.failed) this.problem(new Error('the mDNS socket did not open'));
      return;
    }
    if (session.service) await this.withdraw(session);
    session.name ??= await this.claimName(session, port);
    // Changed meanwhile: the step queued behind this one takes it from here.
    if (session.failed || session !== this.session || !this.wants(port)) return;
    if (!session.name) {
      this.problem(new Error(`"${this.baseName}" and its numbered variants are all in use on the network`));
      return;
    }
    await this.announce(session, session.name, port);
  }

  private startSession(): Session | null {
    const iface = this.options.interface;
    if (iface !== undefined && !net.isIPv4(iface)) {
      this.problem(new Error(`FRAMEHOUSE_MDNS_INTERFACE must be an IPv4 address of this machine, not "${iface}"`));
      return null;
    }
    // Problems of a socket already given up on (closing, replaced) are not the current one's.
    let session: Session | null = null;
    const report = (err: unknown) => {
      if (session === null || this.session === session) this.problem(err);
    };
    const socket = mdnsSocket(iface, report);
    const bonjour = new Bonjour(
      {
        socket,
        // Pinned to one interface: bound to the group itself, so the socket hears the group's
        // datagrams (bound to a unicast address it would not) and nothing sent to this machine's
        // other addresses. Windows cannot bind a multicast address: there, every address.
        ...(iface !== undefined ? { interface: iface, bind: process.platform === 'win32' ? '0.0.0.0' : mdnsGroup } : {}),
      } as Partial<Bonjour.ServiceConfig>,
      report,
    );
    const mdns = (bonjour as unknown as { server?: { mdns?: unknown } }).server?.mdns;
    if (!(mdns instanceof EventEmitter)) {
      // Without its emitter an 'error' (port 5353 taken) would be thrown out of the event loop.
      bonjour.destroy();
      this.problem(new Error('bonjour-service changed shape: its multicast-dns instance was not found'));
      return null;
    }
    // Errors: the socket could not bind (EADDRINUSE, EACCES on 5353).
    mdns.on('error', report);
    const bound = within(new Promise<boolean>((resolve) => mdns.once('ready', () => resolve(true)).once('error', () => resolve(false))), sendTimeoutMs, false);
    // Warnings: an interface that cannot join the group (others may), a packet that does not parse.
    mdns.on('warning', (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      if (this.warned.has(`warning:${message}`)) return;
      this.warned.add(`warning:${message}`);
      this.options.log.debug(`lan discovery: mDNS warning: ${message}`);
    });
    session = { bonjour, mdns: mdns as Mdns, service: null, name: null, port: null, failed: false, bound };
    this.session = session;
    return session;
  }

  /** Probes for our name and, while another host answers for it, for "name (2)" … */
  private async claimName(session: Session, port: number): Promise<string | null> {
    for (let n = 1; n <= 1 + maxRenames; n++) {
      const name = n === 1 ? this.baseName : `${this.baseName} (${n})`;
      const taken = await this.probe(session, fqdnOf(name));
      if (session.failed || session !== this.session || !this.wants(port)) return null;
      if (!taken) {
        if (n > 1) this.options.log.info(`lan discovery: "${this.baseName}" is taken on the network; announcing as "${name}"`);
        return name;
      }
    }
    return null;
  }

  /** Asks the network whether anyone answers for `fqdn` (our own records are never registered while probing). */
  private probe(session: Session, fqdn: string): Promise<boolean> {
    return new Promise((resolve) => {
      const timers: NodeJS.Timeout[] = [];
      const onResponse = (packet: MdnsPacket) => {
        // A goodbye (TTL 0) is someone letting go of the name, not holding it.
        const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])];
        if (records.some((r) => sameName(r.name, fqdn) && r.ttl !== 0)) done(true);
      };
      const done = (taken: boolean) => {
        for (const timer of timers) clearTimeout(timer);
        session.mdns.removeListener('response', onResponse);
        resolve(taken);
      };
      session.mdns.on('response', onResponse);
      // A random start, so two hosts starting together do not probe in step.
      const start = Math.random() * probeGapMs;
      for (let i = 0; i < probeCount; i++) {
        timers.push(setTimeout(() => session.mdns.query(fqdn, 'ANY'), start + i * probeGapMs));
      }
      timers.push(setTimeout(() => done(false), start + probeCount * probeGapMs));
    });
  }

  private async announce(session: Session, name: string, port: number): Promise<void> {
    const service = session.bonjour.publish({
      name,
      type: serviceType,
      port,
      // SRV target and A records under a name of the studio's own: the machine's name belongs to the OS's
      // responder (mDNSResponder, Avahi), and a second answer for it makes macOS rename the computer.
      // IPv4 only, as the studio's LAN URLs.
      host: srvTarget(),
      txt: { version: this.options.version ?? studioVersion, path: this.options.path },
      probe: false,
      disableIPv6: true,
    });
    session.service = service;
    session.port = port;
    // 'up' comes once the first announcement is sent (bonjour-service repeats it at 1 s, 3 s, 9 s …).
    const sent = await within(new Promise<boolean>((resolve) => service.once('up', () => resolve(true))), sendTimeoutMs, false);
    if (session.failed || session !== this.session || session.service !== service) return;
    if (!sent) {
      this.problem(new Error('the announcement was not sent'));
      return;
    }
    this.warned.clear();
    this.setStatus('announced');
    this.options.log.info(`lan discovery: announced as "${name}" (_http._tcp, port ${port})`);
  }

  /** Goodbyes for the service announced, and forgets it. */
  private async withdraw(session: Session): Promise<void> {
    const service = session.service;
    if (!service) return;
    session.service = null;
    session.port = null;
    await within(new Promise<void>((resolve) => service.stop(() => resolve())), sendTimeoutMs, undefined);
  }

  private async endSession(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const announced = session.service !== null;
    // Goodbyes even after a failure: a send that failed once may work now; the wait is bounded.
    await this.withdraw(session);
    this.session = null;
    await within(new Promise<void>((resolve) => session.bonjour.destroy(() => resolve())), sendTimeoutMs, undefined);
    if (announced) this.options.log.info('lan discovery: withdrawn');
  }
}

/**
 * The mDNS socket (for bonjour-service's `socket` option). With an interface, multicast leaves through that interface only: the
 * interface is set (IP_MULTICAST_IF) when the socket is bound, before multicast-dns can send,
 * and a send before that, or after setting it failed, is refused. multicast-dns itself sets it
 * only after joining the group works; had the join failed, its datagrams would leave by the
 * default route. (Multicast to 224.0.0.251 with IP_MULTICAST_IF set goes out that device
 * whatever the routing table says: Linux routes link-local multicast with an output
 * interface straight to it, even `lo` without the MULTICAST flag.) Problems go to `report`.
 */
export function mdnsSocket(iface: string | undefined, report: (err: unknown) => void): dgram.Socket {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  let pinned = iface === undefined;
  if (iface !== undefined) {
    // Registered before multicast-dns's own 'listening' handler, so it runs first.
    socket.on('listening', () => {
      try {
        socket.setMulticastInterface(iface);
        pinned = true;
      } catch (err) {
        report(err);
      }
    });
  }
  const send = socket.send.bind(socket) as (...args: unknown[]) => void;
  // multicast-dns sends as send(buffer, offset, length, port, address, callback).
  const guarded = (...args: unknown[]) => {
    const last = args[args.length - 1];
    const callback = typeof last === 'function' ? (last as (err: Error | null) => void) : () => {};
    const rest = typeof last === 'function' ? args.slice(0, -1) : args;
    if (!pinned) {
      const err = new Error(`the multicast interface ${iface ?? ''} could not be set; nothing sent`);
      report(err);
      process.nextTick(callback, err);
      return;
    }
    send(...rest, (err: Error | null) => {
      if (err) report(err);
      callback(err);
    });
  };
  socket.send = guarded as typeof socket.send;
  return socket;
}

function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
