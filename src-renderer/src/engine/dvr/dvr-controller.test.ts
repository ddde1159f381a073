import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { timeToX, viewEnd, type TimeView } from '../../lib/timeline/time-scale';
import { createDvrSlice } from '../../store/dvr.slice';
import type { DvrSlice } from '../../store/dvr.state';
import type { PlayerView } from './archive-player';
import { DvrController, SYNC_INTERVAL_MS, type DvrEnvironment, type DvrPlace, type LaneInfo, type LanePlayer } from './dvr-controller';
import { ManualFrames } from './testing/manual-frames';

const T0 = 1_715_688_000; // "now" when each test starts

/** A lane's player that shows what the test says it shows. */
class TestPlayer implements LanePlayer {
  fps = 30;
  view: PlayerView = { status: 'ready', message: null, live: false, levels: [], quality: null, playingHeight: null };
  settling = false;
  isLive = false;
  shown: number | null = null;
  destroyed = false;
  readonly seeks: number[] = [];
  readonly rates: number[] = [];
  readonly steps: number[] = [];

  constructor(
    readonly stream: string,
    readonly video: { muted: boolean },
    readonly token: string | null,
  ) {}

  seek(t: number): void {
    this.seeks.push(t);
    this.isLive = false;
  }
  setRate(rate: number): void {
    this.rates.push(rate);
  }
  stepFrames(frames: number): void {
    this.steps.push(frames);
  }
  goLive(): void {
    this.isLive = true;
  }
  setQuality(height: number | null): void {
    this.view = { ...this.view, quality: height };
  }
  wallTime(): number | null {
    return this.shown;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

const lanesAB: LaneInfo[] = [
  { stream: 'live/a', token: 'tok-a', fps: 25 },
  { stream: 'live/b', token: null, fps: 30 },
];

/** A controller on the studio's own DVR slice (in a store of its own), with test players and frames. */
function rig(restore?: DvrPlace) {
  const store = createStore<DvrSlice>()((...a) => createDvrSlice(...(a as unknown as Parameters<typeof createDvrSlice>)));
  const players: TestPlayer[] = [];
  const summaries: { stream: string; from: number; to: number; step: number }[] = [];
  const frames = new ManualFrames();
  const env: DvrEnvironment = {
    studio: store,
    createPlayer: (stream, video, token) => {
      const player = new TestPlayer(stream, video, token);
      players.push(player);
      return player;
    },
    fetchSummary: (stream, from, to, step) => {
      summaries.push({ stream, from, to, step });
      return Promise.resolve([]);
    },
    frames,
  };
  const controller = new DvrController(env, restore);
  return { controller, store, players, summaries, frames };
}

/** The rig with lanes a (active) and b, each with its player attached. */
function rigAB(restore?: DvrPlace) {
  const r = rig(restore);
  r.store.getState().setDvrStreams(lanesAB.map((l) => l.stream));
  r.controller.setLanes(lanesAB, 'live/a');
  const detach = lanesAB.map((lane) => r.controller.attachPlayer(lane.stream, { muted: false } as unknown as HTMLVideoElement));
  const [a, b] = r.players as [TestPlayer, TestPlayer];
  return { ...r, a, b, detach };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
  vi.setSystemTime(T0 * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('lanes and players', () => {
  it('gives each lane a player with its token and frame rate; only the active lane is heard', () => {
    const { controller, a, b } = rigAB();
    expect([a.stream, a.token, a.fps]).toEqual(['live/a', 'tok-a', 25]);
    expect([b.stream, b.token, b.fps]).toEqual(['live/b', null, 30]);
    expect([a.video.muted, b.video.muted]).toEqual([false, true]);
    expect(Object.keys(controller.getSnapshot().players)).toEqual(['live/a', 'live/b']);

    controller.setLanes(lanesAB, 'live/b');
    expect([a.video.muted, b.video.muted]).toEqual([true, false]);
    controller.toggleMute();
    expect([a.video.muted, b.video.muted]).toEqual([true, true]);
    expect(controller.getSnapshot().muted).toBe(true);
  });

  it('a lane added later joins at the playhead, at the rate playing', () => {
    const { controller, players } = rigAB();
    controller.scrubTo(T0 - 100);
    controller.playPause();
    controller.attachPlayer('live/c', { muted: false } as unknown as HTMLVideoElement);
    const c = players[2]!;
    expect(c.seeks).toEqual([T0 - 100]);
    expect(c.rates).toEqual([1]);
    // Not a lane (yet): no token, the default rate; not the active one, so silent.
    expect([c.token, c.fps, c.video.muted]).toEqual([null, 30, true]);
  });

  it('lets go of a player when its video goes', () => {
    const { controller, a, detach } = rigAB();
    detach[0]!();
    expect(a.destroyed).toBe(true);
    expect(Object.keys(controller.getSnapshot().players)).toEqual(['live/b']);
  });

  it('tells the time of each lane: its picture, or the playhead while the active one settles', () => {
    const { controller, a, b } = rigAB();
    controller.scrubTo(T0 - 100);
    a.shown = T0 - 99.96;
    expect(controller.laneTime('live/a')).toBe(T0 - 99.96);
    a.settling = true;
    expect(controller.laneTime('live/a')).toBe(T0 - 100);
    b.settling = true;
    expect(controller.laneTime('live/b')).toBeNull();
    b.shown = T0 - 98;
    expect(controller.laneTime('live/b')).toBe(T0 - 98);
  });
});

describe('placing the view', () => {
  it('starts on the last hour, and moves once to the recent end of the first archive known', () => {
    const { controller, a, b } = rigAB();
    expect(controller.view).toEqual({ start: T0 - 3600, spp: 3, width: 1200 });
    controller.setExtent('live/a', { from: T0 - 7200, to: T0 - 10 });
    // The last hour of it (and 8% more after), with 2% air: 3888 s × 1.04 over 1200 px.
    expect(controller.view.spp).toBeCloseTo(3.3696, 9);
    expect(controller.view.start).toBeCloseTo(T0 - 10 - 3677.76, 6);
    // The playhead goes 2 s before its end, every lane with it.
    expect(controller.playhead).toBe(T0 - 12);
    expect(a.seeks).toEqual([T0 - 12]);
    expect(b.seeks).toEqual([T0 - 12]);
    expect(controller.getSnapshot().hasPlayhead).toBe(true);

    const placed = controller.view;
    controller.setExtent('live/b', { from: T0 - 90_000, to: T0 - 5000 });
    expect(controller.view).toBe(placed);
    expect(a.seeks).toHaveLength(1);
  });

  it('a short archive is shown whole, at least a minute', () => {
    const { controller } = rigAB();
    controller.setExtent('live/a', { from: T0 - 20, to: T0 });
    expect(viewEnd(controller.view) - controller.view.start).toBeCloseTo((60 + 60 * 0.08) * 1.04, 6);
    expect(controller.playhead).toBe(T0 - 2);
  });

  it('comes back where the user was', () => {
    const first = rigAB();
    first.controller.setExtent('live/a', { from: T0 - 7200, to: T0 - 10 });
    first.controller.scrubTo(T0 - 5000);
    const place = first.controller.place();
    expect(place.playhead).toBe(T0 - 5000);

    const again = rigAB(place);
    expect(again.controller.view).toEqual(place.view);
    expect(again.controller.playhead).toBe(T0 - 5000);
    expect(again.a.seeks).toEqual([T0 - 5000]);
    again.controller.setExtent('live/a', { from: T0 - 7200, to: T0 - 10 });
    expect(again.controller.view).toEqual(place.view);
    expect(again.controller.playhead).toBe(T0 - 5000);
  });

  it('knows the archive over every lane', () => {
    const { controller } = rigAB();
    expect(controller.archiveExtent()).toBeNull();
    controller.setExtent('live/a', { from: T0 - 5000, to: T0 - 100 });
    controller.setExtent('live/b', { from: T0 - 9000, to: T0 - 2000 });
    expect(controller.archiveExtent()).toEqual({ from: T0 - 9000, to: T0 - 100 });
    controller.setExtent('live/a', null);
    expect(controller.archiveExtent()).toEqual({ from: T0 - 9000, to: T0 - 2000 });
  });

  it('shows the last day, fits the marks or the archive, and keeps the centre on a resize', () => {
    const { controller, store } = rigAB();
    controller.showLast(86_400);
    expect(controller.view.start).toBeCloseTo(T0 - 86_400, 6);
    expect(viewEnd(controller.view)).toBeCloseTo(T0 + 2592, 6);

    controller.setExtent('live/a', { from: T0 - 5000, to: T0 - 100 });
    controller.zoomFit(store.getState().dvrMarks);
    // The archive with 12% air each side.
    expect(controller.view.spp).toBeCloseTo((4900 * 1.24) / 1200, 9);
    expect(controller.view.start + controller.view.spp * 600).toBeCloseTo(T0 - 2550, 6);

    controller.zoomFit({ in: T0 - 1000, out: T0 - 400 });
    expect(controller.view.spp).toBeCloseTo(0.62, 9);
    expect(controller.view.start).toBeCloseTo(T0 - 1072, 6);

    const centre = controller.view.start + controller.view.spp * 600;
    controller.resize(600);
    expect(controller.view.width).toBe(600);
    expect(controller.view.start + controller.view.spp * 300).toBeCloseTo(centre, 6);
  });

  it('zooms towards the playhead when it is on screen, else the middle', () => {
    const { controller } = rigAB();
    controller.zoomBy(0.5);
    // Middle of the last hour: T0 − 1800 stays at x = 600.
    expect(controller.view).toMatchObject({ spp: 1.5, start: T0 - 1800 - 900 });
    controller.scrubTo(T0 - 2500);
    const x = timeToX(controller.view, T0 - 2500);
    controller.zoomBy(0.5);
    expect(controller.view.spp).toBe(0.75);
    expect(timeToX(controller.view, T0 - 2500)).toBeCloseTo(x, 6);
  });
});

describe('playback', () => {
  it('plays and pauses only with somewhere to play', () => {
    const { controller, a } = rigAB();
    controller.playPause();
    expect(controller.getSnapshot().rate).toBe(0);
    expect(a.rates).toEqual([]);
    controller.scrubTo(T0 - 100);
    controller.playPause();
    expect(controller.getSnapshot().rate).toBe(1);
    controller.playPause();
    expect(controller.getSnapshot().rate).toBe(0);
    expect(a.rates).toEqual([1, 0]);
  });

  it('clamps a scrub to now, pauses while dragging and plays on after', () => {
    const { controller, a, b } = rigAB();
    controller.scrubTo(T0 - 100);
    controller.playPause();
    controller.beginScrub();
    expect(controller.getSnapshot().rate).toBe(0);
    controller.scrubTo(T0 + 50);
    expect(controller.playhead).toBe(T0);
    expect(b.seeks.at(-1)).toBe(T0);
    controller.endScrub();
    expect(controller.getSnapshot().rate).toBe(1);
    expect(a.rates).toEqual([1, 0, 1]);
  });

  it('shuttles J/K/L: doubling to 8×, K stops', () => {
    const { controller, a } = rigAB();
    controller.scrubTo(T0 - 100);
    for (let i = 0; i < 5; i++) controller.shuttle('l');
    controller.shuttle('j');
    controller.shuttle('j');
    controller.shuttle('k');
    expect(a.rates).toEqual([1, 2, 4, 8, 8, -1, -2, 0]);
    expect(controller.getSnapshot().rate).toBe(0);
  });

  it('goes live at the right of the view, and J from live leaves it at the frame on screen', () => {
    const { controller, a, b } = rigAB();
    controller.goLive();
    const snapshot = controller.getSnapshot();
    expect([snapshot.live, snapshot.rate]).toEqual([true, 1]);
    expect([a.isLive, b.isLive]).toEqual([true, true]);
    expect(controller.playhead).toBe(T0);
    expect(timeToX(controller.view, T0)).toBeCloseTo(1080, 6);
    expect(controller.place().playhead).toBeNull();

    a.shown = T0 - 3;
    controller.shuttle('j');
    expect(controller.getSnapshot().live).toBe(false);
    expect(controller.playhead).toBe(T0 - 3);
    expect(b.seeks).toEqual([T0 - 3]);
    expect(controller.getSnapshot().rate).toBe(-1);
  });

  it('steps frames from the picture on screen, or seconds, paused and out of live', () => {
    const { controller, a, b } = rigAB();
    controller.goLive();
    a.shown = T0 - 100;
    controller.step(1);
    expect(controller.getSnapshot()).toMatchObject({ live: false, rate: 0 });
    expect([a.steps, b.steps]).toEqual([[1], [1]]);
    expect(controller.playhead).toBeCloseTo(T0 - 100 + 1 / 25, 6);
    controller.step(undefined, -10);
    expect(controller.playhead).toBe(T0 - 110);
    expect(b.seeks.at(-1)).toBe(T0 - 110);
  });
});

describe('marks and keys', () => {
  it('marks the frame on screen, or the playhead while the picture is on its way', () => {
    const { controller, store, a } = rigAB();
    controller.scrubTo(T0 - 100);
    a.shown = T0 - 99.5;
    controller.markIn();
    controller.scrubTo(T0 - 50);
    a.settling = true;
    controller.markOut();
    expect(store.getState().dvrMarks).toEqual({ in: T0 - 99.5, out: T0 - 50 });
    controller.dragMark('in', T0 - 10);
    expect(store.getState().dvrMarks.in).toBeCloseTo(T0 - 50.04, 6);
  });

  it('goes to In and Out, bringing them into view; clears them', () => {
    const { controller, store } = rigAB();
    const ui = { openExport: vi.fn(), focusJump: vi.fn() };
    store.getState().setDvrMarks({ in: T0 - 172_740, out: T0 - 1200 });
    controller.dispatch({ type: 'go-out' }, ui);
    expect(controller.playhead).toBe(T0 - 1200);
    // On screen: the view stays.
    expect(controller.view.start).toBe(T0 - 3600);
    controller.dispatch({ type: 'go-in' }, ui);
    expect(controller.playhead).toBe(T0 - 172_740);
    // Off screen: centred, at the same zoom.
    expect(controller.view).toEqual({ start: T0 - 172_740 - 1800, spp: 3, width: 1200 });
    controller.dispatch({ type: 'clear-marks' }, ui);
    expect(store.getState().dvrMarks).toEqual({ in: null, out: null });
    controller.dispatch({ type: 'export' }, ui);
    controller.dispatch({ type: 'jump' }, ui);
    expect([ui.openExport.mock.calls.length, ui.focusJump.mock.calls.length]).toEqual([1, 1]);
  });

  it('moves between cameras, round the ends', () => {
    const r = rig();
    const lanes: LaneInfo[] = [...lanesAB, { stream: 'live/c', token: null, fps: 30 }];
    r.store.getState().setDvrStreams(lanes.map((l) => l.stream));
    r.controller.setLanes(lanes, 'live/a');
    const ui = { openExport: () => undefined, focusJump: () => undefined };
    r.controller.dispatch({ type: 'lane', delta: -1 }, ui);
    expect(r.store.getState().dvrActive).toBe('live/c');
    r.controller.setLanes(lanes, 'live/c');
    r.controller.dispatch({ type: 'lane', delta: 1 }, ui);
    expect(r.store.getState().dvrActive).toBe('live/a');
  });

  it('goes to the start of the archive, and zooms by keys', () => {
    const { controller } = rigAB();
    const ui = { openExport: () => undefined, focusJump: () => undefined };
    controller.setExtent('live/b', { from: T0 - 40_000, to: T0 - 100 });
    controller.dispatch({ type: 'go-start' }, ui);
    expect(controller.playhead).toBe(T0 - 40_000);
    const spp = controller.view.spp;
    controller.dispatch({ type: 'zoom', direction: 'in' }, ui);
    expect(controller.view.spp).toBeCloseTo(spp / 2, 9);
    controller.dispatch({ type: 'zoom', direction: 'out' }, ui);
    expect(controller.view.spp).toBeCloseTo(spp, 9);
  });
});

describe('the frame loop', () => {
  it('draws once per frame however often it is asked, and tells the clocks the playhead', () => {
    const { controller, frames } = rigAB();
    const draws: TimeView[] = [];
    controller.setDrawer(() => draws.push(controller.view));
    controller.invalidate();
    controller.invalidate();
    expect(frames.pending.size).toBe(1);
    const heard: (number | null)[] = [];
    controller.onFrame((t) => heard.push(t));
    controller.scrubTo(T0 - 30);
    frames.run();
    expect(draws).toHaveLength(1);
    expect(heard).toEqual([null, T0 - 30]);
    // Paused and still: no more frames.
    expect(frames.pending.size).toBe(0);
  });

  it('while playing, the playhead is the picture, and the view turns a page at the right edge', () => {
    const { controller, frames, a } = rigAB();
    controller.scrubTo(T0 - 100);
    controller.playPause();
    a.shown = T0 - 30; // x = 1190, past the margin
    frames.run();
    expect(controller.playhead).toBe(T0 - 30);
    expect(controller.view.start).toBe(T0 - 30 - 360);
    expect(frames.pending.size).toBe(1);
  });

  it('while a paused seek settles, the playhead stays where it was sent', () => {
    const { controller, frames, a } = rigAB();
    controller.scrubTo(T0 - 100);
    a.settling = true;
    a.shown = T0 - 400;
    frames.run();
    expect(controller.playhead).toBe(T0 - 100);
    expect(frames.pending.size).toBe(1);
    a.settling = false;
    frames.run();
    expect(controller.playhead).toBe(T0 - 400);
    expect(frames.pending.size).toBe(0);
  });

  it('live without a picture yet, the playhead is now', () => {
    const { controller, frames } = rigAB();
    controller.goLive();
    vi.advanceTimersByTime(5000);
    frames.run();
    expect(controller.playhead).toBe(T0 + 5);
  });

  it('sends a lane that drifted from the active one back to its time, twice a second at most', () => {
    const { controller, frames, a, b } = rigAB();
    controller.scrubTo(T0 - 100);
    controller.playPause();
    vi.advanceTimersByTime(SYNC_INTERVAL_MS);
    a.shown = T0 - 99;
    b.shown = T0 - 99.2; // within a third of a second: left alone
    frames.run();
    expect(b.seeks).toEqual([T0 - 100]);
    b.shown = T0 - 98.5;
    frames.run();
    expect(b.seeks).toEqual([T0 - 100]); // too soon after the last look
    vi.advanceTimersByTime(SYNC_INTERVAL_MS);
    frames.run();
    expect(b.seeks).toEqual([T0 - 100, T0 - 99]);
    expect(b.rates.at(-1)).toBe(1);
    // A lane still settling is left to land.
    b.settling = true;
    b.shown = T0 - 90;
    vi.advanceTimersByTime(SYNC_INTERVAL_MS);
    frames.run();
    expect(b.seeks).toHaveLength(2);
  });
});

describe('with the store', () => {
  it('asks for coverage after the view settles, and again for a stream whose archive changed', async () => {
    const { controller, store, summaries } = rigAB();
    controller.start();
    await vi.advanceTimersByTimeAsync(0);
    const first = summaries.length;
    expect(first).toBeGreaterThan(0);
    expect(new Set(summaries.map((s) => s.stream))).toEqual(new Set(['live/a', 'live/b']));
    expect(summaries.every((s) => s.step === 5)).toBe(true);

    // Panning asks after a short rest, once.
    controller.pan(10);
    controller.pan(10);
    await vi.advanceTimersByTimeAsync(119);
    expect(summaries).toHaveLength(first);
    await vi.advanceTimersByTimeAsync(1);
    const afterPan = summaries.length;

    store.getState().noteDvrChanged('live/a');
    await vi.advanceTimersByTimeAsync(0);
    const again = summaries.slice(afterPan);
    expect(again.length).toBeGreaterThan(0);
    expect(again.every((s) => s.stream === 'live/a')).toBe(true);
    controller.stop();
  });

  it('redraws when marks change, and stops listening, ticking and playing when stopped', () => {
    const { controller, store, frames, a, b } = rigAB();
    controller.start();
    frames.run();
    store.getState().setDvrMarks({ in: T0 - 100, out: null });
    expect(frames.pending.size).toBe(1);
    frames.run();
    controller.stop();
    expect([a.destroyed, b.destroyed]).toEqual([true, true]);
    store.getState().setDvrMarks({ in: null, out: null });
    vi.advanceTimersByTime(5000);
    expect(frames.pending.size).toBe(0);
  });
});
