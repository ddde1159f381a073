// One stream's picture on the DVR: hls.js on the archive playlists around the time
// asked for (an hour, or up to now), or on the live playlist. Time in and out is the
// wall clock (UTC seconds); the segments' PROGRAM-DATE-TIME maps it to media time.
// The light build: fMP4/CMAF, LL-HLS and program date times are all the DVR needs (no subtitles, DRM, alt audio).
import Hls, { type ErrorData } from 'hls.js/light';
import { tokenParam } from '../../api/endpoints';
import { frameStepTarget, frameWallTime, mediaToWall, wallToMedia, type TimedFragment } from '../../lib/timeline/fragments';
import { sameWindow, windowEnd, windowFor, windowHolds, windowPlaylist, type PlaybackWindow } from '../../lib/timeline/playback-window';
import { streamFileUrl } from '../../lib/stream-name';

export type PlayerStatus = 'idle' | 'loading' | 'ready' | 'no-recording' | 'error';

export interface PlayerView {
  status: PlayerStatus;
  message: string | null;
  live: boolean;
}

/** How long a scrub rests before a playlist of another hour is loaded. */
const WINDOW_SWITCH_DELAY_MS = 150;

const nowSeconds = () => Date.now() / 1000;

export class ArchivePlayer {
  readonly stream: string;
  readonly video: HTMLVideoElement;
  private readonly token: string | null;
  private readonly changed: () => void;
  private hls: Hls | null = null;
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
  fps = 30;
  view: PlayerView = { status: 'idle', message: null, live: false };

  constructor(stream: string, video: HTMLVideoElement, token: string | null, changed: () => void) {
    this.stream = stream;
    this.video = video;
    this.token = token;
    this.changed = changed;
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
      this.reverseFrame = requestAnimationFrame(tick);
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
    this.reverseFrame = requestAnimationFrame(tick);
  }

  private stopReverse(): void {
    if (this.reverseFrame) cancelAnimationFrame(this.reverseFrame);
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
  }

  private load(window: PlaybackWindow, wall: number | null): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.teardown();
    this.window = window;
    this.target = wall;
    const live = window.kind === 'live';
    this.setView({ status: 'loading', message: null, live });
    const hls = new Hls({
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
    });
    this.hls = hls;
    let started = false;
    const dirty = () => {
      this.fragmentsDirty = true;
    };
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
    hls.on(Hls.Events.ERROR, (_event, data) => this.onError(hls, data));
    hls.loadSource(`${streamFileUrl(this.stream, windowPlaylist(window))}${tokenParam(this.token, true)}`);
    hls.attachMedia(this.video);
  }

  private onError(hls: Hls, data: ErrorData): void {
    if (this.hls !== hls || !data.fatal) return;
    const code = data.response?.code ?? 0;
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
      hls.recoverMediaError();
      return;
    }
    if (data.type === Hls.ErrorTypes.NETWORK_ERROR && code === 404 && this.view.status === 'loading') {
      // The server's words, e.g. "live/cam1 has no recording between … and …".
      this.setView({ status: 'no-recording', message: serverDetail(data) ?? 'Nothing recorded around this time' });
      return;
    }
    if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
      this.setView({ status: 'error', message: code === 403 ? (serverDetail(data) ?? 'Play token needed') : 'Cannot reach the archive; trying again…' });
      const window = this.window;
      if (window && code !== 403) {
        this.retryTimer = setTimeout(() => {
          if (this.hls === hls) this.load(window, this.target ?? this.wallTime());
        }, 2000);
      }
      return;
    }
    this.setView({ status: 'error', message: `This recording cannot be played here: ${data.details}` });
  }
}

function serverDetail(data: ErrorData): string | null {
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
