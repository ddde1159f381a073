import crypto from 'node:crypto';
import type { StudioDatabase } from '../../db/index.js';

/** A browser stays signed in this long after its last request. */
export const sessionIdleMs = 30 * 24 * 3600_000;
/** A session is renewed (seen_ms, expires_ms) at most this often, so requests do not each write the database. */
const touchEveryMs = 3600_000;
/** Sessions kept at most; the least recently seen go first. Bounds what a token holder can make us store. */
const maxSessions = 1000;

const hash = (text: string) => crypto.createHash('sha256').update(text).digest('base64url');

export interface SessionOrigin {
  ip: string;
  userAgent: string;
}

/**
 * Sign-in sessions held server-side: the cookie is a random id that means nothing by
 * itself, so Sign out revokes it, it expires when unused, and changing the admin token
 * ends every session opened with the old one.
 */
export class SessionStore {
  private readonly tokenHash: string;
  private readonly statements;

  constructor(
    db: StudioDatabase,
    token: string,
    private readonly now: () => number = Date.now,
  ) {
    this.tokenHash = hash(`framehouse-session-token:${token}`);
    this.statements = {
      insert: db.prepare('INSERT INTO auth_sessions (id_hash, token_hash, created_ms, seen_ms, expires_ms, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      get: db.prepare<[string], { token_hash: string; seen_ms: number; expires_ms: number }>('SELECT token_hash, seen_ms, expires_ms FROM auth_sessions WHERE id_hash = ?'),
      touch: db.prepare('UPDATE auth_sessions SET seen_ms = ?, expires_ms = ? WHERE id_hash = ?'),
      remove: db.prepare('DELETE FROM auth_sessions WHERE id_hash = ?'),
      prune: db.prepare('DELETE FROM auth_sessions WHERE expires_ms <= ? OR token_hash <> ?'),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM auth_sessions'),
      trim: db.prepare('DELETE FROM auth_sessions WHERE id_hash IN (SELECT id_hash FROM auth_sessions ORDER BY seen_ms ASC LIMIT ?)'),
    };
    this.statements.prune.run(this.now(), this.tokenHash);
  }

  /** Opens a session and returns the cookie value (shown to this client once, stored only as a hash). */
  open(origin: SessionOrigin): string {
    const id = crypto.randomBytes(32).toString('base64url');
    const t = this.now();
    this.statements.prune.run(t, this.tokenHash);
    const excess = this.statements.count.get()!.n - (maxSessions - 1);
    if (excess > 0) this.statements.trim.run(excess);
    this.statements.insert.run(hash(id), this.tokenHash, t, t, t + sessionIdleMs, origin.ip.slice(0, 64), origin.userAgent.slice(0, 256));
    return id;
  }

  /** Whether a cookie value names a live session; a valid one is renewed now and then. */
  valid(id: string): boolean {
    // A real id is 43 characters; anything far from that is not worth a hash and a query.
    if (id.length < 32 || id.length > 64) return false;
    const key = hash(id);
    const row = this.statements.get.get(key);
    const t = this.now();
    if (!row || row.token_hash !== this.tokenHash || row.expires_ms <= t) return false;
    if (t - row.seen_ms >= touchEveryMs) this.statements.touch.run(t, t + sessionIdleMs, key);
    return true;
  }

  revoke(id: string): void {
    if (id.length <= 64) this.statements.remove.run(hash(id));
  }
}
