// An offline mix: the recordings of several streams over one time range, laid out as a
// live mix is and drawn by the same compositor, encoded to an MP4. The cameras are put in
// step by their recorded wall-clock time, picture by picture: canvas picture n shows, from
// every input, the picture recorded at FROM + n / fps. Each recorded stretch of an input (a
// gap starts another) is a lossless export plan read by its own decoder, which turns it
// into pictures of the input's box at the mix's rate starting exactly at its tick; the
// render then runs as fast as the machine allows, never dropping a picture.
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { generatedSource, type MixInput, type MixLayout, type MixRenderRequest } from '../contract/mixer-api.js';
import { Problem } from '../contract/problem.js';
import { streamNameProblem } from '../contract/stream-name.js';
import type { RecordedRange } from '../dvr/dvr-index.js';
import { blankPicture, canvasInputArgs, inputPictures, layoutProblem, slotOf, channels, Compositor, Limiter, pictureBytes, sampleRate, samplesBefore, SoundQueue, tickFrames, type Picture, type Slot } from '../mixer/index.js';
import { rawPicturesFor } from '../transcode/gpu-pipeline.js';
import type { ProcessRegistry, RunningProcess } from '../transcode/index.js';
import { encoderFamily, isHardware, videoEncodeArgs } from '../transcode/video-encode.js';
import type { ExportPlanRequest, Mp4ExportPlan } from './mp4-export.js';
import { servePlans } from './plan-server.js';

/** Recorded stretches per input at most: each one is a decoder in turn. */
export const maxPiecesPerInput = 16;
/** A stretch's decoder starts this many seconds before its first picture is due, so it is ready. */
const startAheadSeconds = 2;
/** Decoded pictures an input keeps ready; sound is never held back, so this only bounds memory. */
const readyPictures = 3;
/**
 * While a tick waits for a stretch's sound, its pictures may queue up to this many seconds'
 * worth; then the tick stops waiting and the missing sound is silence (a hole in the recorded
 * sound), and as many late samples are dropped when they come, so sound and pictures stay in step.
 */
const soundWaitSeconds = 2;
/** More than this much of one stretch's sound ahead of its pictures means its decoder is confused. */
const maxSoundAheadFrames = sampleRate * 30;
const defaultBackground = '#101010';
/** Sound written ahead of what the encoder has taken, at most: ten seconds, far past any encoder's delay. */
const soundAheadBytes = 10 * sampleRate * channels * 2;

export interface MixRenderDeps {
  /** A lossless MP4 of one recorded stretch (the exporter's planner). */
  plan: (o: ExportPlanRequest) => Promise<Mp4ExportPlan>;
  ranges: (stream: string, fromMs: number, toMs: number) => RecordedRange[];
  processes: ProcessRegistry;
  ffmpegPath: () => string | null;
  /** Encoders to try, first to last: the transcoding engine's order (working GPU encoders, then libx264). */
  encoders: () => string[];
  log: Logger;
}

export interface MixRenderSpec {
  name: string;
  layout: MixLayout;
  fromMs: number;
  durationMs: number;
}

/** One recorded stretch of one input. */
interface Piece {
  input: number;
  plan: Mp4ExportPlan;
  /** The canvas tick of its first picture (0 for a stretch that began before FROM). */
  startTick: number;
  /** Seconds from FROM to its first picture (negative: it began before). */
  offset: number;
  sound: boolean;
}

export interface MixRender {
  fileName: string;
  /** Holes in the inputs' recordings inside the range (they show as the layout's offline rule says). */
  gaps: number;
  note: string | null;
  /** Renders into `file` (ffmpeg writes it: an MP4 needs its index written last, then moved first). */
  write(file: string, signal: AbortSignal, onProgress: (fraction: number) => void): Promise<{ encoder: string; note: string | null }>;
  dispose(): Promise<void>;
}

/** The layout of a render request (what is left without its name, range and folder). */
export function renderLayout(request: MixRenderRequest): MixLayout {
  const { name: _name, from: _from, duration: _duration, path: _path, ...layout } = request;
  return layout;
}

/** Picture memory one render may hold: its canvases, and up to eight pictures for each of two stretches per input. */
export const renderMemoryBudget = 512 * 2 ** 20;

/**
 * What can be refused before a render is queued, with the reason: a bad name, a layout
 * that no mix may have, unknown inputs, FROM in the future, a range over the export
 * limit, too much memory, or nothing recorded in the range by any input.
 */
export function checkMixRenderRequest(deps: { streamKnown: (name: string) => boolean; ranges: MixRenderDeps['ranges']; maxSeconds: () => number }, request: MixRenderRequest): void {
  const nameProblem = streamNameProblem(request.name);
  if (nameProblem) throw new Problem('invalid', 'Invalid stream name', nameProblem);
  const { from, duration } = request;
  const layout = renderLayout(request);
  if (layout.inputs.length === 0) throw new Problem('invalid', 'No inputs', 'a mix needs at least one input to render');
  const problem = layoutProblem(layout);
  if (problem) throw new Problem('invalid', problem.title, problem.detail);
  if (from > Date.now() / 1000) throw new Problem('invalid', 'Invalid range', 'from is in the future');
  const maxSeconds = deps.maxSeconds();
  if (duration > maxSeconds) throw new Problem('invalid', 'Range too long', `duration is over the export limit of ${maxSeconds} s (setting exportMaxSeconds); render shorter ranges`);
  const streams = layout.inputs.map((i) => i.source).filter((source) => !generatedSource(source));
  if (streams.length === 0) throw new Problem('invalid', 'No recordings', 'a render needs at least one recorded stream among its inputs');
  for (const source of streams) if (!deps.streamKnown(source)) throw new Problem('not-found', 'Unknown stream', `no stream named ${source}`);
  const memory = 1.5 * (3 * layout.width * layout.height + 16 * layout.inputs.reduce((sum, i) => sum + i.w * i.h, 0));
  if (memory > renderMemoryBudget) throw new Problem('invalid', 'Too large to render', `its canvas and boxes need ${Math.round(memory / 2 ** 20)} MB of pictures (at most ${renderMemoryBudget / 2 ** 20} MB): use a smaller canvas or boxes`);
  const fromMs = Math.round(from * 1000);
  const toMs = Math.round((from + duration) * 1000);
  if (streams.every((source) => deps.ranges(source, fromMs, toMs).length === 0)) {
    throw new Problem('not-found', 'Nothing recorded', `none of ${streams.join(', ')} has a recording between ${new Date(fromMs).toISOString()} and ${new Date(toMs).toISOString()}`);
  }
}

/** "live/show" over 14:03:00Z for 90 s → live_show-mix-20261207T140300Z-90s.mp4 */
export function mixFileName(name: string, fromMs: number, durationMs: number): string {
  const stamp = new Date(fromMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}-mix-${stamp}-${Math.round(durationMs / 1000)}s.mp4`;
}

/** Finds every input's recorded stretches and plans each; a Problem when none has anything in the range. */
export async function planMixRender(deps: MixRenderDeps, spec: MixRenderSpec, signal: AbortSignal): Promise<MixRender> {
  const { layout, fromMs, durationMs } = spec;
  const toMs = fromMs + durationMs;
  const pieces: Piece[] = [];
  let gaps = 0;
  const notes: string[] = [];
  const release = async () => Promise.all(pieces.map((p) => p.plan.dispose().catch(() => undefined)));
  try {
    for (const [input, { source }] of layout.inputs.entries()) {
      if (generatedSource(source)) continue;
      const ranges = deps.ranges(source, fromMs, toMs);
      if (ranges.length > maxPiecesPerInput) {
        throw new Problem('invalid', 'Too many gaps', `${source} has ${ranges.length - 1} gaps in the range (at most ${maxPiecesPerInput - 1}); render a shorter range`);
      }
      if (ranges.length === 0) notes.push(`${source} has no recording in the range`);
      gaps += Math.max(0, ranges.length - 1) + (ranges.length > 0 && ranges[0]!.fromMs > fromMs + 1000 ? 1 : 0);
      for (const range of ranges) {
        const plan = await deps.plan({ stream: source, fromMs: range.fromMs, durationMs: range.durationMs, precise: false, signal });
        const offset = (plan.startMs - fromMs) / 1000;
        pieces.push({ input, plan, offset, startTick: Math.max(0, Math.round(offset * layout.fps)), sound: plan.kinds.includes('audio') });
        if (plan.endsEarly) notes.push(`${source} changes codec at ${new Date(plan.endsEarly.atMs).toISOString()}: it shows as offline from there`);
      }
    }
  } catch (error) {
    await release();
    throw error;
  }
  if (pieces.length === 0) {
    throw new Problem('not-found', 'Nothing recorded', `none of ${layout.inputs.map((i) => i.source).filter((source) => !generatedSource(source)).join(', ')} has a recording between ${new Date(fromMs).toISOString()} and ${new Date(toMs).toISOString()}`);
  }
  return {
    fileName: mixFileName(spec.name, fromMs, durationMs),
    gaps,
    note: notes.length > 0 ? notes.join('; ') : null,
    write: (file, jobSignal, onProgress) => renderWithFallback(deps, spec, pieces, file, jobSignal, onProgress),
    dispose: async () => void (await release()),
  };
}

/** The first encoder of the order that works: a GPU encoder that fails starts the render again on the next. */
async function renderWithFallback(deps: MixRenderDeps, spec: MixRenderSpec, pieces: Piece[], file: string, signal: AbortSignal, onProgress: (fraction: number) => void) {
  const ffmpegPath = deps.ffmpegPath();
  if (!ffmpegPath) throw new Problem('unavailable', 'ffmpeg not found', 'rendering a mix needs ffmpeg; set its path in Settings');
  const order = deps.encoders();
  const server = await servePlans(pieces.map((p) => p.plan));
  const failed: string[] = [];
  try {
    for (const [k, encoder] of order.entries()) {
      try {
        await new Render(deps, ffmpegPath, spec, pieces, server.urls, encoder, file, signal, onProgress).run();
        return { encoder, note: failed.length > 0 ? `rendered with ${encoder}: ${failed.join('; ')}` : null };
      } catch (error) {
        const family = encoderFamily(encoder);
        if (signal.aborted || !(error instanceof EncoderFailed) || !family || !isHardware(family) || k === order.length - 1) throw error;
        failed.push(`${encoder} failed (${error.message})`);
        deps.log.warn({ encoder, err: error }, 'mix render: the encoder failed; starting again with the next');
      }
    }
    throw new Problem('unavailable', 'No encoder', 'no video encoder is available to render the mix');
  } finally {
    await server.close();
  }
}

class EncoderFailed extends Error {}

/** One input's stretch, decoded to pictures of its box from its first tick on, and its sound from the same instant. */
class StretchDecoder {
  readonly sound = new SoundQueue({ live: false });
  private readonly ready: Picture[] = [];
  private readonly spare: Picture[] = [];
  private filling: Picture | null = null;
  private filled = 0;
  private videoDone = false;
  private soundDone = false;
  private error: string | null = null;
  private wake: (() => void) | null = null;
  private readonly process: RunningProcess;
  /** While a tick waits for sound, pictures may queue past `readyPictures`, up to `maxReady`. */
  private wantSound = false;
  private closed = false;
  private readonly maxReady: number;
  /** Sample frames given as silence because they had not come: dropped from the sound when they do. */
  private soundDebt = 0;

  constructor(
    readonly piece: Piece,
    url: string,
    input: MixInput,
    layout: MixLayout,
    deps: MixRenderDeps,
    ffmpegPath: string,
  ) {
    const { width, height, filter } = inputPictures(input, layout.background ?? defaultBackground, { fps: layout.fps, startTime: this.piece.startTick / layout.fps });
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      // The stretch's clock against FROM's: its first picture lands at `offset` seconds.
      '-itsoffset', piece.offset.toFixed(6), '-i', url,
      '-map', '0:v:0', '-vf', filter,
      // Every picture as the filter made it: no duplicates to fill time before the first.
      '-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:1',
      // Sound from the same instant: silence before its first sample, none before the tick.
      ...(piece.sound ? ['-map', '0:a:0', '-af', `aresample=${sampleRate}:async=1:first_pts=${samplesBefore(piece.startTick, layout.fps)}`, '-ac', String(channels), '-f', 's16le', 'pipe:3'] : []),
    ];
    this.soundDone = !piece.sound;
    this.maxReady = Math.max(readyPictures, soundWaitSeconds * layout.fps);
    this.process = deps.processes.start(ffmpegPath, args, { label: `mix render input ${layout.inputs[piece.input]!.source}`, keepBytes: 4096, extraOutputs: piece.sound ? 1 : 0, niceness: 10 });
    const size = pictureBytes(width, height);
    const stdout = this.process.stdout;
    stdout.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      let at = 0;
      while (at < chunk.length) {
        this.filling ??= this.spare.pop() ?? { width, height, data: new Uint8Array(size) };
        const n = Math.min(size - this.filled, chunk.length - at);
        this.filling.data.set(chunk.subarray(at, at + n), this.filled);
        this.filled += n;
        at += n;
        if (this.filled === size) {
          this.ready.push(this.filling);
          this.filling = null;
          this.filled = 0;
        }
      }
      if (this.ready.length >= (this.wantSound ? this.maxReady : readyPictures)) stdout.pause();
      this.notify();
    });
    // The pictures end when the process has (its 'close', after every pipe): by then a failure has said why.
    const soundPipe = this.process.outputs[0];
    soundPipe?.on('data', (data: Buffer) => {
      let chunk = data;
      if (this.soundDebt > 0) {
        const drop = Math.min(this.soundDebt, Math.floor(chunk.length / (channels * 2)));
        this.soundDebt -= drop;
        chunk = chunk.subarray(drop * channels * 2);
        if (chunk.length === 0) return;
      }
      this.sound.push(chunk);
      if (this.sound.queuedFrames > maxSoundAheadFrames) this.error = 'its sound ran far ahead of its pictures';
      this.notify();
    });
    soundPipe?.once('end', () => {
      this.soundDone = true;
      this.notify();
    });
    void this.process.exited.then((result) => {
      // (A decoder stopped by the render has its error set already; one killed by anything else failed.)
      if (result.code !== 0) this.error ??= result.stderr.trim().split('\n').at(-1) || (result.signal ? `killed by ${result.signal}` : `exit ${result.code}`);
      this.videoDone = true;
      this.soundDone = true;
      this.notify();
    });
  }

  /** The next picture (the one for the next tick of this stretch), or null once the stretch has ended. */
  async picture(): Promise<Picture | null> {
    for (;;) {
      this.check();
      const next = this.ready.shift();
      if (next) {
        if (this.ready.length < readyPictures) this.process.stdout.resume();
        return next;
      }
      if (this.videoDone) return null;
      this.process.stdout.resume();
      await this.changed();
    }
  }

  /**
   * Adds the next `frames` sample frames × `gain` into `sum`, once they are in; silence for
   * what has not come when the sound has ended, or when the pictures ran `soundWaitSeconds`
   * ahead waiting for it (a hole in the recorded sound).
   */
  async addSound(sum: Int32Array, frames: number, gain: number): Promise<void> {
    this.wantSound = true;
    try {
      while (this.sound.queuedFrames < frames && !this.soundDone && this.ready.length < this.maxReady) {
        this.check();
        this.process.stdout.resume();
        await this.changed();
      }
    } finally {
      this.wantSound = false;
    }
    const missing = Math.max(0, frames - this.sound.queuedFrames);
    if (!this.soundDone) this.soundDebt += missing;
    this.sound.addInto(sum, frames, gain);
  }

  /** A picture shown and replaced: its buffer takes the next one. */
  recycle(picture: Picture): void {
    if (this.spare.length < readyPictures) this.spare.push(picture);
  }

  close(): void {
    // A tick waiting on this stretch (the job canceled) wakes and stops.
    this.error ??= 'the render stopped';
    this.closed = true;
    this.notify();
    this.process.stop();
    // A paused pipe holding unread bytes never ends, and the process never counts as exited
    // (the studio's stop would wait for it): what is left flows away unread.
    this.process.stdout.resume();
  }

  private check(): void {
    if (this.error) throw new Error(`${this.piece.plan.fileName} could not be decoded: ${this.error}`);
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/** One attempt at the file with one encoder. */
class Render {
  private readonly compositor: Compositor;
  private readonly limiter = new Limiter();
  private readonly sum = new Int32Array(sampleRate * channels);
  /** Canvases in turn: the one written three ticks ago has left the pipe by then. */
  private readonly canvases: Picture[];
  /** The ticks' sound in turn, enough for `soundAheadBytes` waiting in the pipe and the one being mixed. */
  private readonly soundRing: Buffer[];
  /** Per input: the stretch decoding now and the picture it showed last. */
  private readonly shown: (Picture | null)[];
  private readonly decoders = new Map<Piece, StretchDecoder>();
  private readonly finished = new Set<Piece>();
  private encoder: RunningProcess | null = null;

  constructor(
    private readonly deps: MixRenderDeps,
    private readonly ffmpegPath: string,
    private readonly spec: MixRenderSpec,
    private readonly pieces: readonly Piece[],
    private readonly urls: readonly string[],
    private readonly encoderName: string,
    private readonly file: string,
    private readonly signal: AbortSignal,
    private readonly onProgress: (fraction: number) => void,
  ) {
    const { layout } = spec;
    this.compositor = new Compositor({ width: layout.width, height: layout.height, background: layout.background ?? defaultBackground, offline: layout.offline ?? 'last-frame' });
    this.canvases = Array.from({ length: 3 }, () => blankPicture(layout.width, layout.height));
    const tickBytes = Math.ceil(sampleRate / layout.fps + 1) * channels * 2;
    this.soundRing = Array.from({ length: Math.ceil(soundAheadBytes / tickBytes) + 3 }, () => Buffer.alloc(tickBytes));
    this.shown = layout.inputs.map(() => null);
  }

  async run(): Promise<void> {
    const { layout, durationMs } = this.spec;
    const ticks = Math.max(1, Math.round((durationMs / 1000) * layout.fps));
    const encoder = this.startEncoder();
    const stdin = encoder.stdin!;
    const soundIn = encoder.inputs[0]!;
    let encoderGone: string | null = null;
    void encoder.exited.then((r) => (encoderGone = r.stderr.trim().split('\n').at(-1) || `exit ${r.code}`));
    const abort = () => this.closeAll();
    this.signal.addEventListener('abort', abort);
    let completed = false;
    try {
      for (let tick = 0; tick < ticks; tick++) {
        this.signal.throwIfAborted();
        if (encoderGone !== null) throw new EncoderFailed(encoderGone);
        this.startDue(tick);
        const slots = await this.pictures(tick);
        const k = tick % this.canvases.length;
        // A clock in the layout shows the time the pictures were recorded.
        const canvas = this.compositor.compose(slots, this.canvases[k]!, new Date(this.spec.fromMs + (tick * 1000) / layout.fps));
        const sound = await this.mixSound(tick, this.soundRing[tick % this.soundRing.length]!);
        // The sound may run ahead of the pictures by the video encoder's delay (its look-ahead
        // holds a second of pictures before ffmpeg wants more sound): held to the pictures'
        // pace, both pipes would wait on each other.
        await Promise.all([write(stdin, canvas.data, 2 * canvas.data.byteLength, () => encoderGone), write(soundIn, sound, soundAheadBytes, () => encoderGone)]);
        if (tick % layout.fps === 0) this.onProgress(tick / ticks);
      }
      stdin.end();
      soundIn.end();
      const result = await encoder.exited;
      this.signal.throwIfAborted();
      if (result.code !== 0) throw new EncoderFailed(result.stderr.trim().split('\n').at(-1) || `exit ${result.code}`);
      this.onProgress(1);
      completed = true;
    } finally {
      this.closeAll();
      // Stopped short (a decoder failed, the job canceled): the encoder would wait on its open pipes for good.
      if (!completed) {
        stdin.destroy();
        soundIn.destroy();
        encoder.stop();
      }
      await encoder.exited;
      this.signal.removeEventListener('abort', abort);
    }
  }

  private startEncoder(): RunningProcess {
    const { width, height, fps } = this.spec.layout;
    const family = encoderFamily(this.encoderName);
    if (!family) throw new Problem('unavailable', 'Unknown encoder', `the mixer cannot drive ${this.encoderName}`);
    const raw = rawPicturesFor(family);
    // A file to keep, not a live feed: 0.15 bit per pixel (3.5 Mbit/s for 720p25), a keyframe every two seconds.
    const bitrate = Math.round(width * height * fps * 0.15);
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'error', ...raw.globalArgs,
      ...canvasInputArgs(width, height, fps),
      '-map', '0:v', '-map', '1:a', '-vf', raw.filter,
      ...videoEncodeArgs({ encoder: this.encoderName, bitrate, maxRate: Math.round(bitrate * 1.5), bufSize: bitrate * 2, profile: 'high', maxGop: fps * 2, keyframeEvery: fps * 2 }),
      '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv',
      '-c:a', 'aac', '-b:a', '192k',
      '-movflags', '+faststart', '-f', 'mp4', '-y', this.file,
    ];
    this.encoder = this.deps.processes.start(this.ffmpegPath, args, { label: `mix render ${this.spec.name}`, streamStdin: true, keepBytes: 8192, extraInputs: 1, niceness: 10 });
    this.encoder.stdin?.on('error', () => undefined);
    this.encoder.inputs[0]?.on('error', () => undefined);
    return this.encoder;
  }

  /** Starts the decoders of stretches due within `startAheadSeconds`. */
  private startDue(tick: number): void {
    const ahead = tick + startAheadSeconds * this.spec.layout.fps;
    for (const [i, piece] of this.pieces.entries()) {
      if (piece.startTick > ahead || this.decoders.has(piece) || this.finished.has(piece)) continue;
      // At most two stretches of an input decode at once (the one shown, the next): a run of short ones waits its turn.
      if ([...this.decoders.keys()].filter((p) => p.input === piece.input).length >= 2) continue;
      const input = this.spec.layout.inputs[piece.input]!;
      this.decoders.set(piece, new StretchDecoder(piece, this.urls[i]!, input, this.spec.layout, this.deps, this.ffmpegPath));
    }
  }

  /** Each input's picture for `tick`: from its stretch under way, else what the offline rule shows. */
  private async pictures(tick: number): Promise<Slot[]> {
    const live = this.spec.layout.inputs.map(() => false);
    for (const [piece, decoder] of this.decoders) {
      if (piece.startTick > tick) continue;
      const picture = await decoder.picture();
      if (!picture) {
        this.end(piece);
        continue;
      }
      const before = this.shown[piece.input];
      if (before && before !== picture && before.width === picture.width) decoder.recycle(before);
      this.shown[piece.input] = picture;
      live[piece.input] = true;
    }
    return this.spec.layout.inputs.map((input, i) => slotOf(input, i, this.shown[i] ?? null, live[i]!));
  }

  /** The tick's sound: every stretch under way at its input's volume, summed and limited, as the live mix does. */
  private async mixSound(tick: number, into: Buffer): Promise<Buffer> {
    const frames = tickFrames(tick, this.spec.layout.fps);
    const length = frames * channels;
    this.sum.fill(0, 0, length);
    for (const [piece, decoder] of this.decoders) {
      if (piece.startTick > tick || !piece.sound) continue;
      const input = this.spec.layout.inputs[piece.input]!;
      await decoder.addSound(this.sum, frames, input.muted ? 0 : (input.volume ?? 1));
    }
    this.limiter.process(this.sum, length, into);
    return into.subarray(0, length * 2);
  }

  private end(piece: Piece): void {
    this.decoders.get(piece)?.close();
    this.decoders.delete(piece);
    this.finished.add(piece);
  }

  private closeAll(): void {
    for (const decoder of this.decoders.values()) decoder.close();
    this.decoders.clear();
    if (this.signal.aborted) this.encoder?.stop();
  }
}

/** Writes with backpressure: waits while more than `limit` bytes are queued (the encoder is the pace). */
async function write(out: Writable, bytes: Uint8Array, limit: number, gone: () => string | null): Promise<void> {
  out.write(bytes);
  while (out.writableLength > limit) {
    const reason = gone();
    if (reason !== null) throw new EncoderFailed(reason);
    await new Promise<void>((resolve) => {
      const done = () => {
        clearInterval(poll);
        out.off('drain', done);
        resolve();
      };
      // An encoder that exits never drains: the poll notices.
      const poll = setInterval(() => gone() !== null && done(), 200);
      out.once('drain', done);
    });
  }
}
