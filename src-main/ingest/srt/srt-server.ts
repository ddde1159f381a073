import crypto from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from 'pino';
import { ListenError, describeListenError, moveListener, type BoundAddress } from '../../net/listen.js';
import { srtUrl } from '../../net/studio-urls.js';
import type { SettingsReactor } from '../../config/settings-applier.js';
import { TsDemuxer } from '../../formats/mpegts/index.js';
import type { SourceSession } from '../../streams/stream-hub.js';
import type { PublishGate } from '../publish-gate.js';
import { ConnectionCounter, IngestLimitError, IngestMemory, LimitWarnings, defaultIngestLimits, peerAddress, type IngestLimits } from '../ingest-limits.js';
import { ControlType, controlPacket, parsePacket } from './srt-packet.js';
import {
  ExtensionFlag,
  ExtensionType,
  HandshakeError,
  HandshakeType,
  buildHandshake,
  buildHsRsp,
  decodeSrtString,
  parseHandshake,
  parseHsReq,
  parseStreamId,
  srtMagic,
  type Handshake,
} from './srt-handshake.js';
import { SrtReceiver, receiveWindowPackets } from './srt-receiver.js';

// Rejection handshake types: 1000 + a libsrt reason, or 1000 + an access-control code (14xx).
const reject = {
  version: 1000 + 8,
  unsecure: 1000 + 11,
  unauthorized: 1000 + 1401,
  forbidden: 1000 + 1403,
  badMode: 1000 + 1405,
  conflict: 1000 + 1409,
  overload: 1000 + 1402,
};

const ourLatencyMs = 120;
const srtPeerIdleMs = 5000;
const srtVersion = 0x010501;
// TSBPDSND | TSBPDRCV | HAICRYPT | TLPKTDROP | NAKREPORT | REXMITFLG
const ourFlags = 0x3f;

interface Connection {
  key: string;
  receiver: SrtReceiver;
  peerSocketId: number;
  address: string;
  port: number;
  conclusion: Uint8Array;
}

export interface SrtServerOptions {
  gate: PublishGate;
  log: Logger;
  /** Read for each new connection, so a settings change applies without a restart. */
  limits?: () => IngestLimits;
  /** Memory held for all publishers (shared with the other ingest listeners). */
  memory?: IngestMemory;
}

/** What the listener keeps right now, for tests and the monitor. */
export interface SrtServerState {
  connections: number;
  lossEntries: number;
  missingPackets: number;
  bufferedPackets: number;
}

/**
 * The SRT listener: one UDP port, any number of publishers, each routed by its
 * stream id (publish:live/NAME) to the stream hub. MPEG-TS inside SRT packets
 * goes straight to the demuxer.
 *
 * Nothing is kept for a caller until its conclusion carries the cookie we gave in
 * answer to its induction (SRT's SYN cookie, an HMAC of its address, port and the
 * minute): an induction flood from spoofed ports costs one reply each and no state.
 */
export class SrtServer {
  private socket: dgram.Socket | null = null;
  private readonly byPeer = new Map<string, Connection>();
  private readonly bySocketId = new Map<number, Connection>();
  private readonly secret = crypto.randomBytes(16);
  private timer: NodeJS.Timeout | null = null;
  private readonly limits: () => IngestLimits;
  private readonly connections: ConnectionCounter;
  private readonly memory: IngestMemory;
  private readonly warnings: LimitWarnings;

  constructor(private readonly options: SrtServerOptions) {
    this.limits = options.limits ?? (() => defaultIngestLimits);
    this.connections = new ConnectionCounter('SRT', this.limits);
    this.memory = options.memory ?? new IngestMemory(this.limits);
    this.warnings = new LimitWarnings(options.log);
  }

  state(): SrtServerState {
    const state: SrtServerState = { connections: this.byPeer.size, lossEntries: 0, missingPackets: 0, bufferedPackets: 0 };
    for (const c of this.byPeer.values()) {
      const held = c.receiver.held;
      state.lossEntries += held.lossEntries;
      state.missingPackets += held.missingPackets;
      state.bufferedPackets += held.bufferedPackets;
    }
    return state;
  }

  get address(): BoundAddress | null {
    if (!this.socket) return null;
    const a = this.socket.address();
    return { host: a.address, port: a.port };
  }

  /** Moves to the host and port the settings name. */
  settingsReactor(): SettingsReactor {
    return {
      keys: ['host', 'srtPort'],
      apply: async (settings) => ({ listener: 'srt', url: srtUrl(settings.host, await this.listen(settings.host, settings.srtPort)) }),
    };
  }

  async listen(host: string, port: number): Promise<BoundAddress> {
    await moveListener(
      {
        current: this.address,
        bind: (h, p) => this.bind(h, p),
        letGo: () => {
          this.socket?.close();
          this.socket = null;
        },
        adopt: (next) => {
          this.socket?.close();
          this.socket = next;
        },
      },
      host,
      port,
    );
    this.timer ??= setInterval(() => this.tick(), 5);
    this.timer.unref();
    return this.address!;
  }

  private async bind(host: string, port: number): Promise<dgram.Socket> {
    const type = net.isIPv6(host) || host === '::' ? 'udp6' : 'udp4';
    const next = dgram.createSocket({ type, reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      next.once('error', (err: NodeJS.ErrnoException) => reject(describeListenError(err, 'SRT', host, port)));
      next.bind({ address: host, port, exclusive: true }, () => resolve());
    }).catch((err: unknown) => {
      next.close();
      throw err instanceof ListenError ? err : new ListenError('EUNKNOWN', String(err));
    });
    next.on('error', (err) => this.options.log.error({ err }, 'srt socket error'));
    next.on('message', (msg, rinfo) => {
      try {
        this.onDatagram(next, msg, rinfo);
      } catch (err) {
        // A bug of ours met by one datagram: logged, and the listener goes on for everyone else.
        this.options.log.error({ err, remote: rinfo.address }, 'srt: internal error on a datagram');
      }
    });
    // A bigger receive buffer rides out bursts (a keyframe) without kernel drops.
    try {
      next.setRecvBufferSize(4 << 20);
    } catch {
      // Not allowed on every system; the default still works.
    }
    return next;
  }


  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const c of [...this.byPeer.values()]) c.receiver.close('the studio is stopping', false);
    const socket = this.socket;
    this.socket = null;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private tick(): void {
    const now = performance.now();
    for (const c of this.byPeer.values()) c.receiver.tick(now);
  }

  private onDatagram(socket: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const packet = parsePacket(msg);
    if (!packet) return;
    if (packet.control && packet.type === ControlType.Handshake) {
      try {
        this.onHandshake(socket, parseHandshake(packet.body), rinfo);
      } catch (err) {
        if (!(err instanceof HandshakeError)) throw err;
        this.options.log.debug({ remote: rinfo.address }, `srt: bad handshake: ${err.message}`);
      }
      return;
    }
    const connection = this.bySocketId.get(packet.destinationSocket);
    if (!connection || connection.address !== rinfo.address || connection.port !== rinfo.port) return;
    connection.receiver.receive(packet);
  }

  private cookieFor(rinfo: dgram.RemoteInfo, minuteOffset = 0): number {
    const minute = Math.floor(Date.now() / 60_000) - minuteOffset;
    return crypto.createHmac('sha256', this.secret).update(`${rinfo.address}:${rinfo.port}:${minute}`).digest().readUInt32BE(0);
  }

  private onHandshake(socket: dgram.Socket, hs: Handshake, rinfo: dgram.RemoteInfo): void {
    const send = (body: Uint8Array) => socket.send(controlPacket(ControlType.Handshake, 0, 0, hs.socketId, body), rinfo.port, rinfo.address);
    const base = { ...hs, peerIp: hs.peerIp };
    if (hs.type === HandshakeType.Induction) {
      send(buildHandshake({ ...base, version: 5, encryptionField: 0, extensionField: srtMagic, cookie: this.cookieFor(rinfo) }));
      return;
    }
    if (hs.type !== HandshakeType.Conclusion) return;
    const key = `${rinfo.address}:${rinfo.port}:${hs.socketId}`;
    const existing = this.byPeer.get(key);
    // The caller repeats its conclusion until it hears back: answer again, same as before.
    if (existing) return void socket.send(existing.conclusion, rinfo.port, rinfo.address);
    if (hs.cookie !== this.cookieFor(rinfo) && hs.cookie !== this.cookieFor(rinfo, 1)) return;

    const refuse = (code: number, name: string, reason: string) => {
      this.options.gate.reportRefused({ name, protocol: 'srt', remoteAddress: rinfo.address }, reason);
      send(buildHandshake({ ...base, version: 5, encryptionField: 0, extensionField: 0, type: code, cookie: 0 }));
    };
    if (hs.version !== 5) return refuse(reject.version, '', 'SRT callers older than 1.3 (handshake v4) are not supported');
    if (hs.extensionField & ExtensionFlag.KmReq) return refuse(reject.unsecure, '', 'the caller set a passphrase; encrypted SRT is not supported');
    const hsreqExt = hs.extensions.find((e) => e.type === ExtensionType.HsReq);
    if (!hsreqExt) return refuse(reject.version, '', 'the caller sent no SRT handshake extension');
    const hsreq = parseHsReq(hsreqExt.content);
    const sidExt = hs.extensions.find((e) => e.type === ExtensionType.StreamId);
    const target = parseStreamId(sidExt ? decodeSrtString(sidExt.content) : '');
    if (target.mode !== 'publish') return refuse(reject.badMode, target.name, 'the studio takes SRT publishers only (streamid=publish:NAME); play over HLS instead');
    const address = peerAddress(rinfo.address);
    const admission = this.connections.admit(address);
    if (!admission.ok) {
      // A flood is logged (rate-limited), not turned into one refusal event per packet.
      this.warnings.warn(`srt: refusing ${target.name || 'a caller'} from ${address}`, admission.error, { remote: address });
      send(buildHandshake({ ...base, version: 5, encryptionField: 0, extensionField: 0, type: reject.overload, cookie: 0 }));
      return;
    }
    const limits = this.limits();
    // The auth hook answers asynchronously: ask it now and answer the caller's next (repeated) conclusion handshake.
    const question = { name: target.name, protocol: 'srt' as const, remoteAddress: rinfo.address, password: target.password };
    const hookSays = this.options.gate.authorizedNow ? this.options.gate.authorizedNow(question) : null;
    if (hookSays === undefined) {
      admission.release();
      void this.options.gate.authorize?.(question);
      return;
    }
    if (hookSays !== null) {
      admission.release();
      send(buildHandshake({ ...base, version: 5, encryptionField: 0, extensionField: 0, type: reject.unauthorized, cookie: 0 }));
      return;
    }

    const ourSocketId = crypto.randomInt(1, 0x7fffffff);
    let receiver: SrtReceiver | null = null;
    const answer = this.options.gate.requestPublish({
      name: target.name,
      protocol: 'srt',
      remoteAddress: rinfo.address,
      password: target.password,
      kick: (reason) => receiver?.close(reason, false),
    });
    if (!answer.ok) {
      admission.release();
      const code = /password/.test(answer.reason) ? reject.unauthorized : /already being published/.test(answer.reason) ? reject.conflict : reject.forbidden;
      send(buildHandshake({ ...base, version: 5, encryptionField: 0, extensionField: 0, type: code, cookie: 0 }));
      return;
    }
    const session: SourceSession = answer.session;
    // The latency is how long a gap is kept waiting for its repair: the caller may not choose it unbounded.
    const latencyMs = this.clampLatency(hsreq.senderLatency, limits.srtMaxLatencyMs, target.name, address);
    const peerLatencyMs = Math.min(Math.max(ourLatencyMs, hsreq.receiverLatency), limits.srtMaxLatencyMs);
    const response = buildHandshake(
      {
        ...base,
        version: 5,
        encryptionField: 0,
        extensionField: ExtensionFlag.HsReq,
        type: HandshakeType.Conclusion,
        socketId: ourSocketId,
        cookie: 0,
        flowWindow: Math.min(hs.flowWindow, receiveWindowPackets),
      },
      [{ type: ExtensionType.HsRsp, content: buildHsRsp({ srtVersion, flags: ourFlags, receiverLatency: latencyMs, senderLatency: peerLatencyMs }) }],
    );
    const conclusion = controlPacket(ControlType.Handshake, 0, 0, hs.socketId, response);
    const activeSession = session;
    const demuxer = new TsDemuxer({
      onTracks: (tracks) => activeSession.setTracks(tracks),
      onFrame: (frame) => activeSession.pushFrame(frame),
      onError: (kind, detail) => {
        if (kind === 'continuity') activeSession.countError('continuity');
        else this.options.log.debug({ stream: target.name, kind }, `srt demux: ${detail}`);
      },
    });
    receiver = new SrtReceiver({
      ourSocketId,
      peerSocketId: hs.socketId,
      initialSequence: hs.initialSequence,
      latencyMs,
      // A live SRT sender keeps alive every second: libsrt's 5 s peer timeout, or the setting when shorter.
      idleTimeoutMs: Math.min(srtPeerIdleMs, limits.idleMs),
      account: this.memory.open(),
      send: (datagram) => this.socket?.send(datagram, rinfo.port, rinfo.address),
      deliver: (payload) => demuxer.push(payload, Date.now()),
      closed: (reason, lost) => {
        admission.release();
        this.byPeer.delete(key);
        this.bySocketId.delete(ourSocketId);
        demuxer.end();
        if (lost) this.options.log.warn({ stream: target.name, remote: rinfo.address }, `srt: ${reason}`);
        activeSession.end(reason, lost);
      },
    });
    const connection: Connection = { key, receiver, peerSocketId: hs.socketId, address: rinfo.address, port: rinfo.port, conclusion };
    this.byPeer.set(key, connection);
    this.bySocketId.set(ourSocketId, connection);
    socket.send(conclusion, rinfo.port, rinfo.address);
    this.options.log.info({ remote: rinfo.address, stream: target.name, latencyMs }, `srt: publishing ${target.name}`);
  }

  private clampLatency(requestedMs: number, maxMs: number, name: string, address: string): number {
    const latencyMs = Math.max(ourLatencyMs, requestedMs);
    if (latencyMs <= maxMs) return latencyMs;
    const limit = new IngestLimitError('srtMaxLatencyMs', `${name} from ${address} asked for ${latencyMs} ms latency; using ${maxMs} ms, the most allowed`);
    this.options.log.warn({ stream: name, remote: address, limit: limit.setting }, `srt: ${limit.message}`);
    return maxMs;
  }
}
