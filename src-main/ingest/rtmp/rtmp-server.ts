import net from 'node:net';
import type { Logger } from 'pino';
import { listenOn, moveListener, type BoundAddress } from '../../net/listen.js';
import { rtmpUrl } from '../../net/studio-urls.js';
import type { SettingsReactor } from '../../config/settings-applier.js';
import type { PublishGate } from '../publish-gate.js';
import { ConnectionCounter, IngestMemory, LimitWarnings, defaultIngestLimits, peerAddress, type IngestLimits } from '../ingest-limits.js';
import { RtmpConnection } from './rtmp-connection.js';

export interface RtmpServerOptions {
  gate: PublishGate;
  log: Logger;
  /** Read for each new connection, so a settings change applies without a restart. */
  limits?: () => IngestLimits;
  /** Memory held for all publishers (shared with the other ingest listeners). */
  memory?: IngestMemory;
  playbackHint: () => string;
}

/** The RTMP listener: accepts publishers (OBS, ffmpeg, encoders) and gives each an RtmpConnection. */
export class RtmpServer {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly limits: () => IngestLimits;
  private readonly connections: ConnectionCounter;
  private readonly memory: IngestMemory;
  private readonly warnings: LimitWarnings;

  constructor(private readonly options: RtmpServerOptions) {
    this.limits = options.limits ?? (() => defaultIngestLimits);
    this.connections = new ConnectionCounter('RTMP', this.limits);
    this.memory = options.memory ?? new IngestMemory(this.limits);
    this.warnings = new LimitWarnings(options.log);
  }

  get address(): BoundAddress | null {
    const addr = this.server?.address() as net.AddressInfo | null | undefined;
    return addr ? { host: addr.address, port: addr.port } : null;
  }

  /** Binds (again); the previous listener closes only once the new one listens. Publishers already connected stay. */
  /** Moves to the host and port the settings name. */
  settingsReactor(): SettingsReactor {
    return {
      keys: ['host', 'rtmpPort'],
      apply: async (settings) => ({ listener: 'rtmp', url: rtmpUrl(settings.host, await this.listen(settings.host, settings.rtmpPort)) }),
    };
  }

  async listen(host: string, port: number): Promise<BoundAddress> {
    await moveListener(
      {
        current: this.address,
        bind: async (h, p) => {
          // No net.Server maxConnections: it drops sockets without a word; the counter logs why.
          const next = net.createServer((socket) => this.accept(socket));
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
    const address = peerAddress(socket.remoteAddress);
    const admission = this.connections.admit(address);
    if (!admission.ok) {
      this.warnings.warn(`rtmp: refusing a connection from ${address}`, admission.error, { remote: address });
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      admission.release();
    });
    const limits = this.limits();
    new RtmpConnection(socket, {
      gate: this.options.gate,
      log: this.options.log,
      limits,
      account: this.memory.open(),
      playbackHint: this.options.playbackHint,
    });
  }
}
