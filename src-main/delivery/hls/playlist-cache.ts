import type { PlaylistBody } from '../http/send-playlist.js';

/** As long as the playlist's own Cache-Control lets anyone keep it. */
const ttlMs = 60_000;
const maxEntries = 16;

/**
 * Finished archive playlists, kept for a minute: a range in the past does not change,
 * and the DVR browser and a roomful of viewers of one link ask for the same day many
 * times. Small, because a 24-hour playlist is 4 MB of text.
 */
export class PlaylistCache {
  private readonly entries = new Map<string, { body: PlaylistBody; at: number }>();

  get(key: string, build: () => Buffer, now = Date.now()): PlaylistBody {
    const hit = this.entries.get(key);
    if (hit && now - hit.at < ttlMs) return hit.body;
    const body: PlaylistBody = { bytes: build() };
    this.entries.delete(key);
    this.entries.set(key, { body, at: now });
    if (this.entries.size > maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return body;
  }
}
