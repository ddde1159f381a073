import type { Logger } from 'pino';
import type { Frame, Track } from '../../media/index.js';
import { Fmp4ParseError, readFragmentFrames, type TrackSampleDefaults } from '../../formats/fmp4/index.js';
import { TsMuxError, TsMuxer } from '../../formats/mpegts/index.js';
import type { ArchiveStore } from '../../dvr/archive-store.js';
import { gapToleranceMs, type SegmentRecord } from '../../dvr/dvr-index.js';

export interface ArchiveTsInput {
  archive: Pick<ArchiveStore, 'readInit' | 'readSegment'>;
  /** The recorded segments of the range, oldest first (ArchiveStore.segments). */
  segments: readonly SegmentRecord[];
  range: { fromMs: number; toMs: number };
  log: Logger;
  /** Output is handed out in pieces of about this size (and at every segment's end). */
  chunkBytes?: number;
}

interface LoadedInit {
  id: number;
  tracks: Track[];
  defaults: ReadonlyMap<number, TrackSampleDefaults>;
}

// Between two segments of one recording the clock track runs on by a frame; further than this, or backwards, is a new timeline.
const maxClockStepSeconds = 5;

/**
 * A range of the archive as one MPEG-TS stream, segment by segment (one segment's bytes
 * in memory at a time): from the last keyframe at or before FROM to the last frame
 * before FROM + DURATION. Timestamps run on continuously across segments; at a gap, a
 * restart of the source or a new codec configuration the timeline continues just after
 * the last frame, each PID's next packet carrying discontinuity_indicator. Segments that
 * went missing (retention) or do not parse are skipped as gaps. Throws TsMuxError when
 * the first configuration has nothing MPEG-TS can carry; later ones are skipped.
 */
export async function* archiveTs(input: ArchiveTsInput): AsyncGenerator<Uint8Array, void, undefined> {
  const { range, log } = input;
  const chunkBytes = input.chunkBytes ?? 256 << 10;
  const pieces = new Coalescer();
  const unusable = new Set<number>();
  let init: LoadedInit | null = null;
  let muxer: TsMuxer | null = null;
  let muxerInit = -1;
  let started = false;
  let gap = false;
  let previous: { segment: SegmentRecord; clockDts: number; clockTimescale: number } | null = null;

  for (const segment of input.segments) {
    if (segment.startMs >= range.toMs) break;
    if (unusable.has(segment.initId)) {
      gap = true;
      continue;
    }
    if (init?.id !== segment.initId) {
      try {
        init = await loadInit(input, segment.initId);
      } catch (error) {
        log.warn(`archive as MPEG-TS: init ${segment.initId} is unusable (${(error as Error).message}); skipping its segments`);
        unusable.add(segment.initId);
        gap = true;
        continue;
      }
    }
    let frames: Frame[] | null = null;
    let unusableWhy = 'its file is gone';
    try {
      const bytes = await input.archive.readSegment(segment);
      if (bytes) frames = readFragmentFrames(bytes, init.defaults);
    } catch (error) {
      if (!(error instanceof Fmp4ParseError)) throw error;
      unusableWhy = error.message;
    }
    if (!frames) {
      log.warn(`archive as MPEG-TS: segment ${segment.file} skipped: ${unusableWhy}`);
      gap = true;
      continue;
    }
    const { tracks } = init;
    const clock = tracks.find((t) => t.kind === 'video') ?? tracks[0]!;
    const timescales = new Map(tracks.map((t) => [t.id, t.timescale]));
    const seconds = (f: Frame) => f.dts / (timescales.get(f.trackId) ?? 1);
    // Fragments hold one track after the other: a TS multiplex goes by time.
    frames = frames.filter((f) => timescales.has(f.trackId)).sort((a, b) => seconds(a) - seconds(b));
    const firstClock = frames.find((f) => f.trackId === clock.id);
    if (!firstClock) continue;
    // The segment's start is its first clock-track frame; the other tracks hang off the same clock.
    const origin = seconds(firstClock);
    const utcMs = (f: Frame) => segment.startMs + (seconds(f) - origin) * 1000;

    // The first segment plays from its last keyframe at or before FROM; later ones whole (audio sorted before their keyframe included).
    let first = 0;
    if (!started) {
      first = frames.indexOf(firstClock);
      for (let i = first; i < frames.length; i++) {
        const f = frames[i]!;
        if (utcMs(f) > range.fromMs) break;
        if (f.trackId === clock.id && f.keyframe) first = i;
      }
    }

    if (muxerInit !== segment.initId) {
      try {
        if (muxer) muxer.setTracks(tracks);
        else muxer = new TsMuxer(tracks);
        muxerInit = segment.initId;
      } catch (error) {
        if (!(error instanceof TsMuxError) || !started) throw error;
        log.warn(`archive as MPEG-TS: ${error.message}; skipping those segments`);
        unusable.add(segment.initId);
        gap = true;
        continue;
      }
      for (const { reason } of muxer.skipped) log.info(`archive as MPEG-TS: ${reason}`);
    }
    if (previous && !gap) {
      const end = previous.segment.startMs + previous.segment.durationMs;
      const step = firstClock.dts / clock.timescale - previous.clockDts / previous.clockTimescale;
      gap = segment.discontinuity || segment.startMs - end > gapToleranceMs || step <= 0 || step > maxClockStepSeconds;
    }
    if (gap && started) muxer!.discontinuity();
    gap = false;

    let done = false;
    let lastClock = firstClock;
    for (let i = first; i < frames.length; i++) {
      const frame = frames[i]!;
      if (utcMs(frame) >= range.toMs) {
        done = true;
        break;
      }
      if (frame.trackId === clock.id) lastClock = frame;
      pieces.add(muxer!.mux(frame));
      started = true;
      if (pieces.size >= chunkBytes) yield* pieces.take();
    }
    previous = { segment, clockDts: lastClock.dts, clockTimescale: clock.timescale };
    yield* pieces.take();
    if (done) break;
  }
}

async function loadInit(input: ArchiveTsInput, initId: number): Promise<LoadedInit> {
  const { tracks, sampleDefaults } = await input.archive.readInit(initId);
  return { id: initId, tracks, defaults: sampleDefaults };
}

/** Joins muxer chunks that lie back to back in one slab into one view: fewer, larger writes without copying. */
class Coalescer {
  size = 0;
  private done: Uint8Array[] = [];
  private buffer: ArrayBufferLike | null = null;
  private start = 0;
  private end = 0;

  add(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.size += chunk.length;
    if (chunk.buffer === this.buffer && chunk.byteOffset === this.end) {
      this.end += chunk.length;
      return;
    }
    this.flush();
    this.buffer = chunk.buffer;
    this.start = chunk.byteOffset;
    this.end = chunk.byteOffset + chunk.length;
  }

  take(): Uint8Array[] {
    this.flush();
    const out = this.done;
    this.done = [];
    this.size = 0;
    return out;
  }

  private flush(): void {
    if (this.buffer && this.end > this.start) this.done.push(new Uint8Array(this.buffer, this.start, this.end - this.start));
    this.buffer = null;
    this.start = this.end = 0;
  }
}
