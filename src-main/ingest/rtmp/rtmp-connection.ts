import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { AmfError, decodeAmf0, encodeAmf0, type AmfObject, type AmfValue } from '../../formats/amf/amf0.js';
import { CodecParseError } from '../../media/codecs/index.js';
import type { SourceSession } from '../../streams/stream-hub.js';
import { splitStreamKey, type PublishGate } from '../publish-gate.js';
import { IngestLimitError, type BufferAccount, type IngestLimits } from '../ingest-limits.js';
import { ByteQueue } from './byte-queue.js';
import { RtmpChunkReader, defaultChunkReaderLimits, maxRtmpMessageBytes, type RtmpMessage } from './rtmp-chunk-reader.js';
import { RtmpChunkWriter } from './rtmp-chunk-writer.js';
import { RtmpHandshake } from './rtmp-handshake.js';
import { RtmpProtocolError } from './rtmp-errors.js';
import { FlvFormatError, FlvTrackBuilder, FlvUnsupportedError } from './flv-track-builder.js';

const enum MessageType {
  SetChunkSize = 1,
  Abort = 2,
  Acknowledgement = 3,
  UserControl = 4,
  WindowAckSize = 5,
  SetPeerBandwidth = 6,
  Audio = 8,
  Video = 9,
  DataAmf3 = 15,
  CommandAmf3 = 17,
  DataAmf0 = 18,
  CommandAmf0 = 20,
  Aggregate = 22,
}

const controlChunkStream = 2;
const commandChunkStream = 3;
const statusChunkStream = 5;
const publishStreamId = 1;
const ourWindowAckSize = 5_000_000;
const ourChunkSize = 4096;

export interface RtmpConnectionOptions {
  gate: PublishGate;
  log: Logger;
  /**
   * In force when the connection came: `idleMs` of silence closes it (stalled publisher,
   * dead peer); not publishing within `handshakeMs` of connecting closes it too.
   */
  limits: Pick<IngestLimits, 'idleMs' | 'handshakeMs'>;
  /** Where the memory this peer makes us hold is counted (closed with the connection). */
  account: BufferAccount;
  /** The URL players should use instead, shown to RTMP clients that try to play. */
  playbackHint: () => string;
}

/**
 * One RTMP client: handshake, chunk stream, the NetConnection/NetStream commands
 * OBS and ffmpeg send, and then audio/video into the stream hub. Any protocol
 * violation ends this connection alone, with the reason logged.
 */
export class RtmpConnection {
  private readonly handshake = new RtmpHandshake();
  private readonly handshakeBytes = new ByteQueue();
  private readonly reader: RtmpChunkReader;
  private readonly writer = new RtmpChunkWriter();
  private readonly remote: string;
  private app: string | null = null;
  private streamName: string | null = null;
  private session: SourceSession | null = null;
  private builder: FlvTrackBuilder | null = null;
  private peerAckWindow = 0;
  private lastAckAt = 0;
  private closed = false;
  private lostReason: string | null = null;
  private handshakeTimer: NodeJS.Timeout | null;

  constructor(
    private readonly socket: Socket,
    private readonly options: RtmpConnectionOptions,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    // A message may be as long as RTMP can say; the account bounds what they hold together.
    this.reader = new RtmpChunkReader((m) => this.onMessage(m), { ...defaultChunkReaderLimits, maxMessageBytes: maxRtmpMessageBytes, account: options.account });
    const { idleMs, handshakeMs } = options.limits;
    socket.setNoDelay(true);
    socket.setTimeout(idleMs);
    // Until it publishes, a connection holds a slot and gives nothing: it gets a deadline, not just an idle cut.
    this.handshakeTimer = setTimeout(() => this.fail(new IngestLimitError('ingestHandshakeSeconds', `no publish within ${seconds(handshakeMs)} of connecting`).message), handshakeMs);
    this.handshakeTimer.unref();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('timeout', () => this.fail(new IngestLimitError('ingestIdleSeconds', `no data for ${seconds(idleMs)}`).message));
    socket.on('error', (err) => this.fail(`connection error: ${err.message}`));
    socket.on('close', () => this.onClose());
  }

  private get log(): Logger {
    return this.options.log;
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    try {
      if (!this.handshake.done) {
        this.handshakeBytes.push(chunk);
        const reply = this.handshake.step(this.handshakeBytes);
        if (reply) {
          this.socket.write(reply);
          // A client may send C2 without waiting for S1 (in the same segment as C0+C1).
          this.handshake.step(this.handshakeBytes);
        }
        if (!this.handshake.done) return;
        // Bytes after C2 are already chunk data.
        if (this.handshakeBytes.length > 0) this.reader.push(this.handshakeBytes.take(this.handshakeBytes.length));
        return;
      }
      this.reader.push(chunk);
      this.acknowledge();
    } catch (err) {
      this.fail(describe(err));
    }
  }

  private acknowledge(): void {
    if (this.peerAckWindow <= 0) return;
    const received = this.reader.bytesReceived;
    if (received - this.lastAckAt < this.peerAckWindow) return;
    this.lastAckAt = received;
    this.send(controlChunkStream, MessageType.Acknowledgement, 0, u32(received >>> 0));
  }

  private onMessage(message: RtmpMessage): void {
    const p = message.payload;
    switch (message.typeId) {
      case MessageType.SetChunkSize:
        if (p.length < 4) throw new RtmpProtocolError('Set Chunk Size message is shorter than 4 bytes');
        this.reader.setChunkSize(readU32(p, 0) & 0x7fffffff);
        return;
      case MessageType.Abort:
        if (p.length >= 4) this.reader.abort(readU32(p, 0));
        return;
      case MessageType.WindowAckSize:
        if (p.length >= 4) this.peerAckWindow = readU32(p, 0);
        return;
      case MessageType.UserControl:
        // Ping request (6) must be answered with a ping response (7) carrying the same time.
        if (p.length >= 6 && ((p[0]! << 8) | p[1]!) === 6) this.send(controlChunkStream, MessageType.UserControl, 0, Uint8Array.of(0, 7, p[2]!, p[3]!, p[4]!, p[5]!));
        return;
      case MessageType.Acknowledgement:
      case MessageType.SetPeerBandwidth:
        return;
      case MessageType.Audio:
        this.builder?.audioMessage(message.timestamp, p);
        return;
      case MessageType.Video:
        this.builder?.videoMessage(message.timestamp, p);
        return;
      case MessageType.DataAmf0:
        return this.onData0(decodeAmf0(p));
      case MessageType.DataAmf3:
        return this.onData0(decodeAmf0(p.subarray(1)));
      case MessageType.CommandAmf0:
        return this.onCommand(decodeAmf0(p));
      case MessageType.CommandAmf3:
        // An AMF3 command message is a format byte (0) and then AMF0 values.
        return this.onCommand(decodeAmf0(p.subarray(1)));
      case MessageType.Aggregate:
        throw new RtmpProtocolError('aggregate messages are not supported');
      default:
        this.log.debug({ remote: this.remote, type: message.typeId }, 'rtmp: ignored message type');
    }
  }

  private onData0(values: AmfValue[]): void {
    const offset = values[0] === '@setDataFrame' ? 1 : 0;
    const meta = values[offset + 1];
    if (values[offset] === 'onMetaData' && meta && typeof meta === 'object' && !Array.isArray(meta) && !(meta instanceof Date)) this.builder?.metadata(meta);
  }

  private onCommand(values: AmfValue[]): void {
    const [name, transaction] = values;
    if (typeof name !== 'string') throw new RtmpProtocolError('command without a name');
    const txn = typeof transaction === 'number' ? transaction : 0;
    switch (name) {
      case 'connect':
        return this.onConnect(txn, values[2]);
      case 'releaseStream':
      case 'FCPublish':
      case 'getStreamLength':
        return this.command('_result', txn, null, undefined);
      case 'createStream':
        return this.command('_result', txn, null, publishStreamId);
      case 'publish':
        return void this.authorizeThenPublish(values[3]);
      case 'FCUnpublish':
      case 'deleteStream':
      case 'closeStream':
        this.endSession('the publisher stopped', false);
        return;
      case 'play':
        this.status('error', 'NetStream.Play.Failed', `This studio takes RTMP publishers only; play it at ${this.options.playbackHint()}`);
        this.closeSoon();
        return;
      default:
        this.log.debug({ remote: this.remote, command: name }, 'rtmp: ignored command');
    }
  }

  private onConnect(txn: number, commandObject: AmfValue): void {
    if (this.app !== null) throw new RtmpProtocolError('a second connect on the same connection');
    const obj = (commandObject && typeof commandObject === 'object' && !Array.isArray(commandObject) ? commandObject : {}) as AmfObject;
    const app = typeof obj.app === 'string' ? obj.app.replace(/^\/+|\/+$/g, '') : '';
    if (!app) throw new RtmpProtocolError('connect without an application name (use rtmp://HOST/live)');
    this.app = app;
    this.send(controlChunkStream, MessageType.WindowAckSize, 0, u32(ourWindowAckSize));
    this.send(controlChunkStream, MessageType.SetPeerBandwidth, 0, Uint8Array.of(...u32(ourWindowAckSize), 2));
    this.send(controlChunkStream, MessageType.SetChunkSize, 0, u32(ourChunkSize));
    this.writer.chunkSize = ourChunkSize;
    this.command('_result', txn, { fmsVer: 'FMS/3,0,1,123', capabilities: 31 }, {
      level: 'status',
      code: 'NetConnection.Connect.Success',
      description: 'Connection succeeded.',
      objectEncoding: typeof obj.objectEncoding === 'number' ? obj.objectEncoding : 0,
    });
  }

  /** The auth hook (when there is one) answers first; the encoder waits for NetStream.Publish.Start before sending media. */
  private async authorizeThenPublish(rawKey: AmfValue): Promise<void> {
    const gate = this.options.gate;
    if (gate.authorize && this.app !== null) {
      const { key, password } = splitStreamKey(typeof rawKey === 'string' ? rawKey : '');
      const name = `${this.app}/${key.replace(/^\/+|\/+$/g, '')}`;
      const refused = await gate.authorize({ name, protocol: 'rtmp', remoteAddress: this.socket.remoteAddress ?? null, password });
      if (this.closed) return;
      if (refused !== null) {
        this.streamName = name;
        this.status('error', 'NetStream.Publish.BadName', refused);
        this.closed = true;
        this.closeSoon();
        return;
      }
    }
    try {
      this.onPublish(rawKey);
    } catch (err) {
      this.fail(describe(err));
    }
  }

  private onPublish(rawKey: AmfValue): void {
    if (this.app === null) throw new RtmpProtocolError('publish before connect');
    if (this.session) throw new RtmpProtocolError('a second publish on the same connection');
    const { key, password } = splitStreamKey(typeof rawKey === 'string' ? rawKey : '');
    const name = `${this.app}/${key.replace(/^\/+|\/+$/g, '')}`;
    this.streamName = name;
    const answer = this.options.gate.requestPublish({
      name,
      protocol: 'rtmp',
      remoteAddress: this.socket.remoteAddress ?? null,
      password,
      kick: (reason) => {
        this.endSession(reason, false);
        this.closeSoon();
      },
    });
    if (!answer.ok) {
      this.status('error', 'NetStream.Publish.BadName', answer.reason);
      this.closed = true;
      this.closeSoon();
      return;
    }
    this.session = answer.session;
    this.stopHandshakeTimer();
    this.builder = new FlvTrackBuilder(answer.session);
    this.status('status', 'NetStream.Publish.Start', `${name} is now published.`);
    this.log.info({ remote: this.remote, stream: name }, `rtmp: publishing ${name}`);
  }

  private endSession(reason: string, lost: boolean): void {
    this.session?.end(reason, lost);
    this.session = null;
    this.builder = null;
  }

  /** Ends the connection for a reason that belongs in the log (and in an event). */
  private fail(reason: string): void {
    if (this.closed && !this.session) return;
    this.lostReason = reason;
    // One warn line per cut: the gate logs a refusal itself (and tells the UI).
    if (this.session) {
      this.log.warn({ remote: this.remote, stream: this.streamName }, `rtmp: closing connection: ${reason}`);
      this.endSession(reason, true);
    } else {
      this.options.gate.reportRefused({ name: this.streamName ?? '', protocol: 'rtmp', remoteAddress: this.socket.remoteAddress ?? null }, reason);
    }
    this.closed = true;
    this.socket.destroy();
  }

  private stopHandshakeTimer(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
  }

  private onClose(): void {
    this.closed = true;
    this.stopHandshakeTimer();
    this.options.account.close();
    if (this.session) this.endSession(this.lostReason ?? 'the publisher disconnected', this.lostReason !== null);
  }

  /** Lets a final status message reach the client before the socket goes. */
  private closeSoon(): void {
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private command(name: string, txn: number, ...args: AmfValue[]): void {
    this.send(commandChunkStream, MessageType.CommandAmf0, 0, encodeAmf0(name, txn, ...args));
  }

  private status(level: 'status' | 'error', code: string, description: string): void {
    this.send(statusChunkStream, MessageType.CommandAmf0, publishStreamId, encodeAmf0('onStatus', 0, null, { level, code, description }));
  }

  private send(chunkStream: number, type: number, streamId: number, payload: Uint8Array): void {
    if (this.socket.destroyed) return;
    this.socket.write(this.writer.message(chunkStream, type, streamId, 0, payload));
  }
}

function describe(err: unknown): string {
  if (err instanceof RtmpProtocolError || err instanceof IngestLimitError || err instanceof AmfError || err instanceof FlvFormatError || err instanceof FlvUnsupportedError || err instanceof CodecParseError) return err.message;
  return `internal error: ${(err as Error).message}`;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
const u32 = (v: number) => Uint8Array.of((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
const readU32 = (p: Uint8Array, o: number) => ((p[o]! << 24) >>> 0) + (p[o + 1]! << 16) + (p[o + 2]! << 8) + p[o + 3]!;
