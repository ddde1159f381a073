import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { listenOn, moveListener, type BoundAddress } from '../net/listen.js';

/**
 * The HTTP socket in front of the Fastify app. Fastify itself never listens: each
 * bound server hands requests and upgrades to it, so the address can move (a
 * settings change) without rebuilding the app or restarting the process.
 */
export class HttpListener {
  private server: http.Server | null = null;
  private readonly sockets = new WeakMap<http.Server, Set<Socket>>();

  constructor(private readonly app: FastifyInstance) {}

  get address(): BoundAddress | null {
    const addr = this.server?.address() as AddressInfo | null | undefined;
    return addr ? { host: addr.address, port: addr.port } : null;
  }

  /** Binds a new server; the old one (if any) is closed only once the new one listens. */
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

  private async bind(host: string, port: number): Promise<http.Server> {
    const next = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => this.app.routing(req, res));
    next.on('upgrade', (req, socket, head) => this.app.server.emit('upgrade', req, socket, head));
    const sockets = new Set<Socket>();
    this.sockets.set(next, sockets);
    next.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await listenOn(next, 'HTTP', host, port);
    next.on('error', (err) => this.app.log.error({ err }, 'http listener error'));
    return next;
  }

  /** Stops accepting, lets requests under way finish (up to graceMs), then cuts what is left. */
  async close(graceMs = 5000): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await this.retire(server, graceMs);
  }

  private retire(server: http.Server, graceMs: number): Promise<void> {
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
