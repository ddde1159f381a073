// A live stream's ABR ladder: the source hub's frames go to one ffmpeg (as MPEG-TS on
// its stdin), which writes each rendition to its own pipe; each pipe is demuxed into a
// hub of its own, which the live packager, viewers and the recorder read like any
// stream. A rendition hub keeps one source session across encoder fallbacks, so its
// timeline continues (a new encoder's parameter sets arrive as new tracks).
import type { Logger } from 'pino';
import { Problem } from '../../contract/problem.js';
import type { EncoderStatus } from '../../contract/studio-api.js';
import type { RenditionStatus, TranscodeConfig } from '../../contract/transcode-api.js';
import { TsDemuxer } from '../../formats/mpegts/index.js';
import type { Frame, Track, VideoTrack } from '../../media/index.js';
import type { FrameSink } from '../../streams/frame-sink.js';
import { isLiveState } from '../../streams/stream-info.js';
import { StreamHub, type SourceSession } from '../../streams/stream-hub.js';
import { ladderCost, type TranscodeCapacity } from '../../transcode/capacity.js';
import { chooseEncoders } from '../../transcode/encoder-choice.js';
import { ladderArgs } from '../../transcode/ladder-command.js';
import type { ProcessRegistry } from '../../transcode/process-registry.js';
import { planRenditions, type RenditionPlan } from '../../transcode/rendition-plan.js';
import { TranscodeJob, type JobStatus } from '../../transcode/transcode-job.js';
import type { Variant } from '../hls/master-playlist.js';
import { LiveTsStream } from '../mpegts/live-ts-sink.js';
import { ArrivalClock } from './arrival-clock.js';

export interface LiveLadderDeps {
  processes: ProcessRegistry;
  capacity: TranscodeCapacity;
  log: Logger;
  ffmpegPath: () => string | null;
  /** The probe's answer (which encoders work here). */
  encoders: () => readonly EncoderStatus[];
  platform?: NodeJS.Platform;
  /** The archive's recorder, for ladders that record their renditions. */
  recorder?: { watch(hub: StreamHub): void; forget(name: string, hub: StreamHub): void };
}

interface Rendition {
  plan: RenditionPlan;
  hub: StreamHub;
  session: SourceSession | null;
  /** The attempt whose output feeds the hub, and its demuxer. */
  attempt: number;
  demuxer: TsDemuxer | null;
  width: number | null;
  /** Rendition decode time minus source decode time (90 kHz), set by the first picture of an attempt. */
  offset: number | null;
  latencyMs: number;
}

const fallbackFps = 30;
const isLive = (hub: StreamHub) => isLiveState(hub.state);
/** The source's audio is copied into every rendition; its rate is not measured apart from the video's. */
const assumedAudioBps = 160_000;

export class LiveLadder {
  private readonly renditions = new Map<string, Rendition>();
  /** The renditions the current job makes (a rung the source outgrew stays in the map, idle). */
  private planned = new Set<string>();
  private skipped: { name: string; reason: string }[] = [];
  private job: TranscodeJob | null = null;
  private jobStatus: JobStatus | null = null;
  private problemText: string | null = null;
  private readonly watcher: FrameSink;
  private readonly detachWatcher: () => void;
  private closed = false;
  private readonly clock = new ArrivalClock();
  /** The first source picture handed to ffmpeg by the current attempt (90 kHz). */
  private firstFedDts: number | null = null;
  private stopping: Promise<void> = Promise.resolve();
  /** Bumped when a source session ends: a job's output is taken only in its own generation. */
  private generation = 0;

  constructor(
    private readonly source: StreamHub,
    private readonly config: TranscodeConfig,
    private readonly deps: LiveLadderDeps,
  ) {
    // A passive sink that only watches the source's sessions come and go.
    this.watcher = {
      label: `ladder of ${source.name}`,
      passive: true,
      onTracks: (tracks) => this.sourceStarted(tracks),
      onFrame: () => true,
      onSourceEnd: () => void this.sourceEnded(),
    };
    const attachment = source.attach(this.watcher);
    this.detachWatcher = () => attachment.detach();
  }

  /** Why the ladder cannot run (no video, no ffmpeg, an unknown encoder), or null. */
  get problem(): string | null {
    return this.problemText;
  }

  /** The rendition's hub by name (`720p`), for packagers and viewers. */
  hub(name: string): StreamHub | undefined {
    return this.renditions.get(name)?.hub;
  }

  status(): RenditionStatus[] {
    const job = this.jobStatus;
    const rows: RenditionStatus[] = [...this.renditions.values()].map((r) => ({
      name: r.plan.name,
      width: r.width,
      height: r.plan.height,
      videoBitrate: r.plan.bitrate,
      state: this.problemText ? 'failed' : !job || !this.planned.has(r.plan.name) || job.state === 'stopped' ? 'idle' : job.state,
      encoder: job?.encoder ?? null,
      fallbackFrom: job?.fallbackFrom ?? null,
      reason: this.problemText ?? job?.reason ?? null,
      fps: job?.fps ?? 0,
      speed: job?.speed ?? 0,
      droppedFrames: job?.droppedFrames ?? 0,
      latencyMs: r.latencyMs,
    }));
    for (const s of this.skipped) {
      rows.push({ name: s.name, width: null, height: Number.parseInt(s.name, 10), videoBitrate: 0, state: 'idle', encoder: null, fallbackFrom: null, reason: s.reason, fps: 0, speed: 0, droppedFrames: 0, latencyMs: 0 });
    }
    return rows;
  }

  /**
   * The variants a player may choose from now: the source, then each rendition that has
   * produced its tracks; `pending` counts the renditions still starting.
   */
  variants(now = Date.now()): { variants: Variant[]; pending: number } {
    const variants: Variant[] = [];
    const tracks = this.source.tracks;
    const video = tracks?.find((t): t is VideoTrack => t.kind === 'video');
    if (!tracks || !video || !isLive(this.source)) return { variants, pending: 0 };
    const sourceFps = video.declaredFps;
    const rate = this.source.stats.bitrate(now);
    // The source's peak is not known ahead: a fifth over the larger of the recent rates.
    variants.push({ uri: 'source.m3u8', bandwidth: Math.max(rate.last1s, rate.last10s) * 1.2, averageBandwidth: rate.last10s, tracks, frameRate: sourceFps });
    const audioBps = tracks.some((t) => t.kind === 'audio') ? assumedAudioBps : 0;
    // Worth waiting for only while the job is getting there (not queued behind others, not failed).
    const starting = this.job !== null && (this.jobStatus?.state === 'starting' || this.jobStatus?.state === 'running');
    let pending = 0;
    for (const r of this.renditions.values()) {
      if (!this.job || !this.planned.has(r.plan.name)) continue;
      if (!r.session?.active || !r.hub.tracks) {
        if (starting) pending++;
        continue;
      }
      variants.push({ uri: `${r.plan.name}.m3u8`, bandwidth: r.plan.maxRate + audioBps, averageBandwidth: r.plan.bitrate + audioBps, tracks: r.hub.tracks, frameRate: r.plan.fps ?? sourceFps });
    }
    return { variants, pending };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.detachWatcher();
    this.generation++;
    // At once, before any await: a ladder built in this one's place may watch the same names.
    for (const r of this.renditions.values()) {
      r.session?.end('the ladder was removed');
      r.session = null;
      if (this.config.record) this.deps.recorder?.forget(r.hub.name, r.hub);
      r.hub.close('the ladder was removed');
    }
    await this.stopJob();
  }

  private sourceStarted(tracks: readonly Track[]): void {
    // A hub keeps its last tracks and GOP after its source ends: only a live source is transcoded.
    if (this.closed || !isLive(this.source)) return;
    const video = tracks.find((t): t is VideoTrack => t.kind === 'video');
    if (!video) {
      this.problemText = 'the source has no video to transcode';
      return;
    }
    // A running job keeps going across a codec change of the source: ffmpeg follows it.
    if (this.job) return;
    const ffmpeg = this.deps.ffmpegPath();
    if (!ffmpeg) {
      this.problemText = 'ffmpeg not found: set FFMPEG_PATH or the ffmpeg path in Settings';
      return;
    }
    let order: string[];
    let plans: RenditionPlan[];
    try {
      const choice = chooseEncoders({ requested: this.config.encoder, codec: this.config.codec, probed: this.deps.encoders(), platform: this.deps.platform ?? process.platform });
      if (choice.codec === 'av1') throw new Problem('unsupported', 'AV1 ladder', 'live renditions travel as MPEG-TS, which this ffmpeg cannot write AV1 into: pin an H.264 or HEVC encoder');
      order = choice.order;
      const planned = planRenditions(this.config.renditions, { height: video.height }, choice.codec);
      plans = planned.renditions;
      this.skipped = planned.skipped;
    } catch (error) {
      this.problemText = (error as Error).message;
      return;
    }
    this.problemText = null;
    if (plans.length === 0) return;
    for (const plan of plans) {
      if (!this.renditions.has(plan.name)) {
        const hub = new StreamHub(`${this.source.name}/${plan.name}`, this.deps.log.child({ stream: this.source.name, rendition: plan.name }), () => undefined);
        this.renditions.set(plan.name, { plan, hub, session: null, attempt: 0, demuxer: null, width: null, offset: null, latencyMs: 0 });
        // Recorded renditions are archived as streams of their own: NAME/720p.
        if (this.config.record) this.deps.recorder?.watch(hub);
      }
    }
    const renditions = plans.map((p) => this.renditions.get(p.name)!);
    this.planned = new Set(plans.map((p) => p.name));
    const generation = this.generation;
    const fps = video.declaredFps ?? fallbackFps;
    const job = new TranscodeJob(
      {
        label: `ladder ${this.source.name}`,
        ffmpegPath: ffmpeg,
        encoders: order,
        args: (encoder, gpuDecode) => ladderArgs({ input: 'pipe:0', renditions: plans, encoder, gpuDecode }),
        outputs: plans.length,
        cost: ladderCost({ width: video.width, height: video.height, fps }, plans),
        openInput: () => this.openInput(),
        onOutput: (i, chunk, attempt) => {
          if (generation === this.generation) this.output(renditions[i]!, chunk, attempt);
        },
      },
      { processes: this.deps.processes, capacity: this.deps.capacity, log: this.deps.log },
    );
    job.on('status', (s) => {
      if (this.job === job) this.jobStatus = s;
    });
    job.on('failed', (reason) => {
      this.deps.log.error({ stream: this.source.name }, `ladder stopped: ${reason}`);
      if (this.job === job) this.job = null;
    });
    // ffmpeg ends cleanly when its input ends: the feed was cut (ffmpeg fell behind the source
    // for too long). While the source is live, the ladder starts again from its cached GOP.
    job.on('finished', () => {
      if (this.job !== job) return;
      this.job = null;
      if (isLive(this.source) && this.source.tracks) {
        this.deps.log.warn({ stream: this.source.name }, 'ladder input ended while the source is live; starting again');
        this.sourceStarted(this.source.tracks);
      }
    });
    this.job = job;
    job.start();
  }

  /** Each attempt reads the source from its cached GOP on: it starts on a keyframe. */
  private openInput() {
    this.firstFedDts = null;
    // Source times pass through (sourceTime): a restarted attempt continues the renditions' timeline.
    const feed = new LiveTsStream(this.source, { label: `ladder of ${this.source.name}`, log: this.deps.log, idleMs: 30_000, highWaterMark: 4 << 20, muxer: { sourceTime: true } });
    // Attached right after the feed, it sees the same frames from the same cached GOP on.
    const tap: FrameSink = {
      label: `ladder clock of ${this.source.name}`,
      passive: true,
      onTracks: () => undefined,
      onFrame: (frame: Frame) => {
        const track = this.source.tracks?.[frame.trackId];
        if (track?.kind !== 'video') return true;
        const dts = (frame.dts * 90_000) / track.timescale;
        this.firstFedDts ??= dts;
        this.clock.sent(dts, frame.arrivedAt);
        return true;
      },
    };
    const tapAttachment = this.source.attach(tap);
    return {
      stream: feed.output,
      close: () => {
        tapAttachment.detach();
        feed.close('transcoding attempt ended');
      },
    };
  }

  private output(r: Rendition, chunk: Buffer, attempt: number): void {
    if (r.attempt !== attempt) {
      // A new attempt (an encoder fallback): a fresh demuxer, the same hub session.
      r.demuxer?.end();
      r.attempt = attempt;
      r.offset = null;
      r.demuxer = new TsDemuxer({
        onTracks: (tracks) => {
          r.session ??= r.hub.beginSession({ protocol: 'transcode', remoteAddress: null, sourceUrl: null, kick: () => undefined }, 'publishing');
          r.session.setTracks(tracks);
          const video = tracks.find((t): t is VideoTrack => t.kind === 'video');
          r.width = video?.width ?? r.width;
        },
        onFrame: (frame) => {
          const track = r.hub.tracks?.[frame.trackId];
          if (!track) return;
          const dts = (frame.dts * 90_000) / track.timescale;
          if (track.kind === 'video' && r.offset === null && this.firstFedDts !== null) r.offset = dts - this.firstFedDts;
          const sourceArrival = r.offset === null ? null : this.clock.arrivalOf(dts - r.offset);
          if (sourceArrival !== null) {
            if (track.kind === 'video') r.latencyMs = Math.max(0, Math.round(frame.arrivedAt - sourceArrival));
            // Timed as its source frame arrived: the rendition's program date-times match the
            // source's, so a player switching variants lands on the same moment.
            frame.arrivedAt = sourceArrival;
          }
          if (r.session?.active) r.session.pushFrame(frame);
        },
        onError: (kind) => {
          if (kind === 'continuity') r.session?.countError('continuity');
        },
      });
    }
    r.demuxer!.push(chunk, Date.now());
  }

  /** The renditions end with their source: a viewer then hears "not live", not the last seconds again. */
  private async sourceEnded(): Promise<void> {
    // Output still draining from the stopped job belongs to no session.
    this.generation++;
    for (const r of this.renditions.values()) {
      r.session?.end('the source ended');
      r.session = null;
      r.demuxer = null;
      r.attempt = 0;
    }
    await this.stopJob();
  }

  /** Stops the running job; every caller (source end, close) waits for the same stop. */
  private stopJob(): Promise<void> {
    const job = this.job;
    this.job = null;
    // Stopped on purpose: the renditions are idle (a job that failed keeps saying why).
    if (job) this.jobStatus = null;
    if (job) this.stopping = Promise.all([this.stopping, job.stop()]).then(() => undefined);
    return this.stopping;
  }
}
