import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlaybackProtocol } from '../../contract/studio-api.js';

export interface ViewerSessionView {
  id: string;
  stream: string;
  protocol: PlaybackProtocol;
  ip: string;
  userAgent: string;
  startedAt: string;
  lastSeenAt: string;
  bytesSent: number;
  rttMs?: number | null;
  lossPercent?: number | null;
}

/** Viewers kept elsewhere (WebRTC sessions), listed and ended with the HTTP ones. */
export interface ViewerSource {
  list(stream?: string): ViewerSessionView[];
  /** How many watch `stream` (asked every second for every stream: no views built). */
  count(stream: string): number;
  end(id: string): boolean;
}

export interface ViewerSession {
  readonly id: string;
  readonly stream: string;
  readonly protocol: PlaybackProtocol;
  readonly ip: string;
  userAgent: string;
  readonly startedAt: number;
  lastSeenAt: number;
  /** Bytes of finished responses; open ones are counted live from their sockets. */
  bytesDone: number;
  readonly open: Set<OpenResponse>;
  /** timeshift_abs: when this viewer first asked for each FROM, so its delay stays fixed. */
  readonly timeshiftStarts: Map<number, number>;
}

interface OpenResponse {
  res: ServerResponse;
  startBytes: number;
}

export interface ViewerSessionsOptions {
  /** A session with no request and no open response for this long has ended. */
  idleMs?: number;
  /** After an admin ends a session, the same viewer is refused this long. */
  banMs?: number;
  /**
   * Whether a stream exists (configured, live or archived). A request for any other name
   * starts no session: a client making up names must not make the studio hold anything.
   * Every name counts as known when absent (tests of one route).
   */
  streamKnown?: (name: string) => boolean;
}

/** What admit() answers instead of a session: no stream has that name. */
export const unknownStream = 'unknown-stream';

/**
 * Viewer sessions as media servers count them: one per IP, stream and protocol, alive
 * while requests keep coming (HLS) or a response stays open (MPEG-TS), with the bytes
 * sent measured on the socket, so Range requests and aborted downloads count truly.
 */
export class ViewerSessions {
  private readonly byKey = new Map<string, ViewerSession>();
  private readonly byId = new Map<string, ViewerSession>();
  private readonly banned = new Map<string, number>();
  private readonly idleMs: number;
  private readonly banMs: number;
  private readonly streamKnown: (name: string) => boolean;
  private readonly sweep: NodeJS.Timeout;
  private readonly sources: ViewerSource[] = [];

  constructor(o: ViewerSessionsOptions = {}) {
    this.idleMs = o.idleMs ?? 30_000;
    this.banMs = o.banMs ?? 30_000;
    this.streamKnown = o.streamKnown ?? (() => true);
    this.sweep = setInterval(() => this.expire(), 5_000);
    this.sweep.unref();
  }

  /**
   * The session this request belongs to (started when new), with the response counted
   * in it; null when an admin ended this viewer's session a moment ago; `unknownStream`
   * when no stream has that name (nothing is started for it: the caller answers 404).
   */
  admit(stream: string, protocol: PlaybackProtocol, req: IncomingMessage, res: ServerResponse, now = Date.now()): ViewerSession | null | typeof unknownStream {
    const ip = req.socket.remoteAddress ?? '';
    const key = `${stream}\0${protocol}\0${ip}`;
    const bannedUntil = this.banned.get(key);
    if (bannedUntil !== undefined) {
      if (bannedUntil > now) return null;
      this.banned.delete(key);
    }
    let session = this.byKey.get(key);
    if (!session) {
      if (!this.streamKnown(stream)) return unknownStream;
      session = { id: crypto.randomBytes(9).toString('base64url'), stream, protocol, ip, userAgent: '', startedAt: now, lastSeenAt: now, bytesDone: 0, open: new Set(), timeshiftStarts: new Map() };
      this.byKey.set(key, session);
      this.byId.set(session.id, session);
    }
    session.lastSeenAt = now;
    session.userAgent = String(req.headers['user-agent'] ?? '').slice(0, 300);
    const open: OpenResponse = { res, startBytes: req.socket.bytesWritten };
    session.open.add(open);
    const owner = session;
    res.once('close', () => {
      owner.open.delete(open);
      owner.bytesDone += Math.max(0, req.socket.bytesWritten - open.startBytes);
      owner.lastSeenAt = Date.now();
    });
    return session;
  }

  /** Viewers that another part of the studio keeps (WebRTC). */
  addSource(source: ViewerSource): void {
    this.sources.push(source);
  }

  list(stream?: string): ViewerSessionView[] {
    const out: ViewerSessionView[] = [];
    for (const s of this.byId.values()) if (stream === undefined || s.stream === stream) out.push(view(s));
    for (const source of this.sources) out.push(...source.list(stream));
    return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  count(stream: string): number {
    let n = 0;
    for (const s of this.byId.values()) if (s.stream === stream) n++;
    for (const source of this.sources) n += source.count(stream);
    return n;
  }

  /** Ends a session: its open responses are cut and the viewer is refused for a while. False if unknown. */
  end(id: string, now = Date.now()): boolean {
    const session = this.byId.get(id);
    if (!session) return this.sources.some((source) => source.end(id));
    this.remove(session);
    this.banned.set(keyOf(session), now + this.banMs);
    for (const { res } of session.open) res.destroy();
    return true;
  }

  close(): void {
    clearInterval(this.sweep);
  }

  private expire(now = Date.now()): void {
    for (const s of this.byId.values()) if (s.open.size === 0 && now - s.lastSeenAt > this.idleMs) this.remove(s);
    for (const [key, until] of this.banned) if (until <= now) this.banned.delete(key);
  }

  private remove(session: ViewerSession): void {
    this.byId.delete(session.id);
    if (this.byKey.get(keyOf(session)) === session) this.byKey.delete(keyOf(session));
  }
}

const keyOf = (s: ViewerSession) => `${s.stream}\0${s.protocol}\0${s.ip}`;

function view(s: ViewerSession): ViewerSessionView {
  let bytes = s.bytesDone;
  for (const o of s.open) bytes += Math.max(0, o.res.socket ? o.res.socket.bytesWritten - o.startBytes : 0);
  return { id: s.id, stream: s.stream, protocol: s.protocol, ip: s.ip, userAgent: s.userAgent, startedAt: new Date(s.startedAt).toISOString(), lastSeenAt: new Date(s.lastSeenAt).toISOString(), bytesSent: bytes };
}
