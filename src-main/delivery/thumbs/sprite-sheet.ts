// A sprite sheet for timeline hover: N keyframe thumbnails at even times across a range
// in one JPEG grid, and the map that says where each time's tile is (null for a gap).
import { Problem, isProblem } from '../../contract/problem.js';
import type { SpriteLayout } from '../../contract/stream-files.js';
import type { ArchiveStore } from '../../dvr/archive-store.js';
import type { Frame, VideoTrack } from '../../media/index.js';
import { noRecording } from '../archive-range.js';
import type { ArchivePictures } from './archive-pictures.js';
import { keyframeClip } from './frame-clip.js';
import { clipTilesRgb, rgbJpeg, type RenderContext } from './thumb-render.js';

export const maxSpriteTiles = 400;
const maxColumns = 10;
/** Keyframes decoded by one ffmpeg run: bounds the memory one sprite holds at once. */
const batchSize = 50;
const gapShade = 0x1c;

interface Picked {
  tile: number;
  timeMs: number;
  key: string;
  initId: number;
  track: VideoTrack;
  frame: Frame;
  utcMs: number;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Columns × rows of a grid of `tiles`: at most ten across. */
export function spriteGrid(tiles: number): { columns: number; rows: number } {
  const columns = Math.min(tiles, maxColumns);
  return { columns, rows: Math.ceil(tiles / columns) };
}

export async function makeSprite(
  deps: { archive: Pick<ArchiveStore, 'segments'>; pictures: ArchivePictures; render: RenderContext },
  stream: string,
  range: { fromMs: number; toMs: number },
  tiles: number,
  tileWidth: number,
): Promise<{ jpeg: Buffer; layout: SpriteLayout }> {
  if (deps.archive.segments(stream, range.fromMs, range.toMs).length === 0) throw noRecording(stream, range);
  const stepMs = (range.toMs - range.fromMs) / tiles;
  const picked: (Picked | null)[] = [];
  // Tiles close together share keyframes: each keyframe is decoded once.
  const unique = new Map<string, Picked>();
  for (let i = 0; i < tiles; i++) {
    deps.render.signal?.throwIfAborted();
    const timeMs = range.fromMs + i * stepMs;
    let found: Picked | null = null;
    try {
      const k = await deps.pictures.keyframeNear(stream, timeMs);
      const key = `${k.video.segment.file}#${k.index}`;
      const frame = unique.get(key)?.frame ?? { ...k.video.frames[k.index]!, data: k.video.frames[k.index]!.data.slice() };
      found = { tile: i, timeMs, key, initId: k.video.segment.initId, track: k.video.track, frame, utcMs: k.utcMs };
      if (!unique.has(key)) unique.set(key, found);
    } catch (error) {
      if (!isProblem(error, 'not-found')) throw error;
    }
    picked.push(found);
  }
  const first = picked.find((p) => p !== null);
  if (!first) throw new Problem('not-found', 'No picture', `${stream} has no video between ${new Date(range.fromMs).toISOString()} and ${new Date(range.toMs).toISOString()}`);
  const width = Math.max(16, Math.round(tileWidth / 2) * 2);
  const height = Math.max(8, Math.round((width * first.track.height) / Math.max(1, first.track.width) / 2) * 2);

  // Decode in batches of keyframes that share one init (a codec change starts a new batch).
  const pixels = new Map<string, Buffer>();
  const keyframes = [...unique.values()];
  for (let at = 0; at < keyframes.length; ) {
    const batch = [keyframes[at]!];
    while (batch.length < batchSize && keyframes[at + batch.length]?.initId === batch[0]!.initId) batch.push(keyframes[at + batch.length]!);
    at += batch.length;
    let decoded: Buffer[] = [];
    try {
      decoded = await clipTilesRgb(deps.render, keyframeClip(batch[0]!.track, batch.map((p) => p.frame)), width, height);
    } catch (error) {
      if (deps.render.signal?.aborted) throw error;
      // A batch that does not decode leaves its tiles as gaps; the rest of the sprite still comes.
    }
    batch.forEach((p, i) => {
      const tile = decoded[i];
      if (tile) pixels.set(p.key, tile);
    });
  }

  const { columns, rows } = spriteGrid(tiles);
  const sheetWidth = columns * width;
  const rgb = Buffer.alloc(sheetWidth * rows * height * 3, gapShade);
  const layout: SpriteLayout = {
    from: range.fromMs / 1000,
    duration: (range.toMs - range.fromMs) / 1000,
    interval: round3(stepMs / 1000),
    tileWidth: width,
    tileHeight: height,
    columns,
    rows,
    tiles: picked.map((p, i) => {
      const tile = p && pixels.get(p.key);
      if (!p || !tile) return null;
      const x = (i % columns) * width;
      const y = Math.floor(i / columns) * height;
      for (let line = 0; line < height; line++) tile.copy(rgb, ((y + line) * sheetWidth + x) * 3, line * width * 3, (line + 1) * width * 3);
      return { time: round3(p.timeMs / 1000), keyframe: round3(p.utcMs / 1000), x, y };
    }),
  };
  const jpeg = await rgbJpeg(deps.render, rgb, sheetWidth, rows * height);
  return { jpeg, layout };
}
