import type { BufferAccount } from '../ingest-limits.js';
import { ByteQueue } from './byte-queue.js';
import { RtmpProtocolError } from './rtmp-errors.js';

export interface RtmpMessage {
  typeId: number;
  streamId: number;
  /** 32-bit RTMP timestamp in ms (wraps); unwrapping is the session's job. */
  timestamp: number;
  payload: Uint8Array;
}

export interface ChunkReaderLimits {
  /** Largest message the peer may send; a 4K keyframe fits with room to spare. */
  maxMessageBytes: number;
  /** Largest chunk size the peer may announce with Set Chunk Size. */
  maxChunkSize: number;
  /** How many chunk streams one connection may use at once. */
  maxChunkStreams: number;
  /**
   * Where the memory the peer makes us hold is counted: unfinished messages (their whole
   * announced length, allocated when they start) and bytes of a chunk not yet complete.
   * Its limit errors end the connection like protocol errors do.
   */
  account?: BufferAccount;
}

/** The largest message RTMP can describe: its length field is 24 bits. */
export const maxRtmpMessageBytes = 0xffffff;

export const defaultChunkReaderLimits: ChunkReaderLimits = {
  maxMessageBytes: 8 << 20,
  maxChunkSize: 16 << 20,
  maxChunkStreams: 64,
};

interface ChunkStream {
  timestamp: number;
  delta: number;
  length: number;
  typeId: number;
  streamId: number;
  extended: boolean;
  message: Uint8Array | null;
  received: number;
}

const messageHeaderBytes = [11, 7, 3, 0];

/**
 * RTMP chunk stream layer (RTMP spec 5.3): reassembles messages from chunks of any
 * chunk stream id, with all four header formats and extended timestamps. Each
 * message's payload is one allocation, filled straight from the socket chunks.
 */
export class RtmpChunkReader {
  private readonly queue = new ByteQueue();
  private readonly streams = new Map<number, ChunkStream>();
  private chunkSize = 128;
  /** Bytes of the queue counted in the account. */
  private queuedHeld = 0;
  /** Bytes taken from the peer in all, for acknowledgements. */
  bytesReceived = 0;

  constructor(
    private readonly onMessage: (message: RtmpMessage) => void,
    private readonly limits: ChunkReaderLimits = defaultChunkReaderLimits,
  ) {}

  setChunkSize(size: number): void {
    // The top bit must be zero (spec 5.4.1); the rest is bounded by our own limit.
    if (!Number.isInteger(size) || size < 1 || size > this.limits.maxChunkSize) {
      throw new RtmpProtocolError(`chunk size ${size} is out of range (1 to ${this.limits.maxChunkSize})`);
    }
    this.chunkSize = size;
  }

  abort(chunkStreamId: number): void {
    const cs = this.streams.get(chunkStreamId);
    if (cs?.message) this.dropMessage(cs);
  }

  push(data: Uint8Array): void {
    this.bytesReceived += data.length;
    this.queue.push(data);
    while (this.readChunk());
    this.countQueued();
  }

  /** An incomplete chunk waits in the queue: that is memory the peer holds too. */
  private countQueued(): void {
    const account = this.limits.account;
    if (!account) return;
    const delta = this.queue.length - this.queuedHeld;
    if (delta > 0) account.hold(delta);
    else account.release(-delta);
    this.queuedHeld = this.queue.length;
  }

  private dropMessage(cs: ChunkStream): void {
    this.limits.account?.release(cs.length);
    cs.message = null;
    cs.received = 0;
  }

  /** Parses one chunk if it has fully arrived; false when more bytes are needed. */
  private readChunk(): boolean {
    const q = this.queue;
    if (q.length < 1) return false;
    const b0 = q.peek(0);
    const fmt = b0 >> 6;
    let csid = b0 & 0x3f;
    let pos = 1;
    if (csid === 0) {
      if (q.length < 2) return false;
      csid = 64 + q.peek(1);
      pos = 2;
    } else if (csid === 1) {
      if (q.length < 3) return false;
      csid = 64 + q.peek(1) + q.peek(2) * 256;
      pos = 3;
    }
    const headerBytes = messageHeaderBytes[fmt]!;
    if (q.length < pos + headerBytes) return false;

    let cs = this.streams.get(csid);
    if (!cs) {
      if (fmt !== 0) throw new RtmpProtocolError(`chunk stream ${csid} starts with a type ${fmt} header instead of type 0`);
      if (this.streams.size >= this.limits.maxChunkStreams) throw new RtmpProtocolError('too many chunk streams');
      cs = { timestamp: 0, delta: 0, length: 0, typeId: 0, streamId: 0, extended: false, message: null, received: 0 };
    }

    let timeField = 0;
    let length = cs.length;
    let typeId = cs.typeId;
    let streamId = cs.streamId;
    if (fmt <= 2) timeField = q.peekUint(pos, 3);
    if (fmt <= 1) {
      length = q.peekUint(pos + 3, 3);
      typeId = q.peek(pos + 6);
    }
    if (fmt === 0) {
      // Message stream id is little-endian, the one such field in RTMP.
      streamId = q.peek(pos + 7) | (q.peek(pos + 8) << 8) | (q.peek(pos + 9) << 16) | ((q.peek(pos + 10) << 24) >>> 0);
    }
    pos += headerBytes;

    // Type 3 chunks repeat the extended timestamp when the stream's last header had one.
    const extended = fmt <= 2 ? timeField === 0xffffff : cs.extended;
    let extendedTime = 0;
    if (extended) {
      if (q.length < pos + 4) return false;
      extendedTime = q.peekUint(pos, 4);
      pos += 4;
    }

    // A full header (types 0-2) always starts a new message; a partial one left behind is dropped.
    const starting = cs.message === null || fmt < 3;
    if (starting && length > this.limits.maxMessageBytes) {
      throw new RtmpProtocolError(`message of ${length} bytes is larger than the ${this.limits.maxMessageBytes}-byte limit`);
    }
    const remaining = starting ? length : length - cs.received;
    const payloadBytes = Math.min(remaining, this.chunkSize);
    if (q.length < pos + payloadBytes) return false;

    // The whole chunk is here: commit the header. A new message first claims its memory;
    // an unfinished one it replaces gives its claim back.
    if (starting) {
      if (cs.message) this.dropMessage(cs);
      this.limits.account?.hold(length);
    }
    q.skip(pos);
    this.streams.set(csid, cs);
    cs.extended = extended;
    if (starting) {
      const time = extended ? extendedTime : timeField;
      if (fmt === 0) {
        cs.timestamp = time;
        cs.delta = 0;
      } else if (fmt === 1 || fmt === 2) {
        cs.delta = time;
        cs.timestamp = (cs.timestamp + time) >>> 0;
      } else {
        cs.timestamp = (cs.timestamp + cs.delta) >>> 0;
      }
      cs.length = length;
      cs.typeId = typeId;
      cs.streamId = streamId;
      cs.message = length > 0 ? new Uint8Array(length) : new Uint8Array(0);
      cs.received = 0;
    }
    if (payloadBytes > 0) q.read(cs.message!, cs.received, payloadBytes);
    cs.received += payloadBytes;
    if (cs.received >= cs.length) {
      const message: RtmpMessage = { typeId: cs.typeId, streamId: cs.streamId, timestamp: cs.timestamp, payload: cs.message! };
      this.dropMessage(cs);
      this.onMessage(message);
    }
    return true;
  }
}
