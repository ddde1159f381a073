import crypto from 'node:crypto';
import type { ByteQueue } from './byte-queue.js';
import { RtmpProtocolError } from './rtmp-errors.js';

export const handshakeSize = 1536;

/**
 * The plain RTMP handshake (spec 5.2): C0+C1 in, S0+S1+S2 out, then C2 in.
 * OBS, ffmpeg and hardware encoders accept it; the Flash-era digest variant is
 * for Flash Player, which nothing publishes with any more.
 */
export class RtmpHandshake {
  private state: 'c0c1' | 'c2' | 'done' = 'c0c1';

  get done(): boolean {
    return this.state === 'done';
  }

  /** Consumes what it can; returns bytes to send (S0+S1+S2) when C0+C1 arrived. */
  step(queue: ByteQueue): Uint8Array | null {
    if (this.state === 'c0c1') {
      if (queue.length < 1 + handshakeSize) return null;
      const version = queue.peek(0);
      if (version !== 3) throw new RtmpProtocolError(`handshake: version ${version} is not RTMP 3 (is this an RTMPS/HTTP client on the RTMP port?)`);
      queue.skip(1);
      const c1 = new Uint8Array(handshakeSize);
      queue.read(c1, 0, handshakeSize);
      const reply = new Uint8Array(1 + handshakeSize * 2);
      reply[0] = 3;
      const s1 = reply.subarray(1, 1 + handshakeSize);
      new DataView(s1.buffer, s1.byteOffset).setUint32(0, Math.floor(performance.now()) >>> 0);
      crypto.randomFillSync(s1, 8);
      reply.set(c1, 1 + handshakeSize); // S2 echoes C1
      this.state = 'c2';
      return reply;
    }
    if (this.state === 'c2') {
      if (queue.length < handshakeSize) return null;
      queue.skip(handshakeSize);
      this.state = 'done';
    }
    return null;
  }
}
