// A live mix: a stream of the studio (`live/show`) made from others. One encoder ffmpeg
// runs for the life of the mix and takes a raw canvas every tick of the mix's clock, and
// the tick's share of sound (each input's, by its volume, summed and limited) beside it;
// its H.264 comes back as MPEG-TS and goes to the stream's hub like any source, so the
// mix records, plays by HLS/LL-HLS/WHEP and exports. A layout change is only new boxes
// for the next tick: the encoder never restarts, so the recording has no gap and HLS no
// discontinuity; an input that moves shows at once, one that is resized within its
// decoder's restart (its last picture scaled in between).
import type { Logger } from 'pino';
import { Problem } from '../../contract/problem.js';
import type { MixInput, MixLayout, MixStatus } from '../../contract/mixer-api.js';
import { TsDemuxer } from '../../formats/mpegts/index.js';
import { blankPicture, canvasInputArgs, channels, Compositor, Limiter, sampleRate, slotOf, tickFrames, type Picture, type Slot } from '../../mixer/index.js';
import type { SourceSession, StreamHub } from '../../streams/stream-hub.js';
import type { ProcessRegistry, RunningProcess } from '../../transcode/index.js';
import { rawPicturesFor } from '../../transcode/gpu-pipeline.js';
import { encoderFamily, videoEncodeArgs } from '../../transcode/video-encode.js';
import type { PublishGate } from '../publish-gate.js';
import { MixInputFeed } from './mix-input.js';

export const defaultBackground = '#101010';
/** Canvases queued for the encoder beyond this many are skipped (it fell behind): memory stays bounded. */
const maxQueuedPictures = 4;

export interface LiveMixDeps {
  gate: PublishGate;
  hub: (name: string) => StreamHub | undefined;
  processes: ProcessRegistry;
  ffmpegPath: () => string | null;
  log: Logger;
  /** Seconds between keyframes: the DVR segment target. */
  keyframeSeconds: () => number;
  /** H.264 encoders to try, first to last: the transcoding engine's order (working GPU encoders, then libx264). */
  encoders: () => string[];
  /** The mix produces: its first frame came out of the encoder (once per mix, whatever encoder takes over later). */
  onStarted?(name: string, encoder: string): void;
  /** A mix that had started ended, and why (once). */
  onStopped?(name: string, reason: string): void;
}

export class LiveMix {
  private layout: MixLayout;
  private readonly compositor: Compositor;
  private feeds: MixInputFeed[] = [];
  /** Canvases in turn: one is drawn while the encoder's pipe may still hold up to `maxQueuedPictures` others. */
  private readonly ring: Picture[];
  private next = 0;
  /** The tick's sound: the sum (32-bit, before limiting) and the 16-bit samples written, in turn as the canvases are. */
  private readonly soundSum = new Int32Array(sampleRate * channels); // a whole second: the longest tick (1 fps)
  private readonly soundRing: Buffer[];
  private readonly limiter = new Limiter();
  private session: SourceSession | null = null;
  private encoder: RunningProcess | null = null;
  /** The encoders to try and the one in use (an index into them). */
  private order: string[] = [];
  private attempt = 0;
  private fallbackFrom: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private ticks = 0;
  private written = 0;
  private skipped = 0;
  private state: MixStatus['state'] = 'starting';
  private reason: string | null = null;
  private closed = false;
  /** Whether onStarted was told: onStopped then is too. */
  private announced = false;

  constructor(
    readonly name: string,
    layout: MixLayout,
    private readonly deps: LiveMixDeps,
  ) {
    this.layout = layout;
    this.compositor = new Compositor({ width: layout.width, height: layout.height, background: layout.background ?? defaultBackground, offline: layout.offline ?? 'last-frame' });
    this.ring = Array.from({ length: maxQueuedPictures + 2 }, () => blankPicture(layout.width, layout.height));
    this.soundRing = Array.from({ length: maxQueuedPictures + 2 }, () => Buffer.alloc(Math.ceil(sampleRate / layout.fps + 1) * channels * 2));
  }

  /** Claims the stream name and starts the encoder and the inputs; a Problem when the name is taken or ffmpeg missing. */
  start(): void {
    const ffmpegPath = this.deps.ffmpegPath();
    if (!ffmpegPath) throw new Problem('unavailable', 'ffmpeg not found', 'the mixer needs ffmpeg; set its path in Settings');
    const answer = this.deps.gate.requestPublish({ name: this.name, protocol: 'mix', remoteAddress: '127.0.0.1', password: null, kick: (reason) => void this.close(reason) });
    if (!answer.ok) throw new Problem(answer.reason.includes('already being published') ? 'conflict' : 'invalid', 'Mix not started', answer.reason);
    this.session = answer.session;
    this.order = this.deps.encoders();
    if (this.order.length === 0) this.order = ['libx264'];
    this.startEncoder(ffmpegPath);
    this.feeds = this.layout.inputs.map((input) => this.feed(input));
    this.startedAt = performance.now();
    this.schedule();
  }

  /** A new layout, live: the same canvas size and rate (the encoder's), anything else may change. */
  update(layout: MixLayout): void {
    if (this.closed) throw new Problem('conflict', 'Mix ended', `${this.name} has ended (${this.reason ?? 'stopped'}); delete it and create it again`);
    if (layout.width !== this.layout.width || layout.height !== this.layout.height || layout.fps !== this.layout.fps) {
      throw new Problem('invalid', 'Canvas is fixed', `${this.name} is ${this.layout.width}x${this.layout.height} at ${this.layout.fps} fps for as long as it runs; delete it and create it again to change that`);
    }
    const background = layout.background ?? defaultBackground;
    this.compositor.restyle(background, layout.offline ?? 'last-frame');
    // New feeds take the new layout's colours.
    this.layout = layout;
    // Inputs are matched by source first, so boxes that swap sources, or a source moved to another
    // slot, keep their running decoders (and show at once); the rest take what is left, by position.
    const unused = new Set(this.feeds);
    const next: (MixInputFeed | null)[] = layout.inputs.map((input) => {
      const same = [...unused].find((f) => f.source === input.source);
      if (!same) return null;
      unused.delete(same);
      same.update(input, background);
      return same;
    });
    const feeds = next.map((feed, i) => {
      if (feed) return feed;
      const reused = [...unused][0];
      if (!reused) return this.feed(layout.inputs[i]!);
      unused.delete(reused);
      reused.update(layout.inputs[i]!, background);
      return reused;
    });
    for (const feed of unused) feed.close();
    this.feeds = feeds;
  }

  status(): Omit<MixStatus, 'scenes'> {
    return {
      name: this.name,
      layout: this.layout,
      state: this.state,
      reason: this.reason,
      frames: this.written,
      skipped: this.skipped,
      encoder: this.order[this.attempt] ?? null,
      fallbackFrom: this.fallbackFrom,
      level: this.limiter.peak,
      inputs: this.feeds.map((f) => ({ source: f.source, live: f.live, frames: f.frames, level: f.sound.peak })),
    };
  }

  async close(reason: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A mix ended from outside (taken over, its encoder gone) stays listed, saying why, until deleted.
    this.state = 'failed';
    this.reason ??= reason;
    if (this.announced) this.deps.onStopped?.(this.name, this.reason);
    if (this.timer) clearTimeout(this.timer);
    for (const feed of this.feeds) feed.close();
    this.session?.end(reason);
    this.encoder?.stdin?.end();
    this.encoder?.inputs[0]?.end();
    const stuck = setTimeout(() => this.encoder?.stop(), 3000);
    await this.encoder?.exited;
    clearTimeout(stuck);
    this.deps.log.info({ stream: this.name }, `mix: ${reason}`);
  }

  private feed(input: MixInput): MixInputFeed {
    return new MixInputFeed(input, { background: this.layout.background ?? defaultBackground }, this.deps);
  }

  private startEncoder(ffmpegPath: string): void {
    const { width, height, fps } = this.layout;
    const gop = Math.max(1, Math.round(fps * this.deps.keyframeSeconds()));
    // About 0.1 bit per pixel: 2.3 Mbit/s for 720p25, as live H.264 at veryfast needs.
    const bitrate = Math.round(width * height * fps * 0.1);
    const name = this.order[this.attempt]!;
    const raw = rawPicturesFor(encoderFamily(name) ?? 'x264');
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'error', ...raw.globalArgs,
      ...canvasInputArgs(width, height, fps),
      '-map', '0:v', '-map', '1:a', '-c:a', 'aac', '-b:a', '160k',
      // Each packet out as it comes: interleaving would hold the picture for the sound. (0 would
      // mean the opposite, wait for every stream; 1 µs lets nothing wait.)
      '-max_interleave_delta', '1',
      '-vf', raw.filter,
      ...videoEncodeArgs({ encoder: name, bitrate, maxRate: Math.round(bitrate * 1.2), bufSize: bitrate * 2, profile: 'high', maxGop: gop, keyframeEvery: gop, lowLatency: true }),
      '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv',
      // A picture's PES says its length, so the studio's demuxer hands it on when it ends rather than when the next begins.
      '-f', 'mpegts', '-omit_video_pes_length', '0', '-muxdelay', '0', '-muxpreload', '0', '-flush_packets', '1', 'pipe:1',
    ];
    const encoder = this.deps.processes.start(ffmpegPath, args, { label: `mix ${this.name}`, streamStdin: true, keepBytes: 8192, extraInputs: 1 });
    this.encoder = encoder;
    const demuxer = new TsDemuxer({
      onTracks: (tracks) => this.session?.setTracks(tracks),
      onFrame: (frame) => {
        // The encoder's last frames may come after the mix ended: they belong to nothing now.
        if (this.closed) return;
        this.state = 'running';
        if (!this.announced) {
          this.announced = true;
          this.deps.onStarted?.(this.name, name);
        }
        this.session?.pushFrame(frame);
      },
      onError: (kind) => {
        if (kind === 'continuity') this.session?.countError('continuity');
      },
    });
    encoder.stdout.on('data', (chunk: Buffer) => demuxer.push(chunk, Date.now()));
    encoder.stdin?.on('error', () => undefined);
    void encoder.exited.then((result) => {
      demuxer.end();
      if (this.closed) return;
      const why = result.stderr.trim().split('\n').at(-1) ?? `exit ${result.code}`;
      // A GPU encoder that fails (at start, or its device gone) hands over to the next of the
      // order on the same stream: the mix goes on, with one discontinuity if it was running.
      if (this.attempt < this.order.length - 1) {
        this.fallbackFrom = name;
        this.attempt++;
        this.deps.log.warn({ stream: this.name, encoder: name }, `mix: ${name} stopped (${why}); going on with ${this.order[this.attempt]}`);
        try {
          this.startEncoder(ffmpegPath);
          return;
        } catch (err) {
          this.reason = `no encoder could take over: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
      this.state = 'failed';
      this.reason ??= `the encoder stopped: ${why}`;
      void this.close(this.reason);
    });
  }

  /**
   * The mix's clock: tick n is due at start + n / fps, whatever the last tick cost (no drift).
   * After a stall of more than a second (the machine asleep, the event loop blocked) the clock
   * starts again from now rather than make up every missed tick in a burst.
   */
  private schedule(): void {
    if (this.closed) return;
    const period = 1000 / this.layout.fps;
    let due = this.startedAt + (this.ticks + 1) * period;
    if (performance.now() - due > 1000) {
      this.startedAt = performance.now() - this.ticks * period;
      due = this.startedAt + (this.ticks + 1) * period;
    }
    this.timer = setTimeout(() => {
      this.ticks++;
      try {
        this.tick();
      } catch (err) {
        this.deps.log.error({ err, stream: this.name }, 'mix: a tick failed');
      } finally {
        this.schedule();
      }
    }, Math.max(0, due - performance.now()));
  }

  private tick(): void {
    const stdin = this.encoder?.stdin;
    if (!stdin) return;
    const slots: Slot[] = this.feeds.map((feed, i) => slotOf(this.layout.inputs[i]!, i, feed.picture, feed.live));
    const canvas = this.ring[this.next]!;
    // More than that many canvases waiting: the encoder fell behind; skip one rather than queue without end.
    if (stdin.writableLength >= maxQueuedPictures * canvas.data.byteLength) {
      this.skipped++;
      return;
    }
    this.compositor.compose(slots, canvas);
    const sound = this.mixSound(this.soundRing[this.next]!);
    this.next = (this.next + 1) % this.ring.length;
    stdin.write(canvas.data);
    this.encoder?.inputs[0]?.write(sound);
    this.written++;
  }

  /** The tick's sound: every input's share at its volume (muted: none), summed, limited. Sample-exact against the picture's clock. */
  private mixSound(into: Buffer): Buffer {
    const frames = tickFrames(this.written, this.layout.fps);
    const length = frames * channels;
    this.soundSum.fill(0, 0, length);
    this.feeds.forEach((feed, i) => {
      const input = this.layout.inputs[i];
      const gain = !input || input.muted ? 0 : (input.volume ?? 1);
      feed.sound.addInto(this.soundSum, frames, gain);
    });
    this.limiter.process(this.soundSum, length, into);
    return into.subarray(0, length * 2);
  }
}
