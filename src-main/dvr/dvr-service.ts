import type { Logger } from 'pino';
import type { StudioEvents } from '../events/studio-events.js';
import type { StreamHub } from '../streams/stream-hub.js';
import type { SinkAttachment } from '../streams/frame-sink.js';
import type { ArchiveStore } from './archive-store.js';
import { SegmentRecorder } from './segment-recorder.js';

export interface DvrServiceDeps {
  archive: ArchiveStore;
  events: StudioEvents;
  log: Logger;
  segmentTargetMs: () => number;
  /** Whether this stream records (its setting; the runtime switch is on top). */
  configured: (stream: string) => boolean;
  /** False while free disk space is below the minimum. */
  diskOk: () => boolean;
}

interface Recording {
  recorder: SegmentRecorder;
  attachment: SinkAttachment;
}

/**
 * Keeps a recorder on every stream that records: attached when the stream's hub
 * appears, detached when recording is switched off. Reports what happens as events.
 */
export class DvrService {
  private readonly recordings = new Map<string, Recording>();
  private readonly hubs = new Map<string, StreamHub>();
  /** Recorders let go of and still writing their last segment: close() waits for them. */
  private readonly finishing = new Set<Promise<void>>();
  /** Runtime switches (POST …/dvr/enable|disable) over the stream's setting. */
  private readonly overrides = new Map<string, boolean>();

  constructor(private readonly deps: DvrServiceDeps) {}

  enabled(stream: string): boolean {
    return this.overrides.get(stream) ?? this.deps.configured(stream);
  }

  /** Called for every hub the registry creates. */
  watch(hub: StreamHub): boolean {
    const holder = this.hubs.get(hub.name);
    if (holder && holder !== hub) {
      // Two sources under one name (a ladder's NAME/720p and a publisher calling itself
      // that): the first keeps the archive; mixing both would interleave two pictures.
      const reason = `another source already records as ${hub.name}; this one is not recorded`;
      this.deps.log.warn({ stream: hub.name }, `dvr: ${reason}`);
      this.deps.events.publish('dvr_error', { stream: hub.name, reason });
      return false;
    }
    this.hubs.set(hub.name, hub);
    this.sync(hub.name);
    return true;
  }

  /** A hub went (the registry let go of an idle dynamic stream, a ladder stopped): only the hub that records the name stops it. */
  forget(stream: string, hub?: StreamHub): void {
    if (hub && this.hubs.get(stream) !== hub) return;
    this.hubs.delete(stream);
    this.sync(stream);
  }

  setEnabled(stream: string, enabled: boolean): void {
    this.overrides.set(stream, enabled);
    this.sync(stream);
  }

  /** Recording problems per stream, for the stream list. */
  error(stream: string): string | null {
    return this.recordings.get(stream)?.recorder.error ?? null;
  }

  recording(stream: string): boolean {
    return this.recordings.has(stream);
  }

  async close(): Promise<void> {
    await Promise.all([...this.recordings.values()].map((r) => r.recorder.flush()));
    await Promise.all(this.finishing);
    for (const r of this.recordings.values()) r.attachment.detach();
    this.recordings.clear();
  }

  /** Makes the recorder match the switch: attach or detach. */
  sync(stream: string): void {
    const hub = this.hubs.get(stream);
    const current = this.recordings.get(stream);
    if (hub && this.enabled(stream) && !current) {
      let lastEventAt = 0;
      const recorder = new SegmentRecorder({
        stream,
        archive: this.deps.archive,
        log: this.deps.log,
        targetMs: this.deps.segmentTargetMs,
        allowed: this.deps.diskOk,
        onSegment: (segment) => {
          const now = Date.now();
          if (now - lastEventAt < 1000) return;
          lastEventAt = now;
          this.deps.events.publish('dvr_segment', { stream, startMs: segment.startMs, durationMs: segment.durationMs, bytes: segment.bytes });
        },
        onError: (reason) => {
          this.deps.log.error({ stream }, `dvr: ${reason}`);
          this.deps.events.publish('dvr_error', { stream, reason });
        },
        onGap: (gap) => {
          this.deps.log.warn({ stream, fromMs: gap.fromMs, toMs: gap.toMs }, `dvr: the archive has a ${Math.round((gap.toMs - gap.fromMs) / 100) / 10} s gap: ${gap.reason}`);
          this.deps.events.publish('dvr_gap', { stream, ...gap });
        },
      });
      this.recordings.set(stream, { recorder, attachment: hub.attach(recorder) });
    } else if (current && (!hub || !this.enabled(stream))) {
      this.recordings.delete(stream);
      const finished = current.recorder
        .flush()
        .finally(() => current.attachment.detach())
        .finally(() => this.finishing.delete(finished));
      this.finishing.add(finished);
    }
  }
}
