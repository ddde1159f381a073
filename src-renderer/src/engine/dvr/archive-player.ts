// One stream's picture on the DVR: hls.js on the archive playlists around the time
// asked for (an hour, or up to now), or on the live playlist. Time in and out is the
// wall clock (UTC seconds); the segments' PROGRAM-DATE-TIME maps it to media time.
// The light build: fMP4/CMAF, LL-HLS and program date times are all the DVR needs (no subtitles, DRM, alt audio).
import Hls, { type ErrorData, type HlsConfig } from 'hls.js/light';
import { tokenParam } from '../../api/endpoints';
import { frameStepTarget, frameWallTime, mediaToWall, wallToMedia, type TimedFragment } from '../../lib/timeline/fragments';
import { sameWindow, windowEnd, windowFor, windowHolds, windowPlaylist, type PlaybackWindow } from '../../lib/timeline/playback-window';
import { streamFileUrl } from '../../lib/stream-name';
import { animationFrames, type FrameScheduler } from './frames';

export type PlayerStatus = 'idle' | 'loading' | 'ready' | 'no-recording' | 'error';

/** One picture the player can show: a variant of the playlist (the source, or a rendition its ladder recorded). */
export interface QualityLevel {
  height: number;
  /** Peak bits per second, as the playlist says. */
  bitrate: number;
}

export interface PlayerView {
  status: PlayerStatus;
  message: string | null;
  live: boolean;
  /** The variants, lowest first; empty until the playlist is in, one when only the source was recorded. */
  levels: QualityLevel[];
  /** The height picked by hand; null: hls.js picks by the connection (Auto). */
  quality: number | null;
  /** The height of the variant being played now. */
  playingHeight: number | null;
}

/** How long a scrub rests before a playlist of another hour is loaded. */
export const WINDOW_SWITCH_DELAY_MS = 150;
/** A playlist that could not be fetched (not a 403 or a missing recording) is asked for again after this long. */
export const RETRY_DELAY_MS = 2000;

const nowSeconds = () => Date.now() / 1000;

/** The part of hls.js the player drives. */
export type HlsPlayer = Pick<
  Hls,
  'on' | 'loadSource' | 'attachMedia' | 'startLoad' | 'pauseBuffering' | 'destroy' | 'recoverMediaError' | 'latestLevelDetails' | 'startLevel' | 'loadLevel' | 'currentLevel' | 'nextLevel'
>;
export type HlsFactory = (config: Partial<HlsConfig>) => HlsPlayer;

export interface ArchivePlayerOptions {
  /** hls.js by default. */
  createHls?: HlsFactory;
  /** Reverse play steps the picture once a frame; the browser's frames by default. */
  frames?: FrameScheduler;
}

/** The playlist URL of a window of one stream's archive (or its live playlist), with the play token when it has one. */
export function playlistUrl(stream: string, window: PlaybackWindow, token: string | null): string {
  return `${streamFileUrl(stream, windowPlaylist(window))}${tokenParam(token, true)}`;
}

/** hls.js settings for the archive (one frame at a time when scrubbing) or for live (low latency). */
export function hlsConfig(live: boolean): Partial<HlsConfig> {
  return {
    autoStartLoad: false,
    enableWorker: true,
    lowLatencyMode: live,
    liveSyncDurationCount: 2,
    maxLiveSyncPlaybackRate: live ? 1.5 : 1,
    backBufferLength: 30,
    maxBufferLength: 10,
    maxMaxBufferLength: 30,
    // Scrubbing asks for one frame at a time: fetch the segment it needs, not the ABR's guess of a test.
    testBandwidth: false,
    startFragPrefetch: true,
  };
}

/** What a fatal hls.js error means for the player: recover the media pipeline, or show a status (and maybe try again). */
export type ErrorOutcome = { recover: true } | { recover: false; status: 'no-recording' | 'error'; message: string; retry: boolean };

/** A fatal error's outcome; `loading` is true while the playlist has not arrived yet. */
export function errorOutcome(data: Pick<ErrorData, 'type' | 'details' | 'response' | 'networkDetails'>, loading: boolean): ErrorOutcome {
  const code = data.response?.code ?? 0;
  if (data.type === Hls.ErrorTypes.MEDIA_ERROR) return { recover: true };
  if (data.type === Hls.ErrorTypes.NETWORK_ERROR && code === 404 && loading) {
    // The server's words, e.g. "live/cam1 has no recording between … and …".
    return { recover: false, status: 'no-recording', message: serverDetail(data) ?? 'Nothing recorded around this time', retry: false };
  }
  if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
    const forbidden = code === 403;
    return {
      recover: false,
      status: 'error',
      message: forbidden ? (serverDetail(data) ?? 'Play token needed') : 'Cannot reach the archive; trying again…',
      retry: !forbidden,
    };
  }
  return { recover: false, status: 'error', message: `This recording cannot be played here: ${data.details}`, retry: false };
}

export class ArchivePlayer {
  readonly stream: string;
  readonly video: HTMLVideoElement;
  private readonly token: string | null;
  private readonly changed: () => void;
  private hls: HlsPlayer | null = null;
  private window: PlaybackWindow | null = null;
  /** Wall time to show once the window's segments are known (or the next window is loaded). */
  private target: number | null = null;
  /** Media time waiting for the running seek to finish: scrubbing seeks to the latest only. */
  private queued: number | null = null;
  private switchTimer: ReturnType<typeof setTimeout> | null = null;
  private fragments: TimedFragment[] = [];
  private fragmentsDirty = true;
  private wantPlaying = false;
  private rate = 0;
  private reverseFrame = 0;
  private reverseLast = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** A variant picked by hand while paused: the frame on screen is shown again once its segment is in. */
  private redrawLevel: number | null = null;
  private readonly createHls: HlsFactory;
  private readonly frames: FrameScheduler;
  fps = 30;
  view: PlayerView = { status: 'idle', message: null, live: false, levels: [], quality: null, playingHeight: null };

  constructor(stream: string, video: HTMLVideoElement, token: string | null, changed: () => void, options: ArchivePlayerOptions = {}) {
    this.stream = stream;
    this.video = video;
    this.token = token;
    this.changed = changed;
    this.createHls = options.createHls ?? ((config) => new Hls(config));
    this.frames = options.frames ?? animationFrames;
    video.addEventListener('seeked', this.onSeeked);
    video.addEventListener('ended', this.onEnded);
    video.addEventListener('playing', this.onPlaying);
  }

  destroy(): void {
    this.stopReverse();
    if (this.switchTimer) clearTimeout(this.switchTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.video.removeEventListener('seeked', this.onSeeked);
    this.video.removeEventListener('ended', this.onEnded);
    this.video.removeEventListener('playing', this.onPlaying);
    this.teardown();
  }

  get isLive(): boolean {
    return this.window?.kind === 'live';
  }

  /** Playing forward (not paused by us, nor stalled at the end). */
  get playing(): boolean {
    return this.rate !== 0;
  }

  /** Show the frame at wall time `t` (UTC seconds), loading another window of the archive when needed. */
  seek(t: number): void {
    const now = nowSeconds();
    this.target = t;
    if (!windowHolds(this.window, t, now)) {
      const next = windowFor(t, now);
      if (this.switchTimer) clearTimeout(this.switchTimer);
      // The first load goes at once; later ones wait for the scrub to rest.
      const load = () => {
        this.switchTimer = null;
        if (this.target !== null && !windowHolds(this.window, this.target, nowSeconds())) this.load(windowFor(this.target, nowSeconds()), this.target);
      };
      if (this.window === null || this.view.status !== 'ready') {
        if (!sameWindow(this.window, next)) this.load(next, t);
      } else {
        this.switchTimer = setTimeout(load, WINDOW_SWITCH_DELAY_MS);
      }
      return;
    }
    const fragments = this.timedFragments();
    if (fragments.length === 0) return; // still loading: the target is applied when the playlist arrives
    const position = wallToMedia(fragments, t);
    if (position) this.seekMedia(position.media);
  }

  /** Step `frames` frames (negative: back); pauses. */
  stepFrames(frames: number): void {
    this.pause();
    const fragments = this.timedFragments();
    if (fragments.length === 0) return;
    const from = this.queued ?? this.video.currentTime;
    const target = frameStepTarget(fragments, from, this.fps, frames);
    const first = fragments[0]!;
    const last = fragments[fragments.length - 1]!;
    if (target < first.start || target > last.start + last.duration) {
      // Off the end of this window: the neighbouring hour.
      const wall = this.wallTime();
      if (wall !== null) this.seek(wall + frames / this.fps);
      return;
    }
    this.seekMedia(target);
  }

  /** The wall time of the frame on screen, or null while none is (loading, or no recording). */
  wallTime(): number | null {
    if (this.view.status !== 'ready') return null;
    const fragments = this.timedFragments();
    if (fragments.length === 0) return null;
    const media = this.queued ?? this.video.currentTime;
    return this.rate === 0 ? frameWallTime(fragments, media, this.fps) : mediaToWall(fragments, media);
  }

  /** True while the picture is not yet where it was asked to be. */
  get settling(): boolean {
    return this.view.status === 'loading' || this.video.seeking || this.queued !== null || this.switchTimer !== null;
  }

  /** Plays at `rate` (1, 2, 4, 8; negative plays backwards by seeking); 0 pauses. */
  setRate(rate: number): void {
    this.rate = rate;
    this.wantPlaying = rate !== 0;
    this.stopReverse();
    if (rate > 0) {
      this.video.playbackRate = rate;
      // Sound stays on at normal speed only; fast shuttle is silent, as in editors.
      this.video.preservesPitch = true;
      this.startPlayback();
    } else {
      this.video.pause();
      if (rate < 0) this.startReverse();
    }
  }

  play(): void {
    this.setRate(1);
  }

  pause(): void {
    this.setRate(0);
  }

  /**
   * Show the variant of this height (null: Auto). Kept for the next windows too. A pick
   * switches at once (the frame on screen is shown again in the new picture); Auto takes
   * over from the next segment.
   */
  setQuality(height: number | null): void {
    this.setView({ quality: height });
    const hls = this.hls;
    if (!hls || this.view.levels.length === 0) return; // applied when the playlist is in
    const level = levelOf(this.view.levels, height);
    if (level === -1) hls.nextLevel = -1;
    else if (this.view.status === 'ready') {
      hls.currentLevel = level;
      // A paused <video> keeps the old picture after hls.js swaps the buffer; a seek to the same time shows the new one.
      this.redrawLevel = this.video.paused ? level : null;
    } else hls.loadLevel = level;
  }

  /** The live edge, low latency; the picture follows the stream as it arrives. */
  goLive(): void {
    this.target = null;
    this.load({ kind: 'live' }, null);
    this.setRate(1);
  }

  private startPlayback(): void {
    if (this.view.status !== 'ready') return; // played once the playlist is in
    this.video.play().catch((err: unknown) => {
      // A page without a user gesture yet may only play muted.
      if (err instanceof DOMException && err.name === 'NotAllowedError' && !this.video.muted) {
        this.video.muted = true;
        this.changed();
        void this.video.play().catch(() => undefined);
      }
    });
  }

  private startReverse(): void {
    this.reverseLast = performance.now();
    const tick = (now: number) => {
      this.reverseFrame = this.frames.request(tick);
      if (this.video.seeking || this.view.status !== 'ready') return;
      const dt = (now - this.reverseLast) / 1000;
      this.reverseLast = now;
      const fragments = this.timedFragments();
      const first = fragments[0];
      if (!first) return;
      const next = this.video.currentTime + this.rate * Math.min(dt, 0.25);
      if (next <= first.start + 0.02) {
        const wall = this.wallTime();
        if (this.window?.kind === 'range' || this.window?.kind === 'event') {
          if (wall !== null && this.window.from > 0) this.seek(Math.max(0, this.window.from - 0.5));
        }
        return;
      }
      this.video.currentTime = next;
    };
    this.reverseFrame = this.frames.request(tick);
  }

  private stopReverse(): void {
    if (this.reverseFrame) this.frames.cancel(this.reverseFrame);
    this.reverseFrame = 0;
  }

  private seekMedia(media: number): void {
    if (this.video.seeking) {
      this.queued = media;
      return;
    }
    this.queued = null;
    this.video.currentTime = media;
  }

  private readonly onSeeked = () => {
    if (this.queued !== null) {
      const media = this.queued;
      this.queued = null;
      this.video.currentTime = media;
      return;
    }
    this.target = null;
    this.changed();
  };

  private readonly onPlaying = () => {
    this.changed();
  };

  /** The end of an hour-long window: play on into the next one. */
  private readonly onEnded = () => {
    const window = this.window;
    if (!window || window.kind !== 'range' || this.rate <= 0) return;
    this.seek(windowEnd(window, nowSeconds()) + 0.01);
  };

  private timedFragments(): TimedFragment[] {
    if (!this.fragmentsDirty) return this.fragments;
    const details = this.hls?.latestLevelDetails;
    if (!details) return this.fragments;
    const list: TimedFragment[] = [];
    for (const f of details.fragments) {
      const pdt = f.programDateTime;
      if (pdt !== null) list.push({ start: f.start, duration: f.duration, pdt });
    }
    this.fragments = list;
    this.fragmentsDirty = false;
    return list;
  }

  private setView(change: Partial<PlayerView>): void {
    this.view = { ...this.view, ...change };
    this.changed();
  }

  private teardown(): void {
    const hls = this.hls;
    this.hls = null;
    if (hls) hls.destroy();
    this.fragments = [];
    this.fragmentsDirty = true;
    this.queued = null;
    this.redrawLevel = null;
  }

  private load(window: PlaybackWindow, wall: number | null): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.teardown();
    this.window = window;
    this.target = wall;
    const live = window.kind === 'live';
    this.setView({ status: 'loading', message: null, live, levels: [], playingHeight: null });
    const hls = this.createHls(hlsConfig(live));
    this.hls = hls;
    let started = false;
    const dirty = () => {
      this.fragmentsDirty = true;
    };
    hls.on(Hls.Events.MANIFEST_PARSED, (_event, data) => {
      if (this.hls !== hls) return;
      const levels = data.levels.map((l) => ({ height: l.height, bitrate: l.bitrate }));
      this.setView({ levels });
      const picked = levelOf(levels, this.view.quality);
      // The sharpest picture first: a studio plays its archive over its own disk or LAN,
      // and hls.js steps down by itself when the link cannot carry it.
      hls.startLevel = picked === -1 ? levels.length - 1 : picked;
      if (picked !== -1) hls.loadLevel = picked;
      // A multivariant playlist names its media playlists: they load once loading starts,
      // so it starts with segments held back until LEVEL_LOADED knows where to begin.
      if (!started) {
        hls.startLoad(-1);
        hls.pauseBuffering();
      }
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, (_event, data) => {
      dirty();
      if (this.hls === hls) this.setView({ playingHeight: this.view.levels[data.level]?.height ?? null });
    });
    hls.on(Hls.Events.LEVEL_LOADED, () => {
      dirty();
      if (started || this.hls !== hls) return;
      started = true;
      const fragments = this.timedFragments();
      const position = wall !== null ? wallToMedia(fragments, this.target ?? wall) : null;
      hls.startLoad(position ? position.media : -1);
      this.target = null;
      this.setView({ status: 'ready', message: null });
      if (this.wantPlaying) this.startPlayback();
    });
    hls.on(Hls.Events.LEVEL_UPDATED, dirty);
    hls.on(Hls.Events.LEVEL_PTS_UPDATED, dirty);
    hls.on(Hls.Events.FRAG_PARSED, dirty);
    hls.on(Hls.Events.FRAG_BUFFERED, (_event, data) => {
      if (this.hls !== hls || this.redrawLevel !== data.frag.level || !this.video.paused) return;
      this.redrawLevel = null;
      this.seekMedia(this.queued ?? this.video.currentTime);
    });
    hls.on(Hls.Events.ERROR, (_event, data) => this.onError(hls, data));
    hls.loadSource(playlistUrl(this.stream, window, this.token));
    hls.attachMedia(this.video);
  }

  private onError(hls: HlsPlayer, data: ErrorData): void {
    if (this.hls !== hls || !data.fatal) return;
    const outcome = errorOutcome(data, this.view.status === 'loading');
    if (outcome.recover) {
      hls.recoverMediaError();
      return;
    }
    this.setView({ status: outcome.status, message: outcome.message });
    const window = this.window;
    if (outcome.retry && window) {
      this.retryTimer = setTimeout(() => {
        if (this.hls === hls) this.load(window, this.target ?? this.wallTime());
      }, RETRY_DELAY_MS);
    }
  }
}

/** The index of the level of this height (the first, the cheapest, when several share it); -1 for Auto or none. */
function levelOf(levels: readonly QualityLevel[], height: number | null): number {
  return height === null ? -1 : levels.findIndex((l) => l.height === height);
}

/** The `detail` of the server's JSON error body, when the failed response carried one. */
export function serverDetail(data: Pick<ErrorData, 'response' | 'networkDetails'>): string | null {
  const text = data.response?.text ?? (typeof data.response?.data === 'string' ? data.response.data : null);
  const xhr = data.networkDetails as { responseText?: unknown } | null | undefined;
  const body = text ?? (typeof xhr?.responseText === 'string' ? xhr.responseText : null);
  if (!body) return null;
  try {
    const parsed = JSON.parse(body) as { detail?: unknown };
    return typeof parsed.detail === 'string' ? parsed.detail : null;
  } catch {
    return null;
  }
}
