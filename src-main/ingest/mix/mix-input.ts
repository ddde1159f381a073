// One input of a live mix: its stream's frames (as MPEG-TS, from the hub's newest
// keyframe on) into an ffmpeg that decodes them and scales them to the input's box, out
// as raw pictures the compositor copies. The newest picture is kept (two buffers, taken
// in turn), so the mix's clock never waits for an input: a late or offline one shows
// what it last sent. A new box size restarts only this decoder; until its first picture,
// the compositor scales the last one.
import type { Logger } from 'pino';
import type { MixInput } from '../../contract/mixer-api.js';
import { LiveTsStream } from '../../delivery/mpegts/live-ts-sink.js';
import { boxFilter, pictureBytes, type Picture } from '../../mixer/index.js';
import type { StreamHub } from '../../streams/stream-hub.js';
import type { ProcessRegistry, RunningProcess } from '../../transcode/index.js';

/** An input is live while its pictures keep coming: none for this long and it shows as offline. */
const liveWithinMs = 1000;
/** A decoder that stopped (the source gone for good, a crash) is started again after this. */
const restartMs = 1000;
/** The source has no hub yet (never published): look again this often. */
const lookForSourceMs = 1000;

export interface MixInputDeps {
  hub: (name: string) => StreamHub | undefined;
  processes: ProcessRegistry;
  ffmpegPath: () => string | null;
  log: Logger;
}

export class MixInputFeed {
  /** The newest whole picture, or null before the first. */
  picture: Picture | null = null;
  frames = 0;
  private lastPictureAt = 0;
  private decoder: RunningProcess | null = null;
  private ts: LiveTsStream | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  /** The buffer being filled, and how far; it becomes `picture` when full, and the old one is filled next. */
  private filling: Picture | null = null;
  private filled = 0;
  private spare: Picture | null = null;

  constructor(
    private spec: MixInput,
    private readonly canvas: { fps: number; background: string },
    private readonly deps: MixInputDeps,
  ) {
    this.start();
  }

  get source(): string {
    return this.spec.source;
  }

  get live(): boolean {
    return Date.now() - this.lastPictureAt < liveWithinMs;
  }

  /** A new box, fit or source: the decoder starts again for it (position, order and volume need no restart). */
  update(spec: MixInput): void {
    const restart = spec.source !== this.spec.source || spec.w !== this.spec.w || spec.h !== this.spec.h || (spec.fit ?? 'contain') !== (this.spec.fit ?? 'contain');
    if (spec.source !== this.spec.source) this.picture = null;
    this.spec = spec;
    if (restart) {
      this.stopDecoder();
      this.start();
    }
  }

  close(): void {
    this.closed = true;
    this.stopDecoder();
  }

  private start(): void {
    if (this.closed || this.decoder) return;
    const hub = this.deps.hub(this.spec.source);
    const ffmpegPath = this.deps.ffmpegPath();
    if (!hub || !ffmpegPath) {
      this.later(lookForSourceMs);
      return;
    }
    const { w, h } = this.spec;
    const width = w & ~1;
    const height = h & ~1;
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      // The first picture as soon as the keyframe is in: no long probe, no buffering.
      // (A still picture compresses to almost nothing: a large probe would wait seconds for enough bytes.)
      '-probesize', '8192', '-analyzeduration', '0', '-fflags', '+nobuffer+discardcorrupt', '-flags', 'low_delay',
      '-f', 'mpegts', '-i', 'pipe:0',
      '-map', '0:v:0', '-vf', boxFilter(width, height, this.canvas.fps, this.spec.fit ?? 'contain', this.canvas.background),
      '-f', 'rawvideo', 'pipe:1',
    ];
    const decoder = this.deps.processes.start(ffmpegPath, args, { label: `mix input ${this.spec.source}`, streamStdin: true, keepBytes: 4096 });
    // An input lost for a day is still an input: the stream is kept open while the mix lives.
    const ts = new LiveTsStream(hub, { label: `mix input ${this.spec.source}`, log: this.deps.log, idleMs: 86_400_000, highWaterMark: 1 << 20 });
    this.decoder = decoder;
    this.ts = ts;
    decoder.stdin?.on('error', () => undefined);
    if (decoder.stdin) ts.output.pipe(decoder.stdin);
    const size = pictureBytes(width, height);
    this.filling = null;
    this.spare = null;
    this.filled = 0;
    decoder.stdout.on('data', (chunk: Buffer) => this.take(chunk, width, height, size));
    void decoder.exited.then((result) => {
      if (this.decoder !== decoder) return;
      this.stopDecoder();
      if (!this.closed) {
        this.deps.log.debug({ source: this.spec.source }, `mix input decoder stopped: ${result.stderr.trim().split('\n').at(-1) ?? result.code}`);
        this.later(restartMs);
      }
    });
  }

  /** Raw bytes into whole pictures, with no allocation once both buffers exist. */
  private take(chunk: Buffer, width: number, height: number, size: number): void {
    let at = 0;
    while (at < chunk.length) {
      this.filling ??= this.spare && this.spare.width === width && this.spare.height === height ? this.spare : { width, height, data: new Uint8Array(size) };
      const n = Math.min(size - this.filled, chunk.length - at);
      this.filling.data.set(chunk.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === size) {
        this.spare = this.picture;
        this.picture = this.filling;
        this.filling = null;
        this.filled = 0;
        this.frames++;
        this.lastPictureAt = Date.now();
      }
    }
  }

  private later(ms: number): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.start();
    }, ms);
  }

  private stopDecoder(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.ts?.close('the mix input changed');
    this.ts = null;
    this.decoder?.stdin?.end();
    this.decoder?.stop();
    this.decoder = null;
  }
}
