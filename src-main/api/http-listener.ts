import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { LimitWarning } from '../delivery/busy.js';
import { defaultSettings } from '../config/defaults.js';
import type { Settings } from '../contract/studio-api.js';
import { listenOn, moveListener, type BoundAddress } from '../net/listen.js';
import { httpUrl } from '../net/studio-urls.js';
import type { SettingsReactor } from '../config/settings-applier.js';

/** The HTTP limits, read at every connection: a settings change applies to the next one. */
export interface HttpLimits {
  /** httpMaxConnections: sockets at once, upgrades (WebSockets) and ingest included. */
  maxConnections: number;
  /** httpMaxConnectionsPerAddress: the same from one client address. */
  maxConnectionsPerAddress: number;
  /** httpHeadersTimeoutSeconds, in ms: the time to send the request headers, and the window a body is measured over. */
  headersTimeoutMs: number;
}

/** The limits the settings of the same names give. */
export function httpLimitsFrom(settings: Pick<Settings, 'httpMaxConnections' | 'httpMaxConnectionsPerAddress' | 'httpHeadersTimeoutSeconds'>): HttpLimits {
  return { maxConnections: settings.httpMaxConnections, maxConnectionsPerAddress: settings.httpMaxConnectionsPerAddress, headersTimeoutMs: settings.httpHeadersTimeoutSeconds * 1000 };
}

const defaultLimits = httpLimitsFrom(defaultSettings);

/** How often Node looks for requests past their headers timeout (its default, 30 s, would let slowloris sit there that long). */
const connectionsCheckingIntervalMs = 500;
/** A body, once its headers are in, must keep arriving at least this fast (ASP.NET Kestrel asks 240 B/s; MPEG-TS ingest sends far more). */
const minBodyBytesPerSecond = 1024;

/**
 * The HTTP socket in front of the Fastify app. Fastify itself never listens: each
 * bound server hands requests and upgrades to it, so the address can move (a
 * settings change) without rebuilding the app or restarting the process.
 *
 * What a client may hold, bounded here before any route runs:
 * - connections: in total (Node's maxConnections: refused at accept) and per client
 *   address (destroyed on arrival); loopback is not exempt. Each refusal is logged, at
 *   most once per 10 s per limit, naming the setting.
 * - headers: Node's headersTimeout, checked twice a second, so headers trickled a byte
 *   at a time (slowloris) are cut with a 408 within the setting.
 * - bodies: no requestTimeout (0). MPEG-TS ingest over HTTP POSTs a body that never ends,
 *   and a global request deadline would cut every publisher after it. Instead a body must
 *   keep arriving: over each window of httpHeadersTimeoutSeconds at least 1 KiB/s (any
 *   small body arrives whole within the first window; a publisher sends hundreds of
 *   KiB/s), unless the route itself is not reading (backpressure is not the client's
 *   fault). A trickled body is cut within two windows; a stalled publisher is cut by
 *   its own idle timeout.
 */
/** Plain HTTP, or HTTPS with the studio's certificate: the same app and limits behind either. */
type WebServer = http.Server | https.Server;

/**
 * Connections held, per client address and in all: shared by the HTTP and HTTPS
 * listeners, so a second port is not a second allowance.
 */
export class ConnectionBudget {
  total = 0;
  readonly perAddress = new Map<string, number>();
}

export interface HttpListenerOptions {
  /** 'HTTP' or 'HTTPS': in errors ("HTTPS port 8936 … is already in use; choose another with --https-port"). */
  label?: string;
  /** HTTPS: the key and certificate, read at each bind (absent: plain HTTP). */
  tls?: () => Promise<{ key: string; cert: string }>;
  /** Shared with another listener of the same app; a listener of its own otherwise. */
  budget?: ConnectionBudget;
}

export class HttpListener {
  private server: WebServer | null = null;
  private readonly sockets = new WeakMap<WebServer, Set<Socket>>();
  private readonly budget: ConnectionBudget;
  private readonly label: string;
  private readonly tls: (() => Promise<{ key: string; cert: string }>) | null;
  private readonly bodies: SlowBodies;
  private readonly totalWarning: LimitWarning;
  private readonly addressWarning: LimitWarning;

  constructor(
    private readonly app: FastifyInstance,
    private readonly limits: () => HttpLimits = () => defaultLimits,
    options: HttpListenerOptions = {},
  ) {
    this.budget = options.budget ?? new ConnectionBudget();
    this.label = options.label ?? 'HTTP';
    this.tls = options.tls ?? null;
    const warn = (line: string) => app.log.warn(line);
    this.totalWarning = new LimitWarning(warn);
    this.addressWarning = new LimitWarning(warn);
    this.bodies = new SlowBodies(() => this.limits().headersTimeoutMs, new LimitWarning(warn));
  }

  get address(): BoundAddress | null {
    const addr = this.server?.address() as AddressInfo | null | undefined;
    return addr ? { host: addr.address, port: addr.port } : null;
  }

  /** Binds a new server; the old one (if any) is closed only once the new one listens. */
  /** Moves to the host and port the settings name; `moved` hears the new address (the desktop shell follows it). */
  settingsReactor(moved?: (url: string) => void): SettingsReactor {
    return {
      keys: ['host', 'httpPort'],
      apply: async (settings) => {
        const url = httpUrl(settings.host, await this.listen(settings.host, settings.httpPort));
        moved?.(url);
        return { listener: 'http', url };
      },
    };
  }

  async listen(host: string, port: number): Promise<BoundAddress> {
    await moveListener(
      {
        current: this.address,
        bind: (h, p) => this.bind(h, p),
        letGo: () => {
          if (this.server) void this.retire(this.server, 2000);
          this.server = null;
        },
        adopt: (next) => {
          const previous = this.server;
          this.server = next;
          if (previous) void this.retire(previous, 2000);
        },
      },
      host,
      port,
    );
    return this.address!;
  }

  private async bind(host: string, port: number): Promise<WebServer> {
    const limits = this.limits();
    const options: http.ServerOptions = { keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: connectionsCheckingIntervalMs };
    const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.bodies.watch(req);
      this.app.routing(req, res);
    };
    // A TLS handshake that never ends is held no longer than request headers may take.
    const next: WebServer = this.tls ? https.createServer({ ...options, ...(await this.tls()), handshakeTimeout: limits.headersTimeoutMs }, handle) : http.createServer(options, handle);
    next.maxConnections = limits.maxConnections;
    next.on('upgrade', (req, socket, head) => this.app.server.emit('upgrade', req, socket, head));
    next.on('drop', (data?: { remoteAddress?: string }) => {
      this.totalWarning.hit(`http: refused a connection from ${data?.remoteAddress ?? 'a client'}: ${next.maxConnections} connections are open (setting httpMaxConnections)`);
    });
    const sockets = new Set<Socket>();
    this.sockets.set(next, sockets);
    next.on('connection', (socket: Socket) => this.admit(next, sockets, socket));
    await listenOn(next, this.label, host, port);
    next.on('error', (err) => this.app.log.error({ err }, 'http listener error'));
    return next;
  }

  /** A new connection: counted against its address, or destroyed when that address holds its share already. */
  private admit(server: WebServer, sockets: Set<Socket>, socket: Socket): void {
    const limits = this.limits();
    server.maxConnections = limits.maxConnections;
    server.headersTimeout = limits.headersTimeoutMs;
    const { budget } = this;
    const address = clientAddress(socket.remoteAddress ?? '');
    // Node's maxConnections counts one server; the budget counts both listeners.
    if (budget.total >= limits.maxConnections) {
      socket.destroy();
      this.totalWarning.hit(`http: refused a connection from ${address}: ${budget.total} connections are open (setting httpMaxConnections)`);
      return;
    }
    const open = budget.perAddress.get(address) ?? 0;
    if (open >= limits.maxConnectionsPerAddress) {
      socket.destroy();
      this.addressWarning.hit(`http: refused a connection from ${address}: ${open} connections from that address are open (setting httpMaxConnectionsPerAddress)`);
      return;
    }
    budget.perAddress.set(address, open + 1);
    budget.total++;
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      budget.total--;
      const left = (budget.perAddress.get(address) ?? 1) - 1;
      if (left > 0) budget.perAddress.set(address, left);
      else budget.perAddress.delete(address);
    });
  }

  /** Stops accepting, lets requests under way finish (up to graceMs), then cuts what is left. */
  async close(graceMs = 5000): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await this.retire(server, graceMs);
    this.bodies.close();
  }

  private retire(server: WebServer, graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      // Upgraded sockets (WebSockets) are not in the server's own connection list, hence our set.
      const timer = setTimeout(() => {
        for (const socket of this.sockets.get(server) ?? []) socket.destroy();
      }, graceMs);
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      server.closeIdleConnections();
    });
  }
}

/** ::ffff:10.0.0.5 (IPv4 on a dual-stack socket) is the client 10.0.0.5. */
const clientAddress = (address: string) => (address.startsWith('::ffff:') ? address.slice(7) : address);

const hasBody = (req: http.IncomingMessage) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

interface WatchedBody {
  req: http.IncomingMessage;
  /** Socket bytes read and the time at the start of the current window. */
  windowBytes: number;
  windowAt: number;
}

/** Request bodies being received, looked at once a second: a body that trickles is cut. */
class SlowBodies {
  private readonly watched = new Set<WatchedBody>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly windowMs: () => number,
    private readonly warning: LimitWarning,
  ) {}

  watch(req: http.IncomingMessage): void {
    if (!hasBody(req) || req.complete) return;
    const body: WatchedBody = { req, windowBytes: req.socket.bytesRead, windowAt: Date.now() };
    this.watched.add(body);
    req.once('close', () => this.watched.delete(body));
    this.timer ??= setInterval(() => this.check(), 1000).unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.watched.clear();
  }

  private check(now = Date.now()): void {
    const windowMs = this.windowMs();
    for (const body of this.watched) {
      const { req } = body;
      const socket = req.socket;
      if (req.complete || socket.destroyed) {
        this.watched.delete(body);
        continue;
      }
      if (now - body.windowAt < windowMs) continue;
      const received = socket.bytesRead - body.windowBytes;
      // The route not reading (a paused socket) holds the body back, not the client.
      if (!socket.isPaused() && received < (minBodyBytesPerSecond * (now - body.windowAt)) / 1000) {
        this.watched.delete(body);
        socket.destroy();
        this.warning.hit(
          `http: cut ${req.method} ${(req.url ?? '').split('?')[0]!.slice(0, 200)} from ${clientAddress(socket.remoteAddress ?? '')}: its body came at ${Math.round((received * 1000) / (now - body.windowAt))} B/s (a body must keep arriving at ${minBodyBytesPerSecond} B/s over each window of httpHeadersTimeoutSeconds)`,
        );
        continue;
      }
      body.windowBytes = socket.bytesRead;
      body.windowAt = now;
    }
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}
