// SRT packets (draft-sharabayko-srt §3): a 16-byte header, then data or a control body.

export const enum ControlType {
  Handshake = 0x0000,
  Keepalive = 0x0001,
  Ack = 0x0002,
  Nak = 0x0003,
  CongestionWarning = 0x0004,
  Shutdown = 0x0005,
  AckAck = 0x0006,
  DropReq = 0x0007,
  PeerError = 0x0008,
  UserDefined = 0x7fff,
}

export interface DataPacket {
  control: false;
  sequence: number;
  /** Encryption key flags (KK): 0 = clear. */
  keyFlags: number;
  retransmitted: boolean;
  timestamp: number;
  destinationSocket: number;
  payload: Uint8Array;
}

export interface ControlPacket {
  control: true;
  type: number;
  subtype: number;
  /** Type-specific information (the ACK number for ACK/ACKACK). */
  info: number;
  timestamp: number;
  destinationSocket: number;
  body: Uint8Array;
}

export type SrtPacket = DataPacket | ControlPacket;

export const sequenceMask = 0x7fffffff;

/** Sequence numbers wrap at 2^31: a - b in that ring, as a signed distance. */
export function sequenceDistance(a: number, b: number): number {
  const d = (a - b) & sequenceMask;
  return d >= 0x40000000 ? d - 0x80000000 : d;
}

export const nextSequence = (s: number) => (s + 1) & sequenceMask;

/** null for datagrams too short to be SRT. */
export function parsePacket(datagram: Uint8Array): SrtPacket | null {
  if (datagram.length < 16) return null;
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const word0 = view.getUint32(0);
  const word1 = view.getUint32(4);
  const timestamp = view.getUint32(8);
  const destinationSocket = view.getUint32(12);
  if (word0 & 0x80000000) {
    return { control: true, type: (word0 >>> 16) & 0x7fff, subtype: word0 & 0xffff, info: word1, timestamp, destinationSocket, body: datagram.subarray(16) };
  }
  return {
    control: false,
    sequence: word0,
    keyFlags: (word1 >>> 27) & 0x3,
    retransmitted: ((word1 >>> 26) & 1) === 1,
    timestamp,
    destinationSocket,
    payload: datagram.subarray(16),
  };
}

export function controlPacket(type: number, info: number, timestamp: number, destinationSocket: number, body: Uint8Array = new Uint8Array(0), subtype = 0): Uint8Array {
  const out = new Uint8Array(16 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, (0x80000000 | ((type & 0x7fff) << 16) | (subtype & 0xffff)) >>> 0);
  view.setUint32(4, info >>> 0);
  view.setUint32(8, timestamp >>> 0);
  view.setUint32(12, destinationSocket >>> 0);
  out.set(body, 16);
  return out;
}

export function words(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v >>> 0));
  return out;
}
