import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/index.js';
import { SessionStore, sessionIdleMs } from './session-store.js';

const origin = { ip: '127.0.0.1', userAgent: 'test' };

describe('sign-in sessions held server-side', () => {
  it('expires a session left unused, and renews one in use', () => {
    let now = 1_000_000;
    const store = new SessionStore(openDatabase(':memory:'), 'token-aaaaaaaaaaaaaaaa', () => now);
    const idle = store.open(origin);
    const used = store.open(origin);
    // Used every 10 days: renewed each time, so it outlives the idle limit.
    for (let day = 10; day <= 40; day += 10) {
      now = 1_000_000 + day * 24 * 3600_000;
      expect(store.valid(used), `day ${day}`).toBe(true);
    }
    expect(store.valid(idle)).toBe(false);
    now += sessionIdleMs;
    expect(store.valid(used)).toBe(false);
  });

  it('ends every session when the admin token changes, and keeps only hashes of the ids', () => {
    const db = openDatabase(':memory:');
    const id = new SessionStore(db, 'old-token-aaaaaaaaaaaaaaaa').open(origin);
    expect(new SessionStore(db, 'old-token-aaaaaaaaaaaaaaaa').valid(id)).toBe(true);
    const rows = db.prepare('SELECT * FROM auth_sessions').all();
    expect(JSON.stringify(rows)).not.toContain(id);
    const renewed = new SessionStore(db, 'new-token-bbbbbbbbbbbbbbbb');
    expect(renewed.valid(id)).toBe(false);
    expect(db.prepare('SELECT count(*) AS n FROM auth_sessions').get()).toEqual({ n: 0 });
  });

  it('revokes one session and keeps at most 1000, the least recently seen going first', () => {
    let now = 0;
    const db = openDatabase(':memory:');
    const store = new SessionStore(db, 'token-aaaaaaaaaaaaaaaa', () => now);
    const first = store.open(origin);
    const ids: string[] = [];
    for (let i = 0; i < 1200; i++) {
      now += 1;
      ids.push(store.open(origin));
    }
    expect(db.prepare('SELECT count(*) AS n FROM auth_sessions').get()).toEqual({ n: 1000 });
    expect(store.valid(first)).toBe(false);
    expect(store.valid(ids.at(-1)!)).toBe(true);
    store.revoke(ids.at(-1)!);
    expect(store.valid(ids.at(-1)!)).toBe(false);
    expect(store.valid(ids.at(-2)!)).toBe(true);
  });
});
