import type { Logger } from 'pino';
import type { Frame, Track, VideoTrack } from '../media/index.js';
import type { IngestProtocol, StreamState } from '../contract/studio-api.js';
import type { FrameSink, SinkAttachment } from './frame-sink.js';
import { StreamStats, type ErrorCounts } from './stream-stats.js';

/** Who is feeding the stream right now. */
export interface SourceInfo {
  protocol: IngestProtocol;
  remoteAddress: string | null;
  sourceUrl: string | null;
  /** Ends this source from the studio's side (takeover, stream deleted, shutdown). */
  kick(reason: string): void;
}

/** What a publisher or puller holds while it feeds a stream. */
export interface SourceSession {
  setTracks(tracks: readonly Track[]): void;
  pushFrame(frame: Frame): void;
  countError(kind: keyof ErrorCounts, n?: number): void;
  /** `lost`: the source failed (connection dropped, stalled, bad data) rather than finishing. */
  end(reason: string, lost?: boolean): void;
  readonly active: boolean;
}

// A sink that stays behind this long after its first drop is cut off.
const slowSinkGraceMs = 10_000;
// The GOP cache never holds more than this (a source without keyframes must not grow it forever).
const gopCacheMaxBytes = 64 << 20;

const enum SinkState {
  Live,
  WaitingResume,
  WaitingKeyframe,
}

interface SinkEntry {
  sink: FrameSink;
  state: SinkState;
  laggingSince: number;
  dropped: number;
}

/**
 * One stream: its current tracks, the frames since the last keyframe (so a new
 * sink starts on a keyframe at once), and fan-out to sinks. Ingest never waits
 * on a sink: a full one is skipped to the next keyframe, a persistently slow one
 * is detached.
 */
export class StreamHub {
  tracks: readonly Track[] | null = null;
  state: StreamState = 'idle';
  reason: string | null = null;
  source: SourceInfo | null = null;
  startedAt: number | null = null;
  stats = new StreamStats();
  private readonly sinks = new Set<SinkEntry>();
  private gop: Frame[] = [];
  private gopBytes = 0;
  private videoTrackId = -1;
  private session: SourceSessionImpl | null = null;

  constructor(
    readonly name: string,
    private readonly log: Logger,
    private readonly onSessionChange: (hub: StreamHub, change: { started?: SourceInfo; ended?: { reason: string; lost: boolean; source: SourceInfo } }) => void,
  ) {}

  get sinkCount(): number {
    return this.sinks.size;
  }

  /** Sinks that keep the stream worth keeping (viewers, packagers), not the recorder. */
  get activeSinkCount(): number {
    let n = 0;
    for (const entry of this.sinks) if (!entry.sink.passive) n++;
    return n;
  }

  /** Starts a source session; one still running is ended first (its owner was kicked by the caller). */
  beginSession(source: SourceInfo, state: 'publishing' | 'pulling'): SourceSession {
    this.session?.end('replaced by a new source');
    const session = new SourceSessionImpl(this);
    this.session = session;
    this.source = source;
    this.state = state;
    this.reason = null;
    this.startedAt = Date.now();
    this.stats = new StreamStats();
    this.tracks = null;
    this.clearGop();
    this.onSessionChange(this, { started: source });
    return session;
  }

  /** For pullers between attempts: the stream waits for its source to come back. */
  setWaiting(state: 'reconnecting' | 'failed' | 'idle', reason: string | null): void {
    this.state = state;
    this.reason = reason;
  }

  /** The newest video keyframe and its track (for preview images), if the cache holds one. */
  latestKeyframe(): { track: VideoTrack; frame: Frame } | null {
    const frame = this.gop[0];
    const track = frame ? this.tracks?.[frame.trackId] : undefined;
    if (!frame || !frame.keyframe || track?.kind !== 'video') return null;
    return { track, frame };
  }

  attach(sink: FrameSink): SinkAttachment {
    const entry: SinkEntry = { sink, state: SinkState.Live, laggingSince: 0, dropped: 0 };
    this.sinks.add(entry);
    // An idle stream's last tracks and GOP stay for its preview picture; a sink gets only a live source's.
    if (this.tracks && this.session) {
      this.safely(entry, () => sink.onTracks(this.tracks!));
      for (const frame of this.gop) if (!this.deliver(entry, frame)) break;
    }
    return {
      resume: () => {
        if (entry.state === SinkState.WaitingResume) entry.state = SinkState.WaitingKeyframe;
      },
      detach: () => {
        this.sinks.delete(entry);
      },
      get dropped() {
        return entry.dropped;
      },
    };
  }

  /** Removes every sink (the stream is going away). */
  close(reason: string): void {
    this.session?.end(reason);
    for (const entry of this.sinks) this.safely(entry, () => entry.sink.onDetach?.(reason));
    this.sinks.clear();
    this.clearGop();
  }

  // ---- called by the session --------------------------------------------

  /** @internal */
  applyTracks(tracks: readonly Track[]): void {
    this.tracks = tracks;
    this.videoTrackId = tracks.find((t) => t.kind === 'video')?.id ?? -1;
    this.stats.setTracks(tracks);
    this.clearGop();
    for (const entry of this.sinks) {
      // A new configuration is a fresh start for everybody, laggards included.
      entry.state = SinkState.WaitingKeyframe;
      this.safely(entry, () => entry.sink.onTracks(tracks));
    }
  }

  /** @internal */
  acceptFrame(frame: Frame): void {
    if (!this.tracks) return;
    this.stats.onFrame(frame);
    const startsGop = frame.keyframe && (frame.trackId === this.videoTrackId || this.videoTrackId === -1);
    if (startsGop) this.clearGop();
    if (this.gopBytes + frame.data.length <= gopCacheMaxBytes) {
      this.gop.push(frame);
      this.gopBytes += frame.data.length;
    }
    for (const entry of this.sinks) this.deliver(entry, frame, startsGop);
  }

  /** @internal */
  sessionEnded(session: SourceSessionImpl, reason: string, lost: boolean): void {
    if (this.session !== session) return;
    const source = this.source!;
    this.session = null;
    this.source = null;
    this.state = 'idle';
    this.reason = reason;
    for (const entry of this.sinks) this.safely(entry, () => entry.sink.onSourceEnd?.(reason));
    this.onSessionChange(this, { ended: { reason, lost, source } });
  }

  private deliver(entry: SinkEntry, frame: Frame, startsGop = frame.keyframe): boolean {
    if (entry.state === SinkState.WaitingKeyframe && startsGop) entry.state = SinkState.Live;
    if (entry.state !== SinkState.Live) return this.drop(entry, frame);
    let accepted = true;
    this.safely(entry, () => {
      accepted = entry.sink.onFrame(frame);
    });
    if (!accepted && this.sinks.has(entry)) {
      entry.state = SinkState.WaitingResume;
      entry.laggingSince = frame.arrivedAt;
    }
    return accepted;
  }

  private drop(entry: SinkEntry, frame: Frame): false {
    entry.dropped++;
    if (entry.state === SinkState.WaitingResume && frame.arrivedAt - entry.laggingSince > slowSinkGraceMs) {
      this.sinks.delete(entry);
      const reason = `too slow: ${entry.dropped} frames dropped, no room for ${Math.round(slowSinkGraceMs / 1000)} s`;
      this.log.warn({ sink: entry.sink.label }, `${this.name}: ${entry.sink.label} detached, ${reason}`);
      this.safely(entry, () => entry.sink.onDetach?.(reason));
    }
    return false;
  }

  /** A sink that throws is detached; it never breaks ingest. */
  private safely(entry: SinkEntry, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.sinks.delete(entry);
      this.log.error({ err, sink: entry.sink.label }, `${this.name}: ${entry.sink.label} failed and was detached`);
    }
  }

  private clearGop(): void {
    this.gop = [];
    this.gopBytes = 0;
  }
}

class SourceSessionImpl implements SourceSession {
  active = true;
  constructor(private readonly hub: StreamHub) {}

  setTracks(tracks: readonly Track[]): void {
    if (this.active) this.hub.applyTracks(tracks);
  }
  pushFrame(frame: Frame): void {
    if (this.active) this.hub.acceptFrame(frame);
  }
  countError(kind: keyof ErrorCounts, n = 1): void {
    if (this.active) this.hub.stats.errors[kind] += n;
  }
  end(reason: string, lost = false): void {
    if (!this.active) return;
    this.active = false;
    this.hub.sessionEnded(this, reason, lost);
  }
}
