// The DVR's moving parts in one place, outside React: the time axis, the playhead,
// hover, the players of every lane and their sync, the coverage tiles, and one
// animation loop that redraws the timeline and the clocks. React reads only a small
// snapshot that changes on discrete events (play state, rate, live, lane status).
// What it reaches outside itself (the store, the players, the summary API, the
// animation frames) arrives as a DvrEnvironment, so tests can run it in Node.
import type { DvrAction } from '../../lib/timeline/keymap';
import { dragMark, markIn, markOut, markedRange, type Marks } from '../../lib/timeline/marks';
import { shuttle } from '../../lib/timeline/shuttle';
import {
  KEY_ZOOM_FACTOR,
  centreOn,
  fitView,
  follow,
  panBy,
  resizeView,
  timeToX,
  viewEnd,
  wheelZoomFactor,
  xToTime,
  zoomAt,
  zoomLimits,
  type TimeView,
  type ZoomLimits,
} from '../../lib/timeline/time-scale';
import type { DvrSlice } from '../../store/dvr.state';
import type { PlayerView } from './archive-player';
import { CoverageStore, type SummaryFetch } from './coverage-store';
import { animationFrames, type FrameScheduler } from './frames';

/** The DVR part of the studio's store that the controller reads and writes. */
export type DvrStudioState = Pick<DvrSlice, 'dvrChanged' | 'dvrMarks' | 'dvrLocks' | 'setDvrMarks' | 'setDvrActive'>;

/** A store holding it (the studio's zustand store is one). */
export interface DvrStudio {
  getState(): DvrStudioState;
  subscribe(listener: (state: DvrStudioState, previous: DvrStudioState) => void): () => void;
}

/** One lane's player, as the controller drives it (ArchivePlayer in the app). */
export interface LanePlayer {
  readonly video: { muted: boolean };
  fps: number;
  readonly view: PlayerView;
  /** The picture is not yet where it was sent. */
  readonly settling: boolean;
  readonly isLive: boolean;
  seek(t: number): void;
  setRate(rate: number): void;
  stepFrames(frames: number): void;
  goLive(): void;
  /** Show the variant of this height, null for Auto. */
  setQuality(height: number | null): void;
  /** Wall time of the frame on screen; null while there is none. */
  wallTime(): number | null;
  destroy(): void;
}

export interface DvrEnvironment {
  studio: DvrStudio;
  /** A player for a lane's <video>; `changed` is called when its status changes. */
  createPlayer(stream: string, video: HTMLVideoElement, token: string | null, changed: () => void): LanePlayer;
  fetchSummary: SummaryFetch;
  /** The browser's animation frames by default. */
  frames?: FrameScheduler;
}

export interface LaneInfo {
  stream: string;
  /** The stream's play token: its playlists and thumbnails need it. */
  token: string | null;
  fps: number;
}

export interface DvrSnapshot {
  /** 0 paused, 1 playing, ±2…8 shuttling. */
  rate: number;
  live: boolean;
  muted: boolean;
  /** Each lane's player status. */
  players: Record<string, PlayerView>;
  /** The playhead has a time (something to show). */
  hasPlayhead: boolean;
}

export interface Hover {
  x: number;
  t: number;
  /** Index of the lane under the pointer, or null over the ruler. */
  lane: number | null;
}

type FrameListener = (playhead: number | null) => void;

export interface DvrPlace {
  view: TimeView;
  playhead: number | null;
}

const nowSeconds = () => Date.now() / 1000;
/** A follower lane further than this (seconds) from the active one is sent to its time again. */
export const SYNC_TOLERANCE = 0.35;
/** Followers are checked at most this often (ms). */
export const SYNC_INTERVAL_MS = 500;

export class DvrController {
  view: TimeView = { start: nowSeconds() - 3600, spp: 3, width: 1200 };
  limits: ZoomLimits = zoomLimits(1200, 30);
  playhead: number | null = null;
  hover: Hover | null = null;
  /** A drag is moving the playhead: the cursor leads, players follow. */
  scrubbing = false;
  lanes: LaneInfo[] = [];
  active: string | null = null;
  /** Archive extent per stream, UTC seconds. */
  extents: Record<string, { from: number; to: number } | null> = {};
  readonly coverage: CoverageStore;

  private readonly players = new Map<string, LanePlayer>();
  private readonly env: DvrEnvironment;
  private readonly frames: FrameScheduler;
  private rate = 0;
  private live = false;
  private muted = false;
  private rateBeforeScrub = 0;
  private snapshot: DvrSnapshot = { rate: 0, live: false, muted: false, players: {}, hasPlayhead: false };
  private readonly listeners = new Set<() => void>();
  private readonly frameListeners = new Set<FrameListener>();
  private drawer: (() => void) | null = null;
  private raf = 0;
  private lastSync = 0;
  private coverageTimer: ReturnType<typeof setTimeout> | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private unsubscribeStore: (() => void) | null = null;
  private viewPlaced = false;

  constructor(env: DvrEnvironment, restore?: DvrPlace | null) {
    this.env = env;
    this.frames = env.frames ?? animationFrames;
    this.coverage = new CoverageStore(env.fetchSummary, () => this.invalidate());
    if (restore) {
      this.view = restore.view;
      this.playhead = restore.playhead;
      this.viewPlaced = true;
    }
  }

  /** Where the user was, to come back to after visiting another section. */
  place(): DvrPlace {
    return { view: this.view, playhead: this.live ? null : this.playhead };
  }

  start(): void {
    if (this.ticker) return;
    // The "now" line and live tiles move on their own: a calm beat, faster when zoomed in (see frame()).
    this.ticker = setInterval(() => {
      this.requestCoverage();
      this.invalidate();
    }, 1000);
    this.unsubscribeStore = this.env.studio.subscribe((state, previous) => {
      if (state.dvrChanged && state.dvrChanged !== previous.dvrChanged) {
        this.coverage.invalidate(state.dvrChanged.stream);
        this.requestCoverage(0);
      }
      if (state.dvrMarks !== previous.dvrMarks || state.dvrLocks !== previous.dvrLocks) this.invalidate();
    });
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    if (this.coverageTimer) clearTimeout(this.coverageTimer);
    this.coverageTimer = null;
    if (this.raf) this.frames.cancel(this.raf);
    this.raf = 0;
    if (this.nowTimer) clearTimeout(this.nowTimer);
    this.nowTimer = null;
    this.unsubscribeStore?.();
    this.unsubscribeStore = null;
    for (const player of this.players.values()) player.destroy();
    this.players.clear();
  }

  // ---- React glue ----

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): DvrSnapshot => this.snapshot;

  /** Called every animation frame that redraws, with the playhead (clocks update from here, not through React). */
  onFrame(listener: FrameListener): () => void {
    this.frameListeners.add(listener);
    listener(this.playhead);
    return () => this.frameListeners.delete(listener);
  }

  setDrawer(draw: (() => void) | null): void {
    this.drawer = draw;
    this.invalidate();
  }

  private emit(): void {
    const players: Record<string, PlayerView> = {};
    for (const [stream, player] of this.players) players[stream] = player.view;
    this.snapshot = { rate: this.rate, live: this.live, muted: this.muted, players, hasPlayhead: this.playhead !== null };
    for (const listener of this.listeners) listener();
  }

  // ---- lanes and players ----

  setLanes(lanes: LaneInfo[], active: string | null): void {
    const changed = lanes.map((l) => l.stream).join('\n') !== this.lanes.map((l) => l.stream).join('\n');
    this.lanes = lanes;
    this.active = active;
    const fps = this.activeLane()?.fps ?? 30;
    this.limits = zoomLimits(this.view.width, fps);
    for (const [stream, player] of this.players) {
      player.video.muted = this.muted || stream !== active;
      player.fps = lanes.find((l) => l.stream === stream)?.fps ?? 30;
    }
    if (changed) this.requestCoverage(0);
    this.emit();
    this.invalidate();
  }

  activeLane(): LaneInfo | undefined {
    return this.lanes.find((l) => l.stream === this.active);
  }

  /** A lane's <video> mounted: it gets a player, at the playhead (or live, if the others are). */
  attachPlayer(stream: string, video: HTMLVideoElement): () => void {
    const lane = this.lanes.find((l) => l.stream === stream);
    const player = this.env.createPlayer(stream, video, lane?.token ?? null, () => this.emit());
    player.fps = lane?.fps ?? 30;
    video.muted = this.muted || stream !== this.active;
    this.players.set(stream, player);
    if (this.live) player.goLive();
    else if (this.playhead !== null) {
      player.seek(this.playhead);
      if (this.rate !== 0) player.setRate(this.rate);
    }
    this.emit();
    return () => {
      if (this.players.get(stream) === player) this.players.delete(stream);
      player.destroy();
      this.emit();
    };
  }

  /** One lane's picture by hand (a variant's height) or by the connection (null). */
  setQuality(stream: string, height: number | null): void {
    this.players.get(stream)?.setQuality(height);
  }

  /** The frame time one lane shows; the playhead while it has no picture of its own yet. */
  laneTime(stream: string): number | null {
    const player = this.players.get(stream);
    const shown = player?.wallTime() ?? null;
    if (shown !== null && !(player?.settling && !this.live && this.rate === 0)) return shown;
    return stream === this.active || this.lanes.length === 1 ? this.playhead : shown;
  }

  private primary(): LanePlayer | undefined {
    return (this.active ? this.players.get(this.active) : undefined) ?? this.players.values().next().value;
  }

  /** Archive extents arrived (media_info): place the view once, at the recent end. */
  setExtent(stream: string, extent: { from: number; to: number } | null): void {
    this.extents = { ...this.extents, [stream]: extent };
    if (!this.viewPlaced && extent) {
      this.viewPlaced = true;
      const end = Math.min(extent.to, nowSeconds());
      const span = Math.min(3600, Math.max(60, end - extent.from));
      this.view = fitView(end - span, end + span * 0.08, this.view.width, this.limits, 0.02);
      if (this.playhead === null) this.seekAll(Math.max(extent.from, end - 2));
    }
    this.requestCoverage(0);
    this.invalidate();
  }

  /** The earliest and latest recorded instants over every lane. */
  archiveExtent(): { from: number; to: number } | null {
    let from = Infinity;
    let to = -Infinity;
    for (const lane of this.lanes) {
      const e = this.extents[lane.stream];
      if (!e) continue;
      from = Math.min(from, e.from);
      to = Math.max(to, e.to);
    }
    return Number.isFinite(from) ? { from, to: Math.max(to, from) } : null;
  }

  // ---- the axis ----

  resize(width: number): void {
    if (Math.abs(width - this.view.width) < 0.5) return;
    this.limits = zoomLimits(width, this.activeLane()?.fps ?? 30);
    this.view = resizeView(this.view, width, this.limits);
    this.viewChanged();
  }

  setView(view: TimeView): void {
    this.view = view;
    this.viewChanged();
  }

  private viewChanged(): void {
    this.requestCoverage();
    this.invalidate();
  }

  zoomWheel(x: number, deltaY: number, deltaMode: number, pinch: boolean): void {
    this.setView(zoomAt(this.view, x, wheelZoomFactor(deltaY, deltaMode, pinch), this.limits));
  }

  zoomBy(factor: number, anchorX?: number): void {
    const x = anchorX ?? this.anchorX();
    this.setView(zoomAt(this.view, x, factor, this.limits));
  }

  pan(dx: number): void {
    this.setView(panBy(this.view, dx));
  }

  /** Zoom towards the playhead when it is on screen, else the middle. */
  private anchorX(): number {
    if (this.playhead !== null) {
      const x = timeToX(this.view, this.playhead);
      if (x >= 0 && x <= this.view.width) return x;
    }
    return this.view.width / 2;
  }

  zoomFit(marks: Marks): void {
    const range = markedRange(marks);
    const target = range ?? this.archiveExtent();
    if (!target) return;
    // Air at both sides, so the In/Out handles are clear of the edges (and the ruler's day label).
    this.setView(fitView(target.from, Math.max(target.to, target.from + 1), this.view.width, this.limits, 0.12));
  }

  /** Preset spans: the last hour, day, week, month (ending now). */
  showLast(seconds: number): void {
    const now = nowSeconds();
    this.setView(fitView(now - seconds, now + seconds * 0.03, this.view.width, this.limits, 0));
  }

  private requestCoverage(delay = 120): void {
    if (this.coverageTimer) clearTimeout(this.coverageTimer);
    this.coverageTimer = setTimeout(() => {
      this.coverageTimer = null;
      this.coverage.request(
        this.lanes.map((l) => l.stream),
        this.view,
        nowSeconds(),
      );
    }, delay);
  }

  // ---- hover ----

  setHover(hover: Hover | null): void {
    this.hover = hover;
    this.invalidate();
  }

  /** The In/Out handle under the pointer or being dragged, drawn stronger. */
  hotMark: 'in' | 'out' | null = null;

  setHotMark(which: 'in' | 'out' | null): void {
    this.hotMark = which;
    this.invalidate();
  }

  // ---- playback ----

  /** Every lane to wall time `t`; the playhead goes there at once (the picture follows). */
  private seekAll(t: number): void {
    this.playhead = t;
    if (this.live) this.leaveLive();
    for (const player of this.players.values()) player.seek(t);
    if (!this.snapshot.hasPlayhead) this.emit();
    this.invalidate();
  }

  private leaveLive(): void {
    this.live = false;
    this.emit();
  }

  /** A click on the timeline, or each move of a drag. */
  scrubTo(t: number): void {
    this.seekAll(Math.min(t, nowSeconds()));
  }

  beginScrub(): void {
    if (this.scrubbing) return;
    this.scrubbing = true;
    this.rateBeforeScrub = this.live ? 1 : this.rate;
    if (this.rate !== 0) this.setRate(0);
  }

  endScrub(): void {
    if (!this.scrubbing) return;
    this.scrubbing = false;
    if (this.rateBeforeScrub !== 0) this.setRate(this.rateBeforeScrub);
    this.invalidate();
  }

  /** Go to `t` and bring it into view (the date picker, go to In/Out). */
  goTo(t: number): void {
    this.scrubTo(t);
    const x = timeToX(this.view, t);
    if (x < 0 || x > this.view.width) this.setView(centreOn(this.view, t));
  }

  private setRate(rate: number): void {
    this.rate = rate;
    for (const player of this.players.values()) player.setRate(rate);
    this.emit();
    this.invalidate();
  }

  playPause(): void {
    if (this.playhead === null && !this.live) return;
    this.setRate(this.rate === 0 ? 1 : 0);
  }

  shuttle(key: 'j' | 'k' | 'l'): void {
    if (this.playhead === null && !this.live) return;
    if (this.live && key === 'j') {
      // Backwards from live: leave it for the archive at the frame on screen.
      const t = this.primary()?.wallTime() ?? nowSeconds() - 2;
      this.live = false;
      for (const player of this.players.values()) player.seek(t);
      this.playhead = t;
    }
    this.setRate(shuttle(this.rate, key));
  }

  step(frames?: number, seconds?: number): void {
    const player = this.primary();
    if (!player || this.playhead === null) return;
    if (this.live) this.leaveLive();
    if (this.rate !== 0) this.setRate(0);
    if (frames !== undefined) {
      for (const p of this.players.values()) p.stepFrames(frames);
      // The playhead follows the primary picture once its seek lands (frame()).
      const t = player.wallTime();
      if (t !== null) this.playhead = t + frames / player.fps;
    } else if (seconds !== undefined) {
      const from = player.wallTime() ?? this.playhead;
      this.scrubTo(from + seconds);
    }
    this.followPlayhead();
    this.invalidate();
  }

  goLive(): void {
    this.live = true;
    this.rate = 1;
    for (const player of this.players.values()) player.goLive();
    this.playhead = nowSeconds();
    // Live sits at the right edge of whatever zoom is showing.
    const span = viewEnd(this.view) - this.view.start;
    this.setView({ ...this.view, start: nowSeconds() - span * 0.9 });
    this.emit();
  }

  goStart(): void {
    const extent = this.archiveExtent();
    if (extent) this.goTo(extent.from);
  }

  toggleMute(): void {
    this.muted = !this.muted;
    for (const [stream, player] of this.players) player.video.muted = this.muted || stream !== this.active;
    this.emit();
  }

  private followPlayhead(): void {
    if (this.playhead === null || this.scrubbing) return;
    const next = follow(this.view, this.playhead);
    if (next !== this.view) this.setView(next);
  }

  // ---- marks ----

  markIn(): void {
    const t = this.markTime();
    if (t === null) return;
    const state = this.env.studio.getState();
    state.setDvrMarks(markIn(state.dvrMarks, t));
  }

  markOut(): void {
    const t = this.markTime();
    if (t === null) return;
    const state = this.env.studio.getState();
    state.setDvrMarks(markOut(state.dvrMarks, t));
  }

  dragMark(which: 'in' | 'out', t: number): void {
    const state = this.env.studio.getState();
    state.setDvrMarks(dragMark(state.dvrMarks, which, t));
  }

  /** The frame on screen when there is one (what the user sees is what gets marked). */
  private markTime(): number | null {
    const player = this.primary();
    const shown = player && !player.settling ? player.wallTime() : null;
    return shown ?? this.playhead;
  }

  // ---- the keyboard ----

  dispatch(action: DvrAction, ui: { openExport(): void; focusJump(): void }): void {
    const state = this.env.studio.getState();
    switch (action.type) {
      case 'play-pause':
        return this.playPause();
      case 'shuttle':
        return this.shuttle(action.key);
      case 'step':
        return this.step(action.frames, action.seconds);
      case 'mark-in':
        return this.markIn();
      case 'mark-out':
        return this.markOut();
      case 'go-in':
        if (state.dvrMarks.in !== null) this.goTo(state.dvrMarks.in);
        return;
      case 'go-out':
        if (state.dvrMarks.out !== null) this.goTo(state.dvrMarks.out);
        return;
      case 'clear-marks':
        return state.setDvrMarks({ in: null, out: null });
      case 'zoom':
        return this.zoomBy(action.direction === 'in' ? 1 / KEY_ZOOM_FACTOR : KEY_ZOOM_FACTOR);
      case 'zoom-fit':
        return this.zoomFit(state.dvrMarks);
      case 'go-live':
        return this.goLive();
      case 'go-start':
        return this.goStart();
      case 'export':
        return ui.openExport();
      case 'jump':
        return ui.focusJump();
      case 'lane': {
        const names = this.lanes.map((l) => l.stream);
        const i = this.active ? names.indexOf(this.active) : -1;
        const next = names[(i + action.delta + names.length) % names.length];
        if (next) state.setDvrActive(next);
        return;
      }
      case 'mute':
        return this.toggleMute();
    }
  }

  // ---- the frame loop ----

  invalidate(): void {
    if (this.raf) return;
    this.raf = this.frames.request(this.frame);
  }

  private readonly frame = (): void => {
    this.raf = 0;
    const primary = this.primary();
    const moving = this.live || this.rate !== 0;
    if (primary && !this.scrubbing) {
      const shown = primary.wallTime();
      // While a seek settles the playhead stays where it was sent; then it shows the frame on screen.
      if (shown !== null && (moving || !primary.settling)) this.playhead = shown;
      else if (this.live && shown === null) this.playhead = nowSeconds();
    }
    if (moving) {
      this.followPlayhead();
      this.syncFollowers(primary);
    }
    this.drawer?.();
    for (const listener of this.frameListeners) listener(this.playhead);
    // Keep animating while something moves (playback, a seek settling); the "now" line at
    // fine zoom is redrawn as often as it moves half a pixel, not every frame.
    if (moving || primary?.settling) {
      this.invalidate();
      return;
    }
    const nowX = timeToX(this.view, nowSeconds());
    if (this.view.spp < 0.5 && nowX >= -2 && nowX <= this.view.width + 2 && !this.nowTimer) {
      this.nowTimer = setTimeout(() => {
        this.nowTimer = null;
        this.invalidate();
      }, Math.max(16, this.view.spp * 500));
    }
  };

  private nowTimer: ReturnType<typeof setTimeout> | null = null;

  /** Other lanes follow the active one's clock; a lane more than a few frames off is sent there again. */
  private syncFollowers(primary: LanePlayer | undefined): void {
    const now = performance.now();
    if (!primary || now - this.lastSync < SYNC_INTERVAL_MS) return;
    this.lastSync = now;
    const t = primary.wallTime();
    if (t === null) return;
    for (const player of this.players.values()) {
      if (player === primary || player.settling || player.isLive !== primary.isLive) continue;
      const shown = player.wallTime();
      if (shown === null || Math.abs(shown - t) > SYNC_TOLERANCE) {
        player.seek(t);
        player.setRate(this.rate);
      }
    }
  }

  /** For the timeline's pointer: a time under x. */
  timeAt(x: number): number {
    return xToTime(this.view, x);
  }
}
