import type { Frame, Track } from '../media/index.js';

/**
 * A consumer of a stream (DVR, packagers, monitor, viewers). Calls come on the
 * ingest path and must return quickly: a sink queues, it never waits.
 */
export interface FrameSink {
  readonly label: string;
  /** A passive sink (the recorder) does not keep an idle dynamic stream alive. */
  readonly passive?: boolean;
  /** The tracks of a new source session (also after a reconnect or a codec change): a discontinuity. */
  onTracks(tracks: readonly Track[]): void;
  /** false: "I am full". The hub then drops frames for this sink until it calls resume() and a keyframe comes. */
  onFrame(frame: Frame): boolean;
  /** The source stopped; more may come later with a new onTracks. */
  onSourceEnd?(reason: string): void;
  /** Detached for good (stream removed, or too slow). */
  onDetach?(reason: string): void;
}

export interface SinkAttachment {
  /** The sink has room again: delivery restarts at the next keyframe. */
  resume(): void;
  detach(): void;
  readonly dropped: number;
}
