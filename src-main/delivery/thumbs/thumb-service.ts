// Thumbnails from the archive: the keyframe nearest a second, the exact picture at a
// second, and sprite sheets for timeline hover. Single pictures are made at once (two at
// a time); sprites in the background, one ffmpeg at a time at low priority; both take
// their turn among the studio's media jobs (mediaJobsMax), and a picture whose every
// requester left is dropped (its ffmpeg killed). Pictures of times that are settled (a
// minute in the past) are kept in the on-disk cache.
import { Problem } from '../../contract/problem.js';
import type { ArchiveStore } from '../../dvr/archive-store.js';
import type { ProcessRegistry } from '../../transcode/index.js';
import { ArchivePictures } from './archive-pictures.js';
import { gopClip, keyframeClip } from './frame-clip.js';
import { makeSprite } from './sprite-sheet.js';
import type { SpriteLayout } from '../../contract/stream-files.js';
import { ThumbCache } from './thumb-cache.js';
import { clipPictureJpeg } from './thumb-render.js';
import { noRecording } from '../archive-range.js';
import { WorkQueue } from './work-queue.js';
import type { MediaJobs } from '../media-jobs.js';

export interface ThumbServiceDeps {
  archive: ArchiveStore;
  /** <data-dir>/cache/thumbs */
  cacheDir: string;
  cacheMaxBytes?: number;
  processes: ProcessRegistry;
  ffmpegPath: () => string | null;
  /** The studio's cap on ffmpeg runs and export plans at once; none when absent (tests of this service alone). */
  jobs?: MediaJobs;
}

export interface Sprite {
  jpeg: Buffer;
  layout: SpriteLayout;
}

/** A time (or a range's end) this far in the past is settled: everything in it is on disk, its pictures never change. */
export const settledMs = 60_000;

export const isSettled = (ms: number) => ms < Date.now() - settledMs;

export class ThumbService {
  readonly pictures: ArchivePictures;
  private readonly cache: ThumbCache;
  private readonly interactive = new WorkQueue({ concurrency: 2, maxWaiting: 32, what: 'thumbnails' });
  private readonly background = new WorkQueue({ concurrency: 1, maxWaiting: 16, what: 'sprites' });
  /** Sprites of unsettled ranges are not cached on disk; the last few are kept here briefly for the request after a 503. */
  private readonly recentSprites = new Map<string, { sprite: Sprite; until: number }>();

  constructor(private readonly deps: ThumbServiceDeps) {
    this.pictures = new ArchivePictures({ archive: deps.archive });
    this.cache = new ThumbCache(deps.cacheDir, deps.cacheMaxBytes);
  }

  private ffmpeg(): string {
    const ffmpeg = this.deps.ffmpegPath();
    if (!ffmpeg) throw new Problem('unavailable', 'No ffmpeg', 'thumbnails need ffmpeg: set FFMPEG_PATH or the ffmpeg path in Settings');
    return ffmpeg;
  }

  /** Runs ffmpeg work in its turn among the media jobs (at once when there is no cap). */
  private job<T>(what: string, signal: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.deps.jobs ? this.deps.jobs.run(what, work, { signal }) : work(signal);
  }

  /**
   * The keyframe nearest `tMs`, or with `exact` the picture on screen at `tMs`, `width`
   * pixels wide, as JPEG. `signal`: the requester left (its share of the work is dropped).
   */
  async thumbnail(stream: string, tMs: number, o: { exact: boolean; width: number }, signal?: AbortSignal): Promise<Buffer> {
    const key = `thumb\0${stream}\0${tMs}\0${o.width}\0${o.exact ? 'exact' : 'key'}`;
    const settled = isSettled(tMs);
    if (settled) {
      const cached = await this.cache.get(key, 'jpg');
      if (cached) return cached;
    }
    return this.interactive.run(key, async (runSignal) => {
      // What to decode first: a time with nothing recorded is a 404 whether or not there is an ffmpeg.
      let clip: Uint8Array;
      let position = 0;
      if (o.exact) {
        const picture = await this.pictures.exactPicture(stream, tMs);
        clip = gopClip(picture.track, picture.frames);
        position = picture.position;
      } else {
        const k = await this.pictures.keyframeNear(stream, tMs);
        clip = keyframeClip(k.video.track, [k.video.frames[k.index]!]);
      }
      const ffmpeg = this.ffmpeg();
      const jpeg = await this.job('thumbnail', runSignal, (jobSignal) => clipPictureJpeg({ ffmpeg, processes: this.deps.processes, signal: jobSignal }, clip, position, o.width));
      if (settled) await this.cache.put(key, 'jpg', jpeg);
      return jpeg;
    }, signal);
  }

  /**
   * The sprite of a range: from the cache at once, else made in the background. Waits
   * up to `waitMs` for it; null when it is still being made then (it goes on, and is
   * cached for the next request). A requester that leaves before (`signal`) stops it
   * unless another waits for it too.
   */
  async sprite(stream: string, range: { fromMs: number; toMs: number }, tiles: number, tileWidth: number, waitMs: number, signal?: AbortSignal): Promise<Sprite | null> {
    const key = `sprite\0${stream}\0${range.fromMs}\0${range.toMs}\0${tiles}\0${tileWidth}`;
    const settled = isSettled(range.toMs);
    const recent = this.recentSprites.get(key);
    if (recent && recent.until > Date.now()) return recent.sprite;
    if (settled) {
      const [jpeg, json] = await Promise.all([this.cache.get(key, 'jpg'), this.cache.get(key, 'json')]);
      if (jpeg && json) return { jpeg, layout: JSON.parse(json.toString('utf8')) as SpriteLayout };
    }
    if (this.deps.archive.segments(stream, range.fromMs, range.toMs).length === 0) throw noRecording(stream, range);
    const ffmpeg = this.ffmpeg();
    const making = this.background.run(key, async (runSignal) => {
      const sprite = await this.job('sprite', runSignal, (jobSignal) =>
        makeSprite({ archive: this.deps.archive, pictures: this.pictures, render: { ffmpeg, processes: this.deps.processes, low: true, signal: jobSignal } }, stream, range, tiles, tileWidth),
      );
      if (settled) {
        await this.cache.put(key, 'json', Buffer.from(JSON.stringify(sprite.layout)));
        await this.cache.put(key, 'jpg', sprite.jpeg);
      }
      this.remember(key, sprite);
      return sprite;
    }, signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)));
    try {
      return await Promise.race([making, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private remember(key: string, sprite: Sprite): void {
    const now = Date.now();
    for (const [k, v] of this.recentSprites) if (v.until <= now) this.recentSprites.delete(k);
    if (this.recentSprites.size >= 8) this.recentSprites.delete(this.recentSprites.keys().next().value!);
    this.recentSprites.set(key, { sprite, until: now + 60_000 });
  }

  /** Stops the running ffmpeg runs and refuses what waits (before the process registry kills what is left). */
  close(): void {
    this.interactive.close();
    this.background.close();
    this.recentSprites.clear();
  }
}
