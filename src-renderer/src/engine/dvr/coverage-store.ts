// The recorded-coverage tiles the timeline draws, fetched from the summary API at the
// step the zoom needs, cached by (stream, step, tile). Tiles reaching into the last
// minute are fetched again every few seconds while in view: the recording grows there.
import { fallbackSteps, summaryStep, tileId, tileIsLive, tilesCovering, type CoverageBucket, type TileKey } from '../../lib/timeline/coverage';
import { viewEnd, type TimeView } from '../../lib/timeline/time-scale';

interface Tile {
  buckets: CoverageBucket[];
  fetchedAt: number;
}

/** GET /api/streams/NAME/dvr/summary: the recorded share per `step` seconds over [from, to] (UTC seconds). */
export type SummaryFetch = (stream: string, from: number, to: number, step: number) => Promise<CoverageBucket[]>;

export const MAX_TILES = 800;
export const LIVE_REFRESH_MS = 4000;
export const MAX_IN_FLIGHT = 4;
/** A tile whose request failed is not asked for again for this long. */
export const RETRY_AFTER_MS = 5000;

export class CoverageStore {
  private readonly tiles = new Map<string, Tile>();
  private readonly inFlight = new Set<string>();
  private readonly failedAt = new Map<string, number>();
  private queue: { stream: string; tile: TileKey }[] = [];
  private readonly fetchSummary: SummaryFetch;
  private readonly loaded: () => void;
  error: string | null = null;

  /** `loaded` is called whenever a tile arrives or fails (time to redraw). */
  constructor(fetchSummary: SummaryFetch, loaded: () => void) {
    this.fetchSummary = fetchSummary;
    this.loaded = loaded;
  }

  /** Asks for what `view` shows of each stream (finest level first), after the caller's debounce. */
  request(streams: readonly string[], view: TimeView, now: number): void {
    const step = summaryStep(view.spp);
    const span = viewEnd(view) - view.start;
    // A little beyond each edge, so a short pan finds its tiles already there.
    const from = Math.max(0, view.start - span * 0.25);
    const to = Math.min(now + 3600, viewEnd(view) + span * 0.25);
    if (to <= from) return;
    const wanted: { stream: string; tile: TileKey }[] = [];
    for (const stream of streams) {
      for (const tile of tilesCovering(from, to, step)) {
        if (tile.from > now) continue;
        const id = tileId(stream, tile);
        const have = this.tiles.get(id);
        const failed = this.failedAt.get(id);
        if (failed !== undefined && Date.now() - failed < RETRY_AFTER_MS) continue;
        if (have && !(tileIsLive(tile, now) && Date.now() - have.fetchedAt > LIVE_REFRESH_MS)) continue;
        if (!this.inFlight.has(id)) wanted.push({ stream, tile });
      }
    }
    // The newest request wins the queue: what is on screen now, not what was a second ago.
    this.queue = wanted;
    this.pump();
  }

  /** Buckets to draw for `stream` over the view: the wanted level where loaded, else the nearest level cached. */
  buckets(stream: string, view: TimeView): { step: number; buckets: CoverageBucket[] }[] {
    const step = summaryStep(view.spp);
    const from = view.start;
    const to = viewEnd(view);
    const out: { step: number; buckets: CoverageBucket[] }[] = [];
    for (const tile of tilesCovering(from, to, step)) {
      const exact = this.tiles.get(tileId(stream, tile));
      if (exact) {
        out.push({ step, buckets: exact.buckets });
        continue;
      }
      // Not loaded yet: any other level over this stretch, coarser first.
      for (const other of fallbackSteps(step)) {
        const covering = tilesCovering(Math.max(from, tile.from), Math.min(to, tile.to), other);
        const found = covering.map((t) => this.tiles.get(tileId(stream, t))).filter((t): t is Tile => t !== undefined);
        if (found.length === covering.length && found.length > 0) {
          for (const f of found) out.push({ step: other, buckets: f.buckets });
          break;
        }
      }
    }
    return out;
  }

  /** Forget one stream's tiles (a lock or a deletion changed them) or everything. */
  invalidate(stream?: string): void {
    if (stream === undefined) {
      this.tiles.clear();
      return;
    }
    for (const id of [...this.tiles.keys()]) if (id.startsWith(`${stream}\u0000`)) this.tiles.delete(id);
  }

  private pump(): void {
    while (this.inFlight.size < MAX_IN_FLIGHT && this.queue.length > 0) {
      const { stream, tile } = this.queue.shift()!;
      const id = tileId(stream, tile);
      if (this.inFlight.has(id)) continue;
      this.inFlight.add(id);
      const to = Math.min(tile.to, Math.ceil(Date.now() / 1000));
      this.fetchSummary(stream, tile.from, to, tile.step)
        .then((buckets) => {
          this.tiles.delete(id);
          this.tiles.set(id, { buckets, fetchedAt: Date.now() });
          this.failedAt.delete(id);
          this.error = null;
          this.trim();
          this.loaded();
        })
        .catch((err: unknown) => {
          this.failedAt.set(id, Date.now());
          this.error = err instanceof Error ? err.message : String(err);
          this.loaded();
        })
        .finally(() => {
          this.inFlight.delete(id);
          this.pump();
        });
    }
  }

  /** Oldest first out, past the cap (a Map keeps insertion order; a refetch moves a tile to the end). */
  private trim(): void {
    while (this.tiles.size > MAX_TILES) {
      const first = this.tiles.keys().next().value;
      if (first === undefined) break;
      this.tiles.delete(first);
    }
  }
}

