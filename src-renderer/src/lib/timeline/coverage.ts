// Level of detail for the recorded-coverage shading. The summary API answers the
// recorded share per step over a window; the timeline asks at a step that gives
// about one bucket per pixel or two, in fixed tiles of time, so panning reuses what
// was fetched and zooming out or in finds the coarser or finer level cached.

/** Steps the timeline asks the summary for, seconds. */
export const SUMMARY_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400] as const;

/** Buckets in one tile: one request, far under the server's 100 000-step cap. */
export const TILE_BUCKETS = 480;

export interface CoverageBucket {
  /** UTC seconds. */
  from: number;
  /** Recorded share of the step, 0..1. */
  coverage: number;
  bytes: number;
}

export interface TileKey {
  step: number;
  index: number;
  from: number;
  to: number;
}

/** The summary step for `spp` seconds per pixel: a bucket every `pxPerBucket` pixels or finer. */
export function summaryStep(spp: number, pxPerBucket = 1.5): number {
  const wanted = spp * pxPerBucket;
  return SUMMARY_STEPS.find((s) => s >= wanted) ?? 86_400;
}

export function tileSpan(step: number): number {
  return step * TILE_BUCKETS;
}

/** Tiles at `step` that cover [from, to]. */
export function tilesCovering(from: number, to: number, step: number): TileKey[] {
  const span = tileSpan(step);
  const first = Math.floor(from / span);
  const last = Math.floor(to / span);
  const tiles: TileKey[] = [];
  for (let index = first; index <= last && tiles.length < 64; index++) tiles.push({ step, index, from: index * span, to: (index + 1) * span });
  return tiles;
}

export function tileId(stream: string, tile: Pick<TileKey, 'step' | 'index'>): string {
  return `${stream}\u0000${tile.step}\u0000${tile.index}`;
}

/**
 * Steps to fall back on while a tile loads: coarser ones first (they cover more and
 * were likely fetched already), then finer ones.
 */
export function fallbackSteps(step: number): number[] {
  const i = SUMMARY_STEPS.indexOf(step as (typeof SUMMARY_STEPS)[number]);
  if (i < 0) return [];
  const coarser = SUMMARY_STEPS.slice(i + 1);
  const finer = SUMMARY_STEPS.slice(0, i).reverse();
  return [...coarser, ...finer];
}

/**
 * Runs of buckets merged for drawing: neighbours with (nearly) the same share become
 * one rectangle, and empty buckets are left out.
 */
export function coverageRuns(buckets: readonly CoverageBucket[], step: number, tolerance = 0.04): { from: number; to: number; coverage: number }[] {
  const runs: { from: number; to: number; coverage: number }[] = [];
  for (const b of buckets) {
    if (b.coverage <= 0) continue;
    const last = runs[runs.length - 1];
    if (last && Math.abs(last.to - b.from) < 1e-6 && Math.abs(last.coverage - b.coverage) <= tolerance) {
      last.to = b.from + step;
    } else {
      runs.push({ from: b.from, to: b.from + step, coverage: b.coverage });
    }
  }
  return runs;
}

/** Whether a tile may still change: it reaches into the last minute (the recording grows there). */
export function tileIsLive(tile: Pick<TileKey, 'to'>, now: number): boolean {
  return tile.to > now - 60;
}

/** The recorded share at `t` from what is cached (null when not known yet). */
export function coverageAt(levels: readonly { step: number; buckets: readonly CoverageBucket[] }[], t: number): number | null {
  let known: number | null = null;
  for (const level of levels) {
    for (const b of level.buckets) {
      if (t >= b.from && t < b.from + level.step) {
        // The finest level that knows wins: levels come finest-wanted first.
        if (known === null) known = b.coverage;
        break;
      }
    }
    if (known !== null) return known;
  }
  return known;
}

/** Sprite windows, seconds: about the visible span, at most a day (the server's cap). */
const SPRITE_SPANS = [120, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400];

/** The sprite window holding `t` at a zoom showing `span` seconds (aligned, so neighbours share it); null past a day. */
export function spriteWindow(t: number, span: number): { from: number; duration: number } | null {
  const duration = SPRITE_SPANS.find((s) => s >= span);
  if (duration === undefined) return null;
  return { from: Math.floor(t / duration) * duration, duration };
}
