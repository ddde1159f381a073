import Hls, { type ErrorData, type HlsConfig } from 'hls.js/light';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ArchivePlayer,
  RETRY_DELAY_MS,
  WINDOW_SWITCH_DELAY_MS,
  errorOutcome,
  hlsConfig,
  playlistUrl,
  serverDetail,
  type HlsPlayer,
} from './archive-player';
import { ManualFrames } from './testing/manual-frames';

const T0 = 1_715_688_000; // "now" in these tests; on the 20-minute window grid
/** windowFor(T0 − 7000): the hour T0 − 8400 … T0 − 4800, a finished range. */
const HOUR_FROM = T0 - 8400;

// ---- stand-ins for the browser's <video> and for hls.js ----

/** A <video> whose seeks land when the test says (as the browser's do, later). */
class TestVideo extends EventTarget {
  private time = 0;
  seeking = false;
  muted = false;
  paused = true;
  playbackRate = 1;
  preservesPitch = false;
  readonly seeks: number[] = [];

  get currentTime(): number {
    return this.time;
  }

  set currentTime(value: number) {
    this.time = value;
    this.seeking = true;
    this.seeks.push(value);
  }

  /** The media moved there by itself (hls.js started loading there, or playback ran on). */
  showing(time: number): void {
    this.time = time;
  }

  landSeek(): void {
    this.seeking = false;
    this.dispatchEvent(new Event('seeked'));
  }

  play(): Promise<void> {
    this.paused = false;
    return Promise.resolve();
  }

  pause(): void {
    this.paused = true;
  }
}

interface TestFragment {
  start: number;
  duration: number;
  programDateTime: number | null;
}

/** Records what the player asks of hls.js, and lets the test fire its events. */
class TestHls {
  readonly handlers = new Map<string, ((event: string, data: unknown) => void)[]>();
  source: string | null = null;
  media: unknown = null;
  startedAt: number | null = null;
  destroyed = false;
  recovered = 0;
  latestLevelDetails: { fragments: TestFragment[] } | null = null;
  buffering = true;
  startLevel = -1;
  loadLevel = -1;
  currentLevel = -1;
  nextLevel = -1;

  constructor(readonly config: Partial<HlsConfig>) {}

  on(event: string, handler: (event: string, data: unknown) => void): void {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
  }

  emit(event: string, data: unknown = {}): void {
    for (const handler of this.handlers.get(event) ?? []) handler(event, data);
  }

  loadSource(url: string): void {
    this.source = url;
  }

  attachMedia(media: unknown): void {
    this.media = media;
  }

  startLoad(position: number): void {
    this.startedAt = position;
    this.buffering = true;
  }

  pauseBuffering(): void {
    this.buffering = false;
  }

  /** The multivariant playlist arrived: one variant per height, lowest first (as hls.js sorts them). */
  manifestParsed(heights: number[]): void {
    this.emit(Hls.Events.MANIFEST_PARSED, { levels: heights.map((height) => ({ height, bitrate: height * 4000 })) });
  }

  destroy(): void {
    this.destroyed = true;
  }

  recoverMediaError(): void {
    this.recovered++;
  }

  /** The playlist arrived: `count` segments of 2 s from wall time `from`, back to back. */
  levelLoaded(from: number, count = 1800): void {
    this.latestLevelDetails = {
      fragments: Array.from({ length: count }, (_, i) => ({ start: i * 2, duration: 2, programDateTime: (from + i * 2) * 1000 })),
    };
    this.emit(Hls.Events.LEVEL_LOADED, {});
  }

  fatal(type: ErrorData['type'], details: string, response?: { code: number; text?: string }): void {
    this.emit(Hls.Events.ERROR, { fatal: true, type, details, ...(response ? { response: { url: this.source, ...response } } : {}) });
  }
}

function setup(token: string | null = 'tok') {
  const video = new TestVideo();
  const made: TestHls[] = [];
  const frames = new ManualFrames();
  let changes = 0;
  const player = new ArchivePlayer('live/cam1', video as unknown as HTMLVideoElement, token, () => changes++, {
    createHls: (config) => {
      const hls = new TestHls(config);
      made.push(hls);
      return hls as unknown as HlsPlayer;
    },
    frames,
  });
  player.fps = 25;
  return { player, video, made, frames, changes: () => changes };
}

/** A player showing T0 − 7000 from its hour, ready. */
function readyAt7000() {
  const s = setup();
  s.player.seek(T0 - 7000);
  s.made[0]!.levelLoaded(HOUR_FROM);
  s.video.showing(1400);
  return s;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout', 'performance'] });
  vi.setSystemTime(T0 * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('playlists', () => {
  it('names the window of the archive, with the play token', () => {
    expect(playlistUrl('live/cam1', { kind: 'range', from: HOUR_FROM, duration: 3600 }, 'a b')).toBe(`/live/cam1/abr-${HOUR_FROM}-3600.m3u8?token=a%20b`);
    expect(playlistUrl('live/cam 1', { kind: 'event', from: T0 - 2400 }, null)).toBe(`/live/cam%201/abr-${T0 - 2400}-now.m3u8`);
    expect(playlistUrl('cam', { kind: 'live' }, null)).toBe('/cam/index.m3u8');
  });

  it('asks hls.js for low latency only live', () => {
    expect(hlsConfig(true)).toMatchObject({ lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5, autoStartLoad: false, testBandwidth: false });
    expect(hlsConfig(false)).toMatchObject({ lowLatencyMode: false, maxLiveSyncPlaybackRate: 1, autoStartLoad: false });
  });
});

describe('errors', () => {
  const network = Hls.ErrorTypes.NETWORK_ERROR;
  const body = JSON.stringify({ error: 'Not Found', detail: 'live/cam1 has no recording between 10:00 and 11:00' });

  it('reads the server’s detail from the failed response, wherever hls.js put it', () => {
    expect(serverDetail({ response: { url: '/x', code: 404, text: body } })).toBe('live/cam1 has no recording between 10:00 and 11:00');
    expect(serverDetail({ response: { url: '/x', code: 404, data: body } })).toBe('live/cam1 has no recording between 10:00 and 11:00');
    expect(serverDetail({ networkDetails: { responseText: body } as unknown as XMLHttpRequest })).toBe('live/cam1 has no recording between 10:00 and 11:00');
    expect(serverDetail({ response: { url: '/x', code: 502, text: '<html>Bad gateway</html>' } })).toBeNull();
    expect(serverDetail({ response: { url: '/x', code: 403, text: '{"error":"Forbidden"}' } })).toBeNull();
    expect(serverDetail({})).toBeNull();
  });

  it('a missing recording, a token, a lost server and an unplayable stream each say so', () => {
    const details = Hls.ErrorDetails.MANIFEST_LOAD_ERROR;
    expect(errorOutcome({ type: network, details, response: { url: '/x', code: 404, text: body } }, true)).toEqual({
      recover: false,
      status: 'no-recording',
      message: 'live/cam1 has no recording between 10:00 and 11:00',
      retry: false,
    });
    expect(errorOutcome({ type: network, details, response: { url: '/x', code: 404 } }, true)).toMatchObject({ message: 'Nothing recorded around this time' });
    // A 404 once playing (a segment retention deleted) is a network trouble, tried again.
    expect(errorOutcome({ type: network, details, response: { url: '/x', code: 404 } }, false)).toMatchObject({ status: 'error', retry: true });
    expect(errorOutcome({ type: network, details, response: { url: '/x', code: 403 } }, true)).toEqual({ recover: false, status: 'error', message: 'Play token needed', retry: false });
    expect(errorOutcome({ type: network, details }, true)).toEqual({ recover: false, status: 'error', message: 'Cannot reach the archive; trying again…', retry: true });
    expect(errorOutcome({ type: Hls.ErrorTypes.MEDIA_ERROR, details: Hls.ErrorDetails.BUFFER_APPEND_ERROR }, false)).toEqual({ recover: true });
    expect(errorOutcome({ type: Hls.ErrorTypes.MUX_ERROR, details: Hls.ErrorDetails.FRAG_PARSING_ERROR }, false)).toEqual({
      recover: false,
      status: 'error',
      message: `This recording cannot be played here: ${Hls.ErrorDetails.FRAG_PARSING_ERROR}`,
      retry: false,
    });
  });
});

describe('ArchivePlayer', () => {
  it('loads the hour around a time, and starts loading at that time once the playlist is in', () => {
    const { player, video, made, changes } = setup();
    player.seek(T0 - 7000);
    expect(made).toHaveLength(1);
    const hls = made[0]!;
    expect(hls.source).toBe(`/live/cam1/abr-${HOUR_FROM}-3600.m3u8?token=tok`);
    expect(hls.media).toBe(video);
    expect(hls.config.lowLatencyMode).toBe(false);
    expect(player.view).toEqual({ status: 'loading', message: null, live: false, levels: [], quality: null, playingHeight: null });
    expect(player.settling).toBe(true);
    expect(player.wallTime()).toBeNull();
    expect(changes()).toBe(1);

    hls.levelLoaded(HOUR_FROM);
    expect(hls.startedAt).toBe(1400);
    expect(player.view.status).toBe('ready');
    video.showing(1400);
    expect(player.wallTime()).toBe(T0 - 7000);
    expect(player.settling).toBe(false);
    expect(player.isLive).toBe(false);
  });

  it('starts the sharpest variant, plays the one picked by hand, and keeps the pick for the next hour', () => {
    const { player, video, made } = setup();
    player.seek(T0 - 7000);
    const hls = made[0]!;
    hls.manifestParsed([240, 480, 1080]);
    expect(player.view.levels.map((l) => l.height)).toEqual([240, 480, 1080]);
    expect(hls.startLevel).toBe(2);
    // The variant's playlist loads, but no segment before the start is known.
    expect(hls.startedAt).toBe(-1);
    expect(hls.buffering).toBe(false);
    hls.levelLoaded(HOUR_FROM);
    expect(hls.startedAt).toBe(1400);
    expect(hls.buffering).toBe(true);
    hls.emit(Hls.Events.LEVEL_SWITCHED, { level: 2 });
    expect(player.view.playingHeight).toBe(1080);

    video.showing(1400);
    player.setQuality(480);
    expect(hls.currentLevel).toBe(1);
    expect(player.view.quality).toBe(480);
    // Paused: once the new variant's segment is in, the same frame is shown again, in the new picture.
    hls.emit(Hls.Events.FRAG_BUFFERED, { frag: { level: 2 } });
    expect(video.seeks).toEqual([]);
    hls.emit(Hls.Events.FRAG_BUFFERED, { frag: { level: 1 } });
    expect(video.seeks).toEqual([1400]);
    video.landSeek();
    player.setQuality(null);
    expect(hls.nextLevel).toBe(-1);
    player.setQuality(240);

    player.seek(T0 - 30_000);
    vi.advanceTimersByTime(WINDOW_SWITCH_DELAY_MS);
    const next = made[1]!;
    expect(player.view).toMatchObject({ levels: [], quality: 240, playingHeight: null });
    next.manifestParsed([240, 1080]);
    expect(next.startLevel).toBe(0);
    expect(next.loadLevel).toBe(0);
    // A height this hour does not have: Auto from the sharpest.
    player.setQuality(720);
    expect(next.nextLevel).toBe(-1);
  });

  it('near now loads a growing playlist of the window', () => {
    const { player, made } = setup(null);
    player.seek(T0 - 100);
    expect(made[0]!.source).toBe(`/live/cam1/abr-${T0 - 2400}-now.m3u8`);
  });

  it('seeks inside the loaded hour without loading again; a scrub lands on its latest time only', () => {
    const { player, video, made } = readyAt7000();
    player.seek(T0 - 6000);
    expect(video.seeks).toEqual([2400]);
    player.seek(T0 - 5990);
    player.seek(T0 - 5980.5);
    expect(video.seeks).toEqual([2400]);
    expect(player.settling).toBe(true);
    // The clock already shows where the picture is going (the frame's start, at 25 fps).
    expect(player.wallTime()).toBeCloseTo(T0 - 5980.52, 5);
    video.landSeek();
    expect(video.seeks).toEqual([2400, 2419.5]);
    video.landSeek();
    expect(player.settling).toBe(false);
    expect(made).toHaveLength(1);
  });

  it('waits for a scrub to rest before loading another hour, then loads the last one asked for', () => {
    const { player, made } = readyAt7000();
    player.seek(T0 - 20_000);
    vi.advanceTimersByTime(WINDOW_SWITCH_DELAY_MS - 1);
    player.seek(T0 - 30_000);
    expect(player.settling).toBe(true);
    vi.advanceTimersByTime(WINDOW_SWITCH_DELAY_MS - 1);
    expect(made).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(made).toHaveLength(2);
    expect(made[0]!.destroyed).toBe(true);
    // windowFor(T0 − 30 000): the 20-minute grid start at or below it, less one step.
    expect(made[1]!.source).toBe(`/live/cam1/abr-${T0 - 31_200}-3600.m3u8?token=tok`);
    made[1]!.levelLoaded(T0 - 31_200);
    expect(made[1]!.startedAt).toBe(1200);
  });

  it('goes live on the live playlist with low latency, and plays once it is in', () => {
    const { player, video, made } = setup();
    player.goLive();
    const hls = made[0]!;
    expect(hls.source).toBe('/live/cam1/index.m3u8?token=tok');
    expect(hls.config).toMatchObject({ lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5 });
    expect(player.view).toMatchObject({ status: 'loading', message: null, live: true });
    expect(player.isLive).toBe(true);
    expect(video.paused).toBe(true);
    hls.levelLoaded(T0 - 20, 10);
    expect(hls.startedAt).toBe(-1);
    expect(video.paused).toBe(false);
    expect(player.playing).toBe(true);
  });

  it('steps frames from the frame on screen, paused', () => {
    const { player, video } = readyAt7000();
    player.setRate(1);
    expect(video.paused).toBe(false);
    player.stepFrames(1);
    expect(video.paused).toBe(true);
    // The middle of the next frame: 1400 + 1.5 / 25.
    expect(video.seeks.at(-1)).toBeCloseTo(1400.06, 9);
    video.landSeek();
    expect(player.wallTime()).toBeCloseTo(T0 - 7000 + 0.04, 5);
    player.stepFrames(-1);
    expect(video.seeks.at(-1)).toBeCloseTo(1400.02, 9);
  });

  it('plays at a rate: forwards by the video, backwards a step each frame', () => {
    const { player, video, frames } = readyAt7000();
    player.setRate(4);
    expect(video.playbackRate).toBe(4);
    expect(video.paused).toBe(false);
    player.setRate(-2);
    expect(video.paused).toBe(true);
    const start = performance.now();
    frames.run(start + 100);
    // −2× over 0.1 s.
    expect(video.seeks).toHaveLength(1);
    expect(video.seeks[0]).toBeCloseTo(1399.8, 9);
    // A frame while the seek is under way does nothing; a long pause counts 0.25 s at most.
    frames.run(start + 150);
    expect(video.seeks).toHaveLength(1);
    video.landSeek();
    frames.run(start + 1150);
    expect(video.seeks).toHaveLength(2);
    expect(video.seeks[1]).toBeCloseTo(1399.3, 9);
    player.setRate(0);
    expect(frames.pending.size).toBe(0);
  });

  it('plays on into the next hour at the end of one', () => {
    const { player, video, made } = readyAt7000();
    player.setRate(1);
    video.showing(3600);
    video.dispatchEvent(new Event('ended'));
    vi.advanceTimersByTime(WINDOW_SWITCH_DELAY_MS);
    expect(made).toHaveLength(2);
    expect(made[1]!.source).toBe(`/live/cam1/abr-${T0 - 6000}-3600.m3u8?token=tok`);
  });

  it('stays at the end of an hour when paused there', () => {
    const { player, video, made } = readyAt7000();
    video.dispatchEvent(new Event('ended'));
    vi.advanceTimersByTime(1000);
    expect(made).toHaveLength(1);
    expect(player.view.status).toBe('ready');
  });

  it('shows what the server said when nothing is recorded there, and does not ask again', () => {
    const { player, made } = setup();
    player.seek(T0 - 7000);
    made[0]!.fatal(Hls.ErrorTypes.NETWORK_ERROR, Hls.ErrorDetails.MANIFEST_LOAD_ERROR, {
      code: 404,
      text: JSON.stringify({ error: 'Not Found', detail: 'live/cam1 has no recording between 10:00 and 11:00' }),
    });
    expect(player.view).toMatchObject({ status: 'no-recording', message: 'live/cam1 has no recording between 10:00 and 11:00', live: false });
    vi.advanceTimersByTime(10 * RETRY_DELAY_MS);
    expect(made).toHaveLength(1);
  });

  it('tries the same window again when the archive cannot be reached, but not without a play token', () => {
    const { player, made } = setup();
    player.seek(T0 - 7000);
    made[0]!.fatal(Hls.ErrorTypes.NETWORK_ERROR, Hls.ErrorDetails.MANIFEST_LOAD_ERROR, { code: 0 });
    expect(player.view).toMatchObject({ status: 'error', message: 'Cannot reach the archive; trying again…' });
    vi.advanceTimersByTime(RETRY_DELAY_MS - 1);
    expect(made).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(made).toHaveLength(2);
    expect(made[1]!.source).toBe(made[0]!.source);
    expect(player.view.status).toBe('loading');

    made[1]!.fatal(Hls.ErrorTypes.NETWORK_ERROR, Hls.ErrorDetails.MANIFEST_LOAD_ERROR, { code: 403 });
    expect(player.view).toMatchObject({ status: 'error', message: 'Play token needed' });
    vi.advanceTimersByTime(10 * RETRY_DELAY_MS);
    expect(made).toHaveLength(2);
  });

  it('recovers media errors in place, and ignores errors hls.js gets over by itself', () => {
    const { player, made } = readyAt7000();
    made[0]!.fatal(Hls.ErrorTypes.MEDIA_ERROR, Hls.ErrorDetails.BUFFER_STALLED_ERROR);
    expect(made[0]!.recovered).toBe(1);
    made[0]!.emit(Hls.Events.ERROR, { fatal: false, type: Hls.ErrorTypes.NETWORK_ERROR, details: Hls.ErrorDetails.FRAG_LOAD_ERROR });
    expect(player.view.status).toBe('ready');
  });

  it('lets go of the video and hls.js when destroyed', () => {
    const { player, video, made } = readyAt7000();
    player.setRate(1);
    player.destroy();
    expect(made[0]!.destroyed).toBe(true);
    video.dispatchEvent(new Event('ended'));
    vi.advanceTimersByTime(1000);
    expect(made).toHaveLength(1);
  });
});
