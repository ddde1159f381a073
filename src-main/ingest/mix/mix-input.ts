// One input of a live mix: its stream's frames (as MPEG-TS, from the hub's newest
// keyframe on) into an ffmpeg that decodes them and scales them to the input's box, out
// as raw pictures the compositor copies, and its sound (when it has some) as 48 kHz
// stereo samples on a second pipe, queued for the mix's sound. The newest picture is kept (two buffers, taken
// in turn), so the mix's clock never waits for an input: a late or offline one shows
// what it last sent. A new box size restarts only this decoder; until its first picture,
// the compositor scales the last one.
import type { Logger } from 'pino';
import { generatedSource, type MixInput } from '../../contract/mixer-api.js';
import { LiveTsStream } from '../../delivery/mpegts/live-ts-sink.js';
import { channels, inputPictures, pictureBytes, sampleRate, SoundQueue, type Picture } from '../../mixer/index.js';
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
  /** The input's sound, queued until the mix's clock takes it. */
  readonly sound = new SoundQueue();
  private lastPictureAt = 0;
  private decoder: RunningProcess | null = null;
  private ts: LiveTsStream | null = null;
  private retry: NodeJS.Timeout | null = null;
  /** Looks each second whether a source decoded without sound has gained some (it was offline when its decoder started). */
  private readonly soundWatch: NodeJS.Timeout;
  private decodingSound = false;
  private closed = false;
  /** The canvas colour, for the bars of a picture that is contained in its box. */
  private background: string;

  constructor(
    private spec: MixInput,
    canvas: { background: string },
    private readonly deps: MixInputDeps,
  ) {
    this.background = canvas.background;
    this.start();
    this.soundWatch = setInterval(() => {
      if (!this.decoder || this.decodingSound) return;
      if (this.deps.hub(this.spec.source)?.tracks?.some((t) => t.kind === 'audio')) {
        this.stopDecoder();
        this.start();
      }
    }, 1000);
    this.soundWatch.unref();
  }

  get source(): string {
    return this.spec.source;
  }

  get live(): boolean {
    return this.generated || Date.now() - this.lastPictureAt < liveWithinMs;
  }

  /** A colour card or a clock: the compositor draws it, no decoder runs. */
  private get generated(): boolean {
    return generatedSource(this.spec.source) !== null;
  }

  /** A new box, fit, source or bar colour: the decoder starts again for it (position, order and volume need no restart). */
  update(spec: MixInput, background: string): void {
    // The decoder's filter says all that needs a restart: size inside the border, crop, fit, bar colour.
    const restart = spec.source !== this.spec.source || inputPictures(spec, background, null).filter !== inputPictures(this.spec, this.background, null).filter;
    this.background = background;
    if (spec.source !== this.spec.source) {
      this.picture = null;
      this.sound.clear();
    }
    this.spec = spec;
    if (restart) {
      this.stopDecoder();
      this.start();
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.soundWatch);
    this.stopDecoder();
  }

  private start(): void {
    if (this.closed || this.decoder || this.generated) return;
    const hub = this.deps.hub(this.spec.source);
    const ffmpegPath = this.deps.ffmpegPath();
    if (!hub || !ffmpegPath) {
      this.later(lookForSourceMs);
      return;
    }
    const { width, height, filter } = inputPictures(this.spec, this.background, null);
    // Sound only when the source has some now (an output without a stream would stop ffmpeg); a source that gains it later is heard after its next restart.
    const withSound = hub.tracks?.some((t) => t.kind === 'audio') ?? false;
    this.decodingSound = withSound;
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      // The first picture as soon as the keyframe is in: no long probe, no buffering.
      // (A still picture compresses to almost nothing: a large probe would wait seconds for enough bytes.)
      '-probesize', '8192', '-analyzeduration', '0', '-fflags', '+nobuffer+discardcorrupt', '-flags', 'low_delay',
      // Frame threads would hold a picture per thread before the first comes out; slices do not.
      '-thread_type', 'slice',
      '-f', 'mpegts', '-i', 'pipe:0',
      '-map', '0:v:0', '-vf', filter,
      '-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:1',
      ...(withSound ? ['-map', '0:a:0', '-af', `aresample=${sampleRate}:async=1000`, '-ac', String(channels), '-f', 's16le', 'pipe:3'] : []),
    ];
    const decoder = this.deps.processes.start(ffmpegPath, args, { label: `mix input ${this.spec.source}`, streamStdin: true, keepBytes: 4096, extraOutputs: withSound ? 1 : 0 });
    this.sound.clear();
    // Bytes of an earlier decoder (flushed as it stops) are not this one's: each handler checks whose it is.
    decoder.outputs[0]?.on('data', (chunk: Buffer) => this.decoder === decoder && this.sound.push(chunk));
    // An input lost for a day is still an input: the stream is kept open while the mix lives.
    const ts = new LiveTsStream(hub, { label: `mix input ${this.spec.source}`, log: this.deps.log, idleMs: 86_400_000, highWaterMark: 1 << 20 });
    this.decoder = decoder;
    this.ts = ts;
    decoder.stdin?.on('error', () => undefined);
    if (decoder.stdin) ts.output.pipe(decoder.stdin);
    const take = this.pictureTaker(width, height);
    decoder.stdout.on('data', (chunk: Buffer) => this.decoder === decoder && take(chunk));
    void decoder.exited.then((result) => {
      if (this.decoder !== decoder) return;
      this.stopDecoder();
      if (!this.closed) {
        this.deps.log.debug({ source: this.spec.source }, `mix input decoder stopped: ${result.stderr.trim().split('\n').at(-1) ?? result.code}`);
        this.later(restartMs);
      }
    });
  }

  /**
   * One decoder's raw bytes into whole pictures of its size, in two buffers taken in turn
   * (no allocation once both exist): the one filled becomes `picture`, the one shown before is filled next.
   */
  private pictureTaker(width: number, height: number): (chunk: Buffer) => void {
    const size = pictureBytes(width, height);
    let filling: Picture | null = null;
    let filled = 0;
    let spare: Picture | null = null;
    return (chunk) => {
      let at = 0;
      while (at < chunk.length) {
        filling ??= spare ?? { width, height, data: new Uint8Array(size) };
        const n = Math.min(size - filled, chunk.length - at);
        filling.data.set(chunk.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === size) {
          const shown = this.picture;
          spare = shown && shown.width === width && shown.height === height ? shown : null;
          this.picture = filling;
          filling = null;
          filled = 0;
          this.frames++;
          this.lastPictureAt = Date.now();
        }
      }
    };
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
    const decoder = this.decoder;
    this.decoder = null;
    decoder?.stdin?.end();
    decoder?.stop();
  }
}
