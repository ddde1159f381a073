import { Busy } from '../delivery/busy.js';
import { Slots } from '../delivery/slots.js';
import type { PlaylistBody } from './send-playlist.js';

export interface ListingBuildsOptions {
  /** Bytes of finished listings kept (their gzipped forms come on top, about a tenth). */
  maxBytes?: number;
  maxEntries?: number;
  /** Builds waiting for their turn; beyond it a new build is refused (Busy). */
  maxWaiting?: number;
}

/** A built listing: its bytes (and gzipped form, once made), and a note when it covers less than asked. */
export interface Listing extends PlaylistBody {
  note?: string;
}

interface Entry {
  body: Promise<Listing>;
  /** Kept until then; Infinity while it is being built (requests for it share the build). */
  until: number;
  bytes: number;
}

/** Lets other work (a health check, a segment request) run before the build goes on, once the build has had its share of this turn. */
export type Pause = () => Promise<void>;

/** A build's share of the event loop before it gives the turn back. */
const sliceBudgetMs = 2;

/**
 * Node 20 (libuv 1.45 on, libuv PR #3696) accepts one new connection per poll of the
 * event loop (seen here with strace: one accept4 per epoll_wait): 200 clients arriving
 * at once need 200 polls before the 201st, a health check, is accepted. A build
 * therefore works in small slices, and between them waits on a 1 ms timer rather than
 * setImmediate: while a timer is pending the loop keeps polling (accepting, reading,
 * writing) until it is due, where an immediate allows one poll per slice.
 */
function budgetedPause(): Pause {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceBudgetMs) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
    since = performance.now();
  };
}

/**
 * Archive listings (DVR playlists, recording status) built from the index on the
 * event loop: a day of 2-second segments is 43 200 rows and 4 MB of text. Builds run
 * one at a time and each gives the event loop back every couple of ms (it works in
 * slices of five minutes of index), so a storm of them delays other requests by a
 * slice, not by whole builds. The same listing asked for again shares the build under
 * way and is kept for its `ttlMs` (bounded in entries and bytes, least recently used
 * first out); a full line is refused rather than queued without end.
 */
export class ListingBuilds {
  private readonly entries = new Map<string, Entry>();
  private keptBytes = 0;
  private readonly builder = new Slots(() => 1);
  private readonly maxBytes: number;
  private readonly maxEntries: number;
  private readonly maxWaiting: number;

  constructor(o: ListingBuildsOptions = {}) {
    this.maxBytes = o.maxBytes ?? 32 << 20;
    this.maxEntries = o.maxEntries ?? 64;
    this.maxWaiting = o.maxWaiting ?? 32;
  }

  get waiting(): number {
    return this.builder.waiting;
  }

  /** The listing for `key`: kept, being built, or built now (in its turn). Build errors are not kept. */
  get(key: string, ttlMs: number, build: (pause: Pause) => Promise<Buffer | Listing>, now = Date.now()): Promise<Listing> {
    const hit = this.entries.get(key);
    if (hit && hit.until > now) {
      // Least recently used goes first: a hit moves to the back.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.body;
    }
    if (hit) this.forget(key, hit);
    if (this.builder.waiting >= this.maxWaiting) {
      throw new Busy(`${this.builder.waiting} archive playlists and recording statuses are waiting to be built; try again in a few seconds`);
    }
    const entry: Entry = { body: this.built(build), until: Infinity, bytes: 0 };
    this.entries.set(key, entry);
    entry.body.then(
      (body) => {
        if (this.entries.get(key) !== entry) return;
        if (ttlMs <= 0) return this.forget(key, entry);
        entry.until = Date.now() + ttlMs;
        entry.bytes = body.bytes.length;
        this.keptBytes += entry.bytes;
        this.trim();
      },
      () => {
        if (this.entries.get(key) === entry) this.forget(key, entry);
      },
    );
    this.trim();
    return entry.body;
  }

  /** One build at a time, starting in a turn of its own. */
  private async built(build: (pause: Pause) => Promise<Buffer | Listing>): Promise<Listing> {
    const release = await this.builder.acquire();
    try {
      const pause = budgetedPause();
      await new Promise((resolve) => setTimeout(resolve, 1));
      const built = await build(pause);
      return Buffer.isBuffer(built) ? { bytes: built } : built;
    } finally {
      release();
    }
  }

  private forget(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.keptBytes -= entry.bytes;
  }

  /** Over the entry count or the byte budget: the least recently used finished listings go. */
  private trim(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.keptBytes <= this.maxBytes) return;
      if (entry.until !== Infinity) this.forget(key, entry);
    }
  }
}
