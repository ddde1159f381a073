// Sprite sheets for instant hover pictures: one image of N keyframes across a window
// of the archive (/NAME/sprite-FROM-DURATION.json and .jpg), so sweeping the pointer
// over the timeline shows a picture at once; the exact picture for the hovered second
// replaces it when it arrives.
import type { SpriteMap } from '../../../../src-main/contract/stream-files';
import { ApiError } from '../../api/api-error';
import { spriteWindow } from '../../lib/timeline/coverage';

export const SPRITE_TILES = 80;
/** Windows reaching into the last minute are asked again after this long: recording goes on there. */
export const LIVE_REFRESH_MS = 30_000;
export const MAX_ENTRIES = 24;
/** A sheet still being made (503) is asked for again after this long, this many times. */
export const RETRY_MS = 2000;
export const MAX_RETRIES = 4;

/** Where sheets come from: the map (/NAME/sprite-FROM-DURATION.json?tiles=N) and the image it names. */
export interface SpriteSource {
  fetchMap(stream: string, from: number, duration: number, tiles: number, token: string | null): Promise<SpriteMap>;
  /** Settles once the image is in the browser's cache, or failed to load (either way the map is usable). */
  preload(url: string): Promise<void>;
}

/** The browser's way to warm the cache with an image. */
export function preloadImage(url: string): Promise<void> {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = img.onerror = () => resolve();
    img.src = url;
  });
}

export interface SpriteTile {
  url: string;
  /** Tile origin and size in the sheet, and the sheet's size, pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
  sheetWidth: number;
  sheetHeight: number;
  /** The keyframe's wall time, UTC seconds. */
  time: number;
}

interface Entry {
  state: 'loading' | 'ready' | 'failed';
  map: SpriteMap | null;
  at: number;
  live: boolean;
}

export class SpriteCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ready: () => void;
  private readonly source: SpriteSource;

  /** `ready` is called when a sheet arrived (a resting pointer can show it). */
  constructor(source: SpriteSource, ready: () => void) {
    this.source = source;
    this.ready = ready;
  }

  /** The tile for `t` if its sheet is here; 'gap' where the sheet says nothing is recorded; null otherwise (asks for it). */
  tileAt(stream: string, token: string | null, t: number, span: number): SpriteTile | 'gap' | null {
    const window = spriteWindow(t, span);
    if (!window || t > Date.now() / 1000) return null;
    const key = `${stream}\u0000${window.from}\u0000${window.duration}`;
    const entry = this.entries.get(key);
    const stale = entry?.live && Date.now() - entry.at > LIVE_REFRESH_MS;
    if (!entry || (stale && entry.state !== 'loading')) this.load(key, stream, token, window);
    const map = entry?.map;
    if (!map) return null;
    const index = Math.round((t - map.from) / map.interval);
    if (index < 0 || index >= map.tiles.length) return null;
    const tile = map.tiles[index];
    if (tile === undefined) return null;
    if (tile === null) return 'gap';
    return {
      url: map.url,
      x: tile.x,
      y: tile.y,
      width: map.tileWidth,
      height: map.tileHeight,
      sheetWidth: map.columns * map.tileWidth,
      sheetHeight: map.rows * map.tileHeight,
      time: tile.keyframe,
    };
  }

  private load(key: string, stream: string, token: string | null, window: { from: number; duration: number }, attempt = 0): void {
    const previous = this.entries.get(key);
    const live = window.from + window.duration > Date.now() / 1000 - 60;
    this.entries.set(key, { state: 'loading', map: previous?.map ?? null, at: Date.now(), live });
    this.trim();
    this.source
      .fetchMap(stream, window.from, window.duration, SPRITE_TILES, token)
      .then((map) => {
        // Fetch the sheet too before saying it is ready, so its first use draws at once.
        void this.source.preload(map.url).then(() => {
          this.entries.set(key, { state: 'ready', map, at: Date.now(), live });
          this.ready();
        });
      })
      .catch((err: unknown) => {
        // 503: still being made; the server says to ask again in a couple of seconds.
        if (err instanceof ApiError && err.status === 503 && attempt < MAX_RETRIES) {
          setTimeout(() => this.load(key, stream, token, window, attempt + 1), RETRY_MS);
          return;
        }
        this.entries.set(key, { state: 'failed', map: previous?.map ?? null, at: Date.now(), live: false });
      });
  }

  private trim(): void {
    while (this.entries.size > MAX_ENTRIES) {
      const first = this.entries.keys().next().value;
      if (first === undefined) break;
      this.entries.delete(first);
    }
  }
}
