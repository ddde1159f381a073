import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface BoundAddress {
  host: string;
  port: number;
}

/** A listen failure in words a user can act on. */
export class ListenError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function describeListenError(err: NodeJS.ErrnoException, what: string, host: string, port: number): ListenError {
  const where = `${host}:${port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return new ListenError(err.code, `${what} port ${port} on ${host} is already in use; choose another with --${what.toLowerCase()}-port (0 picks a free one)`);
    case 'EACCES':
      return new ListenError(err.code, `${what} port ${port} needs privileges on this system; use a port above 1024`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ListenError(err.code, `${host} is not an address of this machine; use 127.0.0.1 or 0.0.0.0`);
    default:
      return new ListenError(err.code ?? 'EUNKNOWN', `cannot listen on ${where}: ${err.message}`);
  }
}

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
    const next = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => this.app.routing(req, res));
    next.on('upgrade', (req, socket, head) => this.app.server.emit('upgrade', req, socket, head));
    const sockets = new Set<Socket>();
    this.sockets.set(next, sockets);
    next.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', (err: NodeJS.ErrnoException) => reject(describeListenError(err, 'HTTP', host, port)));
      next.listen({ host, port }, () => resolve());
    });
    next.on('error', (err) => this.app.log.error({ err }, 'http listener error'));
    const previous = this.server;
    this.server = next;
    if (previous) this.retire(previous, 2000);
    return this.address!;
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
