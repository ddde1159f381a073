// Library files as HLS, made on request: the plan of a file (variants, segment starts)
// once, each segment on its first request by a job for that segment alone, kept in the
// cache after that, and the next ones made ahead while somebody plays.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import type { Logger } from 'pino';
import { Problem } from '../contract/problem.js';
import type { EncoderStatus } from '../contract/studio-api.js';
import type { ProbedMedia } from '../contract/library-api.js';
import { buildInitSegment, readInitTracks } from '../formats/fmp4/index.js';
import { codecString } from '../media/codecs/codec-string.js';
import { h264Encoders } from '../transcode/encoder-choice.js';
import type { ProcessRegistry } from '../transcode/process-registry.js';
import { encoderFamily, isHardware } from '../transcode/video-encode.js';
import type { LibraryService } from './library-service.js';
import type { FileRow } from './library-store.js';
import { makeSegment } from './segment-maker.js';
import { outputOffsetSeconds } from './segment-command.js';
import type { SegmentCache } from './segment-cache.js';
import { gridSegments, keyframeSegments, masterPlaylist, mediaPlaylist, planVariants, segmentName, segmentSpan, subtitlePlaylist, type RemuxContainer, type VodVariant } from './vod-plan.js';

export interface VodServiceDeps {
  library: LibraryService;
  cache: SegmentCache;
  processes: ProcessRegistry;
  ffmpegPath: () => string | null;
  ffprobePath: () => string | null;
  /** The probed encoders and the studio-wide pin (transcodeEncoder). */
  encoders: () => readonly EncoderStatus[];
  encoderSetting: () => string;
  log: Logger;
  /** Segment jobs at once (default: one per core). */
  jobs?: number;
}

/** A scrub bar's thumbnails: `tiles` pictures `interval` seconds apart, `columns` to a row of sprite.jpg. */
export interface VodSpriteMap {
  url: string;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
  interval: number;
  tiles: number;
}

const spriteTileWidth = 160;
const previewWidths = [160, 320, 640, 1280];
/** Subtitle codecs ffmpeg turns into WebVTT. */
const textSubtitles = new Set(['subrip', 'srt', 'ass', 'ssa', 'mov_text', 'webvtt', 'text']);
/** Jobs that may wait for a slot; beyond, a request gets a 503 (players retry) instead of an ever longer queue. */
const maxWaitingJobs = 64;
/** Segments made ahead of the one asked for. */
const prefetchCount = 2;
/**
 * Of those, made at once: they run at full priority (the player waits on them moments
 * later), so however many cores there are, one made-ahead encode at a time shares them
 * with what viewers ask for now (a seek, a new viewer's first segment).
 */
const maxAheadJobs = 1;
/** A GPU encoder that failed is not tried again for this long. */
const hardwareRetryMs = 10 * 60_000;
/** Plans of this many files are kept in memory. */
const plannedFiles = 256;

interface Plan {
  key: string;
  media: ProbedMedia;
  variants: VodVariant[];
  starts: Map<string, Promise<number[]>>;
  /** fMP4 variants' CODECS, by name, once read from their init. */
  codecs: Map<string, string>;
}

const containerOf = (variant: VodVariant): RemuxContainer => (variant.kind === 'remux' ? variant.container : 'ts');

export interface VodFile {
  folder: string;
  path: string;
}

/** FIFO with a bounded number running; asked-for work goes before work made ahead. */
class JobSlots {
  private running = 0;
  private readonly urgent: (() => void)[] = [];
  private readonly ahead: (() => void)[] = [];

  constructor(private readonly size: number) {}

  get idle(): boolean {
    return this.running < this.size && this.urgent.length === 0;
  }

  async run<T>(urgent: boolean, work: () => Promise<T>): Promise<T> {
    if (this.running >= this.size && this.urgent.length + this.ahead.length >= maxWaitingJobs) {
      throw new Problem('unavailable', 'Busy', `${maxWaitingJobs} library jobs are waiting already; try again in a moment`);
    }
    // A finished job hands its slot straight to the next waiter (running stays counted), so a
    // caller arriving between the hand-over and the waiter waking cannot take it too.
    if (this.running >= this.size) await new Promise<void>((resolve) => (urgent ? this.urgent : this.ahead).push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      const next = this.urgent.shift() ?? this.ahead.shift();
      if (next) next();
      else this.running--;
    }
  }
}

export class VodService {
  private readonly plans = new Map<string, Plan>();
  private readonly failedHardware = new Map<string, number>();
  private readonly slots: JobSlots;
  /** Segments being made ahead (started or about to take a slot): one at a time, so the other slots stay free for what viewers ask. */
  private aheadJobs = 0;

  constructor(private readonly deps: VodServiceDeps) {
    this.slots = new JobSlots(deps.jobs ?? Math.max(1, os.cpus().length));
  }

  async master(file: VodFile, query: string): Promise<string> {
    const plan = this.plan(file);
    const variants: VodVariant[] = [];
    for (const variant of plan.variants) {
      if (variant.kind === 'remux' && variant.container === 'fmp4') {
        // Players choose by CODECS (a browser without HEVC skips it): read from the init, made now if need be.
        try {
          variants.push({ ...variant, codecs: await this.codecs(file, plan, variant) });
        } catch (error) {
          // Gone meanwhile (moved, deleted): the file's own error, not a listing without its original.
          if (!this.deps.library.resolve(file.folder, file.path)) throw error;
          this.deps.log.warn({ file: file.path, err: error }, 'vod: the original cannot be remuxed; offering transcoded sizes only');
        }
      } else variants.push(variant);
    }
    return masterPlaylist(variants, query, plan.media.subtitles.map((t, i) => ({ index: i, language: t.language, playable: textSubtitles.has(t.codec) })).filter((t) => t.playable));
  }

  async media(file: VodFile, variantName: string, query: string): Promise<string> {
    const { plan, variant } = this.variant(file, variantName);
    return mediaPlaylist(await this.starts(file, plan, variant), plan.media.duration, query, containerOf(variant));
  }

  /** An fMP4 variant's init segment (init.mp4): the tracks ffmpeg writes when remuxing the first segment. */
  async init(file: VodFile, variantName: string): Promise<string> {
    const { plan, variant } = this.variant(file, variantName);
    if (containerOf(variant) !== 'fmp4') throw new Problem('not-found', 'No init segment', `${variantName} is MPEG-TS: its segments need none`);
    const starts = await this.starts(file, plan, variant);
    return this.deps.cache.get(`${plan.key}/${variant.name}/init.mp4`, async () => {
      // Only the tracks are wanted: the first picture's worth of the file is enough (the master playlist waits on this).
      const end = Math.min(segmentSpan(starts, plan.media.duration, 0)!.end, 0.1);
      const tracks = await this.slots.run(true, async () => (await makeSegment(this.deps.processes, this.ffmpeg(), { file: await this.openFile(file), variant, start: 0, end, last: false, encoder: 'copy', startTime: plan.media.startTime, sequence: 1 })).tracks);
      return Buffer.from(buildInitSegment(tracks));
    });
  }

  private async codecs(file: VodFile, plan: Plan, variant: VodVariant): Promise<string> {
    const cached = plan.codecs.get(variant.name);
    if (cached) return cached;
    const tracks = readInitTracks(await fs.readFile(await this.init(file, variant.name)));
    const codecs = tracks.map((t) => codecString(t)).join(',');
    plan.codecs.set(variant.name, codecs);
    return codecs;
  }

  /** The cached segment's file, made now if it is not there yet. */
  async segment(file: VodFile, variantName: string, k: number, extension: string): Promise<string> {
    const { plan, variant } = this.variant(file, variantName);
    if (extension !== segmentName(containerOf(variant), k).split('.')[1]) throw new Problem('not-found', 'No such segment', `${variantName}'s segments are ${segmentName(containerOf(variant), 0).replace('0', 'N')}`);
    const starts = await this.starts(file, plan, variant);
    const made = this.make(file, plan, variant, starts, k, true);
    // The next ones once this one is in: made alongside, they would take the cores the viewer is waiting on.
    void made.then(
      () => {
        for (let next = k + 1; next <= k + prefetchCount && next < starts.length; next++) {
          if (this.aheadJobs >= maxAheadJobs || !this.slots.idle) break;
          if (this.deps.cache.has(this.segmentKey(plan, variant, next))) continue;
          this.aheadJobs++;
          this.make(file, plan, variant, starts, next, false)
            .catch(() => undefined)
            .finally(() => this.aheadJobs--);
        }
      },
      () => undefined,
    );
    return made;
  }

  /** A picture from a tenth into the file (past black intros), 320 wide, made once. */
  poster(file: VodFile): Promise<string> {
    const plan = this.plan(file);
    return this.picture(file, Math.min(plan.media.duration * 0.1, 10), 320, 'poster.jpg');
  }

  /**
   * The picture at second `t` (whole seconds), `width` wide (160, 320, 640 or 1280):
   * /preview.jpg?t=. Few keys per file, so previews cannot crowd segments out of the cache.
   */
  preview(file: VodFile, t: number, width: number): Promise<string> {
    const plan = this.plan(file);
    if (!(t >= 0 && t <= plan.media.duration)) throw new Problem('invalid', 'Invalid time', `t must be between 0 and ${plan.media.duration.toFixed(1)} (the file's length)`);
    if (!previewWidths.includes(width)) throw new Problem('invalid', 'Invalid width', `w is one of ${previewWidths.join(', ')}`);
    const second = Math.min(Math.floor(t), Math.max(0, Math.floor(plan.media.duration - 0.5)));
    return this.picture(file, second, width, `preview-${second}-${width}.jpg`);
  }

  /**
   * Thumbnails across the whole file for a scrub bar: up to 100 evenly spaced, ten to a
   * row, from keyframes only in a long file (no full decode: seconds even for an hour's file).
   */
  spriteMap(file: VodFile): VodSpriteMap {
    const plan = this.plan(file);
    const video = plan.media.video;
    if (!video) throw new Problem('not-found', 'No picture', `${file.path} has no video`);
    const tiles = Math.max(1, Math.min(100, Math.ceil(plan.media.duration / 2)));
    const turned = video.rotation === 90 || video.rotation === 270;
    const aspect = turned ? video.width / video.height : video.height / video.width;
    const tileHeight = Math.max(2, Math.round((spriteTileWidth * aspect) / 2) * 2);
    return { url: 'sprite.jpg', tileWidth: spriteTileWidth, tileHeight, columns: Math.min(10, tiles), rows: Math.ceil(tiles / 10), interval: plan.media.duration / tiles, tiles };
  }

  sprite(file: VodFile): Promise<string> {
    const plan = this.plan(file);
    const map = this.spriteMap(file);
    return this.deps.cache.get(`${plan.key}/sprite.jpg`, () =>
      this.slots.run(true, async () =>
        this.collect(
          // Keyframes only for long files; a short one may have a single keyframe, too few to space out.
          ['-v', 'error', '-nostdin', ...(plan.media.duration > 120 ? ['-skip_frame', 'nokey'] : []), '-i', await this.openFile(file), '-an', '-vf', `fps=1/${map.interval.toFixed(6)},scale=${map.tileWidth}:${map.tileHeight},tile=${map.columns}x${map.rows}`, '-frames:v', '1', '-q:v', '5', '-f', 'image2', '-c:v', 'mjpeg', 'pipe:1'],
          'vod sprite',
          16 << 20,
        ),
      ),
    );
  }

  private picture(file: VodFile, at: number, width: number, name: string): Promise<string> {
    const plan = this.plan(file);
    if (!plan.media.video) throw new Problem('not-found', 'No picture', `${file.path} has no video`);
    return this.deps.cache.get(`${plan.key}/${name}`, () =>
      this.slots.run(true, async () => {
        const args = ['-v', 'error', '-nostdin', '-ss', at.toFixed(3), '-i', await this.openFile(file), '-frames:v', '1', '-vf', `scale=${width}:-2`, '-q:v', '4', '-f', 'image2', '-c:v', 'mjpeg', 'pipe:1'];
        const bytes = await this.collect(args, 'vod picture', 4 << 20);
        if (bytes.length === 0) throw new Problem('unavailable', 'No picture', `nothing to show at ${at.toFixed(1)} s`);
        return bytes;
      }),
    );
  }

  /**
   * The subtitle track as one WebVTT file for the whole length (SubRip, ASS, mov_text and
   * WebVTT convert; pictures such as DVD and PGS subtitles do not). Its X-TIMESTAMP-MAP
   * ties cue times to the segments' own clock, so cues land on their pictures.
   */
  subtitles(file: VodFile, index: number): Promise<string> {
    const plan = this.plan(file);
    const track = plan.media.subtitles[index];
    if (!track) throw new Problem('not-found', 'No such subtitles', `${file.path} has ${plan.media.subtitles.length} subtitle tracks`);
    if (!textSubtitles.has(track.codec)) throw new Problem('unsupported', 'Picture subtitles', `${track.codec} subtitles are pictures; only text subtitles play in browsers`);
    return this.deps.cache.get(`${plan.key}/subtitles-${index}.vtt`, () =>
      this.slots.run(true, async () => {
        const vtt = (await this.collect(['-v', 'error', '-nostdin', '-copyts', '-i', await this.openFile(file), '-map', `0:${track.index}`, '-c:s', 'webvtt', '-f', 'webvtt', 'pipe:1'], 'vod subtitles', 16 << 20)).toString('utf8');
        // Cue times are the file's own (-copyts); segment times are the file's own plus the output offset (segment-command.ts).
        const mpegts = Math.round(outputOffsetSeconds * 90_000);
        return Buffer.from(vtt.replace(/^WEBVTT[^\n]*\n/, `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:${mpegts},LOCAL:00:00:00.000\n`));
      }),
    );
  }

  subtitleList(file: VodFile, index: number, query: string): string {
    const plan = this.plan(file);
    if (!plan.media.subtitles[index]) throw new Problem('not-found', 'No such subtitles', `${file.path} has ${plan.media.subtitles.length} subtitle tracks`);
    return subtitlePlaylist(plan.media.duration, query);
  }

  /** stdout of an ffmpeg run, up to `limit` bytes; a Problem with ffmpeg's last words when it fails. */
  private async collect(args: string[], label: string, limit: number): Promise<Buffer> {
    const child = this.deps.processes.start(this.ffmpeg(), args, { label, timeoutMs: 60_000 });
    const chunks: Buffer[] = [];
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) child.stop();
      else chunks.push(chunk);
    });
    const result = await child.exited;
    if (result.code !== 0) throw new Problem('unavailable', 'ffmpeg failed', `ffmpeg: ${result.stderr.trim().split('\n').at(-1) || `exit ${result.code ?? result.signal}`}`);
    return Buffer.concat(chunks);
  }

  private make(file: VodFile, plan: Plan, variant: VodVariant, starts: readonly number[], k: number, urgent: boolean): Promise<string> {
    const span = segmentSpan(starts, plan.media.duration, k);
    if (!span) throw new Problem('not-found', 'No such segment', `${variant.name} has segments 0 to ${starts.length - 1}`);
    return this.deps.cache.get(this.segmentKey(plan, variant, k), () =>
      this.slots.run(urgent, async () => {
        const resolved = { file: await this.openFile(file) };
        const ffmpeg = this.ffmpeg();
        let lastProblem: unknown = null;
        // Hardware encoders that failed here are set aside only if a later one made the segment: a file no encoder can read is not the GPU's fault.
        const failed: string[] = [];
        for (const encoder of this.encoderOrder(variant)) {
          try {
            // A segment made ahead runs at full priority: the player asks for it moments later and waits on this
            // very job (a niced one took 20 s on a busy machine). Asked-for work still goes first by the slots' queue.
            const made = await makeSegment(this.deps.processes, ffmpeg, { file: resolved.file, variant, ...span, last: k === starts.length - 1, encoder, startTime: plan.media.startTime, sequence: k + 1 });
            for (const gpu of failed) this.failedHardware.set(gpu, Date.now());
            return made.bytes;
          } catch (error) {
            lastProblem = error;
            const family = encoderFamily(encoder);
            if (!family || !isHardware(family)) break;
            failed.push(encoder);
            this.deps.log.warn({ encoder, err: error }, 'vod: hardware encoder failed; trying the next');
          }
        }
        throw lastProblem;
      }),
    );
  }

  private encoderOrder(variant: VodVariant): string[] {
    if (variant.kind !== 'transcode') return ['copy'];
    const order = h264Encoders({ requested: this.deps.encoderSetting(), probed: this.deps.encoders(), platform: process.platform });
    const now = Date.now();
    return order.filter((e) => now - (this.failedHardware.get(e) ?? 0) > hardwareRetryMs || e === order.at(-1));
  }

  private segmentKey(plan: Plan, variant: VodVariant, k: number): string {
    return `${plan.key}/${variant.name}/${segmentName(containerOf(variant), k)}`;
  }

  /** The path ffmpeg opens: checked on disk (a regular file inside its folder) just before. */
  private async openFile(file: VodFile): Promise<string> {
    return (await this.deps.library.openable(file.folder, file.path)).file;
  }

  /** The file, playable now: a Problem that says why not otherwise. */
  private resolve(file: VodFile): { row: FileRow; file: string } {
    const resolved = this.deps.library.resolve(file.folder, file.path);
    if (!resolved) throw new Problem('not-found', 'Not in the library', `no file ${file.path} in library folder ${file.folder}`);
    return resolved;
  }

  private plan(file: VodFile): Plan {
    const { row } = this.resolve(file);
    if (row.state === 'probing') throw new Problem('unavailable', 'Still reading the file', `${file.path} is being read (ffprobe); try again in a moment`);
    if (!row.media) throw new Problem('unsupported', 'Cannot play this file', row.problem ?? 'ffprobe could not read it');
    // The file's version is part of the key: a file replaced under the same name gets a new plan and new segments.
    const key = crypto.createHash('sha256').update(`${row.folder}\0${row.path}\0${row.size}\0${row.mtimeMs}`).digest('hex').slice(0, 24);
    let plan = this.plans.get(key);
    if (!plan) {
      const variants = planVariants(row.media);
      if (variants.length === 0) throw new Problem('unsupported', 'Cannot play this file', 'it has neither a picture nor a sound ffmpeg can read');
      plan = { key, media: row.media, variants, starts: new Map(), codecs: new Map() };
      if (this.plans.size >= plannedFiles) this.plans.delete(this.plans.keys().next().value!);
      this.plans.set(key, plan);
    }
    return plan;
  }

  private variant(file: VodFile, name: string): { plan: Plan; variant: VodVariant } {
    const plan = this.plan(file);
    const variant = plan.variants.find((v) => v.name === name);
    if (!variant) throw new Problem('not-found', 'No such rendition', `${file.path} plays as ${plan.variants.map((v) => v.name).join(', ')}`);
    return { plan, variant };
  }

  /** Segment starts: the fixed grid, or (copied video) the file's keyframes, read once. */
  private starts(file: VodFile, plan: Plan, variant: VodVariant): Promise<number[]> {
    if (variant.kind !== 'remux') return Promise.resolve(gridSegments(plan.media.duration));
    let starts = plan.starts.get('keyframes');
    if (!starts) {
      starts = this.keyframes(file, plan).then((k) => keyframeSegments(k, plan.media.duration));
      starts.catch(() => plan.starts.delete('keyframes'));
      plan.starts.set('keyframes', starts);
    }
    return starts;
  }

  /** The video keyframes' times (seconds from the file's start), from ffprobe's packet list: no decoding. */
  private async keyframes(file: VodFile, plan: Plan): Promise<number[]> {
    const ffprobe = this.deps.ffprobePath();
    if (!ffprobe) throw new Problem('unavailable', 'ffmpeg not found', 'ffprobe is needed to play library files');
    const input = await this.openFile(file);
    // Reads the whole file: in a job slot like a segment, so a hundred files asked for at once queue.
    return this.slots.run(true, () => this.readKeyframes(ffprobe, input, plan));
  }

  private async readKeyframes(ffprobe: string, input: string, plan: Plan): Promise<number[]> {
    const child = this.deps.processes.start(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', input], { label: 'vod keyframes', timeoutMs: 120_000 });
    const times: number[] = [];
    let rest = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      const lines = (rest + text).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        const [pts, flags] = line.split(',');
        if (flags?.startsWith('K') && pts) times.push(Number(pts) - plan.media.startTime);
      }
    });
    const result = await child.exited;
    if (result.code !== 0) throw new Problem('unavailable', 'Cannot index the file', `ffprobe: ${result.stderr.trim().split('\n').at(-1) ?? `exit ${result.code}`}`);
    return times.filter(Number.isFinite).sort((a, b) => a - b);
  }

  private ffmpeg(): string {
    const path = this.deps.ffmpegPath();
    if (!path) throw new Problem('unavailable', 'ffmpeg not found', 'ffmpeg is needed to play library files');
    return path;
  }
}
