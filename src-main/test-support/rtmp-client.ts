import net from 'node:net';
import crypto from 'node:crypto';
import { decodeAmf0, encodeAmf0, type AmfValue } from '../formats/amf/amf0.js';
import { RtmpChunkReader, type RtmpMessage } from '../ingest/rtmp/rtmp-chunk-reader.js';
import { RtmpChunkWriter } from '../ingest/rtmp/rtmp-chunk-writer.js';

/**
 * A small RTMP publisher for tests and the ingest benchmark: it speaks just
 * enough of the protocol (handshake, connect, createStream, publish, media) and
 * lets a test send broken bytes on purpose. Interop is covered by real ffmpeg.
 */
export class RtmpTestClient {
  private readonly writer = new RtmpChunkWriter();
  private readonly reader: RtmpChunkReader;
  private readonly waiters: { match: (values: AmfValue[]) => boolean; resolve: (values: AmfValue[]) => void }[] = [];
  readonly closed: Promise<void>;
  private handshakeBuffer = Buffer.alloc(0);
  private handshaken = false;
  private handshakeDone: (() => void) | null = null;
  private transaction = 1;

  private constructor(readonly socket: net.Socket) {
    this.reader = new RtmpChunkReader((m) => this.onMessage(m));
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      if (this.handshaken) return this.reader.push(chunk);
      this.handshakeBuffer = Buffer.concat([this.handshakeBuffer, chunk]);
      if (this.handshakeBuffer.length >= 1 + 1536 * 2) {
        const rest = this.handshakeBuffer.subarray(1 + 1536 * 2);
        socket.write(this.handshakeBuffer.subarray(1, 1 + 1536)); // C2 echoes S1
        this.handshaken = true;
        this.handshakeDone?.();
        if (rest.length) this.reader.push(rest);
      }
    });
  }

  /** `localAddress` (e.g. 127.0.0.2) plays a publisher on another host without leaving loopback. */
  static async open(port: number, host = '127.0.0.1', localAddress?: string): Promise<RtmpTestClient> {
    const socket = net.connect({ port, host, ...(localAddress ? { localAddress } : {}) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RtmpTestClient(socket);
  }

  async handshake(): Promise<void> {
    const done = new Promise<void>((resolve) => (this.handshakeDone = resolve));
    const c1 = crypto.randomBytes(1536);
    c1.fill(0, 0, 8);
    this.socket.write(Buffer.concat([Buffer.of(3), c1]));
    await done;
  }

  /** connect(app); resolves with the _result or _error values. */
  async connect(app: string): Promise<AmfValue[]> {
    await this.handshake();
    this.writer.chunkSize = 4096;
    this.raw(this.writer.message(2, 1, 0, 0, Uint8Array.of(0, 0, 0x10, 0)));
    const txn = this.transaction++;
    const answer = this.waitFor((v) => (v[0] === '_result' || v[0] === '_error') && v[1] === txn);
    this.command('connect', txn, { app, tcUrl: `rtmp://127.0.0.1/${app}`, flashVer: 'FMLE/3.0', type: 'nonprivate' });
    return answer;
  }

  /** createStream + publish(key); resolves with the onStatus info object's code and description. */
  async publish(key: string): Promise<{ code: string; description: string }> {
    const txn = this.transaction++;
    const created = this.waitFor((v) => v[0] === '_result' && v[1] === txn);
    this.command('createStream', txn, null);
    await created;
    const status = this.waitFor((v) => v[0] === 'onStatus');
    this.raw(this.writer.message(4, 20, 1, 0, encodeAmf0('publish', this.transaction++, null, key, 'live')));
    const values = await status;
    const info = values[3] as { code: string; description: string };
    return { code: info.code, description: info.description };
  }

  command(name: string, txn: number, ...args: AmfValue[]): void {
    this.raw(this.writer.message(3, 20, 0, 0, encodeAmf0(name, txn, ...args)));
  }

  media(type: 8 | 9 | 18, timestamp: number, body: Uint8Array): void {
    this.raw(this.writer.message(type === 8 ? 4 : 6, type, 1, timestamp, body));
  }

  raw(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  private waitFor(match: (values: AmfValue[]) => boolean): Promise<AmfValue[]> {
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  private onMessage(message: RtmpMessage): void {
    if (message.typeId === 1) this.reader.setChunkSize(new DataView(message.payload.buffer, message.payload.byteOffset).getUint32(0));
    if (message.typeId !== 20) return;
    const values = decodeAmf0(message.payload);
    const index = this.waiters.findIndex((w) => w.match(values));
    if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(values);
  }
}
