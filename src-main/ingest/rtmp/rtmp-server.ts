import net from 'node:net';
import type { Logger } from 'pino';
import { listenOn, moveListener, type BoundAddress } from '../../net/listen.js';
import type { PublishGate } from '../publish-gate.js';
import { RtmpConnection } from './rtmp-connection.js';

export interface RtmpServerOptions {
  gate: PublishGate;
  log: Logger;
  idleTimeoutMs?: number;
  maxConnections?: number;
  playbackHint: () => string;
}

/** The RTMP listener: accepts publishers (OBS, ffmpeg, encoders) and gives each an RtmpConnection. */
export class RtmpServer {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly options: RtmpServerOptions) {}

  get address(): BoundAddress | null {
    const addr = this.server?.address() as net.AddressInfo | null | undefined;
    return addr ? { host: addr.address, port: addr.port } : null;
  }

  /** Binds (again); the previous listener closes only once the new one listens. Publishers already connected stay. */
  async listen(host: string, port: number): Promise<BoundAddress> {
    await moveListener(
      {
        current: this.address,
        bind: async (h, p) => {
          const next = net.createServer((socket) => this.accept(socket));
          next.maxConnections = this.options.maxConnections ?? 1000;
          await listenOn(next, 'RTMP', h, p);
          next.on('error', (err) => this.options.log.error({ err }, 'rtmp listener error'));
          return next;
        },
        letGo: () => {
          this.server?.close();
          this.server = null;
        },
        adopt: (next) => {
          this.server?.close();
          this.server = next;
        },
      },
      host,
      port,
    );
    return this.address!;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    new RtmpConnection(socket, {
      gate: this.options.gate,
      log: this.options.log,
      idleTimeoutMs: this.options.idleTimeoutMs ?? 10_000,
      playbackHint: this.options.playbackHint,
    });
  }
}
