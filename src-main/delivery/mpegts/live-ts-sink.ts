import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Frame, Track } from '../../media/index.js';
import { TsMuxError, TsMuxer, type TsMuxerOptions } from '../../formats/mpegts/index.js';
import type { FrameSink, SinkAttachment } from '../../streams/frame-sink.js';
import type { StreamHub } from '../../streams/stream-hub.js';

export interface LiveTsOptions {
  /** Who is watching, for the hub's and the log's messages. */
  label: string;
  log: Logger;
  /** Without a frame for this long (the source ended and did not come back) the response ends. */
  idleMs: number;
  /** Bytes queued for the client before the sink says "full" and the hub skips to a later keyframe. */
  highWaterMark: number;
  muxer?: Partial<TsMuxerOptions>;
}

export const defaultLiveTsOptions = { idleMs: 30_000, highWaterMark: 1 << 20 } as const;

/**
 * One viewer of a live stream as MPEG-TS: a sink on the hub whose packets come out of
 * `output`, a byte stream for the HTTP response. It starts with the hub's cached GOP,
 * so on a keyframe at once; a new source session (a publisher reconnecting) continues
 * the same output behind a discontinuity. A client slower than the stream makes the
 * sink report "full": the hub then skips frames up to a keyframe once there is room.
 */
export class LiveTsStream implements FrameSink {
  readonly passive = false;
  readonly label: string;
  readonly output: Readable;
  private muxer: TsMuxer | null = null;
  private attachment: SinkAttachment | null = null;
  private attaching = false;
  private full = false;
  private closed = false;
  private lastFrameAt = Date.now();
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    hub: StreamHub,
    private readonly o: LiveTsOptions,
  ) {
    this.label = o.label;
    this.output = new Readable({
      highWaterMark: o.highWaterMark,
      read: () => {
        if (!this.full) return;
        this.full = false;
        this.attachment?.resume();
      },
    });
    this.output.once('close', () => this.close('output closed'));
    this.watchdog = setInterval(() => {
      if (Date.now() - this.lastFrameAt >= o.idleMs) this.end(`nothing to send for ${Math.round(o.idleMs / 1000)} s`);
    }, Math.min(5_000, Math.max(50, o.idleMs / 4)));
    this.watchdog.unref();
    // The cached GOP is taken whole, whatever the queue says: cutting it would leave the viewer waiting a GOP for a picture.
    this.attaching = true;
    try {
      this.attachment = hub.attach(this);
    } finally {
      this.attaching = false;
    }
    if (this.closed) this.attachment.detach();
  }

  onTracks(tracks: readonly Track[]): void {
    if (this.closed) return;
    try {
      if (this.muxer) this.muxer.setTracks(tracks);
      else this.muxer = new TsMuxer(tracks, this.o.muxer);
    } catch (error) {
      if (!(error instanceof TsMuxError)) throw error;
      this.end(error.message);
      return;
    }
    for (const { reason } of this.muxer.skipped) this.o.log.info(`${this.label}: ${reason}; sending the other tracks`);
  }

  onFrame(frame: Frame): boolean {
    if (this.closed || !this.muxer) return true;
    const chunk = this.muxer.mux(frame);
    if (chunk.length === 0) return true;
    this.lastFrameAt = Date.now();
    if (this.output.push(chunk) || this.attaching) return true;
    this.full = true;
    return false;
  }

  onSourceEnd(reason: string): void {
    this.o.log.debug(`${this.label}: source ended (${reason}); waiting for it to come back`);
  }

  onDetach(reason: string): void {
    this.attachment = null;
    this.end(reason);
  }

  /** Stops feeding the client: detached from the hub, the response finished. */
  end(reason: string): void {
    if (this.closed) return;
    this.o.log.info(`${this.label}: ended, ${reason}`);
    this.close(reason);
    this.output.push(null);
  }

  /** The client is gone (or the output was destroyed): detach, stop the watchdog. Idempotent. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    this.attachment?.detach();
    this.attachment = null;
    this.muxer = null;
    this.o.log.debug(`${this.label}: closed (${reason})`);
  }
}
