// The SRT handshake body (draft-sharabayko-srt §3.2.1) and its HSv5 extensions.
import { words } from './srt-packet.js';
import { publishSecret } from '../publish-gate.js';

export const enum HandshakeType {
  Induction = 1,
  Conclusion = 0xffffffff,
  WaveAHand = 0,
  Agreement = 0xfffffffe,
}

export const srtMagic = 0x4a17;
export const enum ExtensionType {
  HsReq = 1,
  HsRsp = 2,
  KmReq = 3,
  KmRsp = 4,
  StreamId = 5,
  Congestion = 6,
  Filter = 7,
  Group = 8,
}
export const enum ExtensionFlag {
  HsReq = 1,
  KmReq = 2,
  Config = 4,
}

export interface Handshake {
  version: number;
  encryptionField: number;
  extensionField: number;
  initialSequence: number;
  mss: number;
  flowWindow: number;
  type: number;
  socketId: number;
  cookie: number;
  peerIp: Uint8Array;
  extensions: { type: number; content: Uint8Array }[];
}

export class HandshakeError extends Error {}

export function parseHandshake(body: Uint8Array): Handshake {
  if (body.length < 48) throw new HandshakeError(`handshake body is ${body.length} bytes, shorter than 48`);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const hs: Handshake = {
    version: view.getUint32(0),
    encryptionField: view.getUint16(4),
    extensionField: view.getUint16(6),
    initialSequence: view.getUint32(8) & 0x7fffffff,
    mss: view.getUint32(12),
    flowWindow: view.getUint32(16),
    type: view.getUint32(20),
    socketId: view.getUint32(24),
    cookie: view.getUint32(28),
    peerIp: body.subarray(32, 48),
    extensions: [],
  };
  let offset = 48;
  while (offset + 4 <= body.length) {
    const type = view.getUint16(offset);
    const length = view.getUint16(offset + 2) * 4;
    if (offset + 4 + length > body.length) throw new HandshakeError(`handshake extension ${type} runs past the end`);
    hs.extensions.push({ type, content: body.subarray(offset + 4, offset + 4 + length) });
    offset += 4 + length;
    if (hs.extensions.length > 16) throw new HandshakeError('too many handshake extensions');
  }
  return hs;
}

export function buildHandshake(hs: Omit<Handshake, 'extensions'>, extensions: { type: number; content: Uint8Array }[] = []): Uint8Array {
  const size = 48 + extensions.reduce((n, e) => n + 4 + e.content.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, hs.version);
  view.setUint16(4, hs.encryptionField);
  view.setUint16(6, hs.extensionField);
  view.setUint32(8, hs.initialSequence);
  view.setUint32(12, hs.mss);
  view.setUint32(16, hs.flowWindow);
  view.setUint32(20, hs.type >>> 0);
  view.setUint32(24, hs.socketId >>> 0);
  view.setUint32(28, hs.cookie >>> 0);
  out.set(hs.peerIp.subarray(0, 16), 32);
  let offset = 48;
  for (const ext of extensions) {
    view.setUint16(offset, ext.type);
    view.setUint16(offset + 2, ext.content.length / 4);
    out.set(ext.content, offset + 4);
    offset += 4 + ext.content.length;
  }
  return out;
}

/** Stream ID and congestion strings: NUL-padded to whole words, each word's bytes reversed. */
export function decodeSrtString(content: Uint8Array): string {
  const bytes: number[] = [];
  for (let i = 0; i + 4 <= content.length; i += 4) bytes.push(content[i + 3]!, content[i + 2]!, content[i + 1]!, content[i]!);
  while (bytes.length && bytes.at(-1) === 0) bytes.pop();
  return Buffer.from(bytes).toString('utf8');
}

export function encodeSrtString(text: string): Uint8Array {
  const raw = Buffer.from(text, 'utf8');
  const out = new Uint8Array(Math.ceil(raw.length / 4) * 4);
  for (let i = 0; i < raw.length; i++) out[(i & ~3) + 3 - (i & 3)] = raw[i]!;
  return out;
}

export interface HsReq {
  srtVersion: number;
  flags: number;
  /** Latency the peer wants for what it receives (upper 16 bits), in ms. */
  receiverLatency: number;
  /** Latency the peer asks us to use for what it sends (lower 16 bits), in ms. */
  senderLatency: number;
}

export function parseHsReq(content: Uint8Array): HsReq {
  if (content.length < 12) throw new HandshakeError('HSREQ extension is shorter than 12 bytes');
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  const latency = view.getUint32(8);
  return { srtVersion: view.getUint32(0), flags: view.getUint32(4), receiverLatency: latency >>> 16, senderLatency: latency & 0xffff };
}

export function buildHsRsp(r: HsReq): Uint8Array {
  return words(r.srtVersion, r.flags, ((r.receiverLatency & 0xffff) << 16) | (r.senderLatency & 0xffff));
}

/** Where a caller wants to go: "publish:live/cam1", "#!::r=live/cam1,m=publish", or a bare name. */
export function parseStreamId(id: string): { name: string; mode: 'publish' | 'request'; password: string | null } {
  if (id.startsWith('#!::')) {
    const fields = new Map(
      id
        .slice(4)
        .split(',')
        .map((kv) => {
          const eq = kv.indexOf('=');
          return [kv.slice(0, eq).trim(), kv.slice(eq + 1).trim()] as const;
        }),
    );
    const mode = fields.get('m') === 'publish' ? 'publish' : 'request';
    return { name: fields.get('r') ?? '', mode, password: fields.get('s') ?? null };
  }
  const [prefix, ...rest] = id.split(':');
  const body = prefix === 'publish' || prefix === 'read' ? rest.join(':') : id;
  const mode = prefix === 'read' ? 'request' : 'publish';
  const q = body.indexOf('?');
  const name = q < 0 ? body : body.slice(0, q);
  const password = q < 0 ? null : publishSecret(new URLSearchParams(body.slice(q + 1)));
  return { name, mode, password };
}
