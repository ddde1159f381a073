import fs from 'node:fs/promises';
import type { Logger } from 'pino';
import type { StreamConfig } from '../../contract/studio-api.js';
import type { StudioEvents } from '../../events/studio-events.js';
import { TsDemuxer } from '../../formats/mpegts/index.js';
import type { StreamHub, SourceSession } from '../../streams/stream-hub.js';
import type { ProcessRegistry, RunningProcess } from '../../transcode/index.js';
import { ffmpegInputArgs, maskCredentials, resolveSourceUrl, SourceUrlError, type LibraryFileLookup, type ResolvedSource } from './source-url.js';

export interface PullDeps {
  processes: ProcessRegistry;
  events: StudioEvents;
  log: Logger;
  ffmpegPath: () => string | null;
  mediaDir: () => string;
  /** library:// sources: a file the library lists. */
  libraryFile?: LibraryFileLookup;
}

// Reconnect backoff: 1 s doubling to 30 s (reset once a source delivered for a while).
const firstBackoffMs = 1000;
const maxBackoffMs = 30_000;
// A pull that gives no bytes for this long is dead even if ffmpeg has not noticed.
const stallMs = 15_000;
// On a backup source, try the preferred one again after this long.
const returnToPreferredMs = 60_000;
// A source counts as working (backoff reset) after delivering this long.
const healthyAfterMs = 10_000;

interface AttemptResult {
  delivered: boolean;
  /** A file played to its end (not looping): nothing to reconnect to. */
  finished?: boolean;
  ranMs: number;
  reason: string;
}

/**
 * Keeps one configured stream fed from its sources: runs ffmpeg (-c copy to
 * MPEG-TS) on the best source, reconnects forever with backoff, fails over to the
 * next source and returns to the preferred one when it works again. A playlist
 * instead plays its files one after another (and again from the first, looping).
 */
export class PullSupervisor {
  private stopped = false;
  private current: RunningProcess | null = null;
  private readonly done: Promise<void>;
  private wake: (() => void) | null = null;

  constructor(
    private readonly hub: StreamHub,
    private readonly config: StreamConfig,
    private readonly deps: PullDeps,
  ) {
    this.done = this.loop().catch((err: unknown) => deps.log.error({ err, stream: hub.name }, 'pull loop failed'));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.stop();
    this.wake?.();
    await this.done;
  }

  private async loop(): Promise<void> {
    if (this.config.playlist) return this.playlist();
    const sources = [...this.config.sources].sort((a, b) => a.priority - b.priority);
    let index = 0;
    let backoff = firstBackoffMs;
    let previousUrl: string | null = null;
    while (!this.stopped) {
      const url = sources[index]!.url;
      let resolved: ResolvedSource;
      try {
        resolved = resolveSourceUrl(url, this.deps.mediaDir(), this.deps.libraryFile);
      } catch (err) {
        // A URL that can never work: say so and do not hammer it.
        this.hub.setWaiting('failed', err instanceof SourceUrlError ? err.message : String(err));
        if (sources.length === 1) return;
        index = (index + 1) % sources.length;
        await this.sleep(maxBackoffMs);
        continue;
      }
      if (previousUrl !== null && previousUrl !== resolved.display) {
        this.deps.events.publish('source_switched', { name: this.hub.name, from: previousUrl, to: resolved.display });
      }
      previousUrl = resolved.display;
      const onBackup = index > 0;
      const result = await this.attempt(resolved, onBackup ? returnToPreferredMs : null);
      if (this.stopped) return;
      if (result.finished) {
        this.hub.setWaiting('idle', result.reason);
        return;
      }
      if (result.delivered && result.ranMs >= healthyAfterMs) backoff = firstBackoffMs;
      if (onBackup && result.reason === 'returning to the preferred source') {
        index = 0;
        continue;
      }
      const failed = result.reason === 'File not found';
      this.hub.setWaiting(failed ? 'failed' : 'reconnecting', result.reason);
      // Fail over when this source did not work; stay when it worked for a while and dropped.
      if (!result.delivered || result.ranMs < healthyAfterMs) index = (index + 1) % sources.length;
      await this.sleep(backoff);
      backoff = Math.min(backoff * 2, maxBackoffMs);
    }
  }

  /**
   * The files in priority order, each to its end, then the next; with loop the list starts
   * again. One that cannot be played is skipped (the stream says why); a whole round
   * where none played waits before the next, as a failing source does.
   */
  private async playlist(): Promise<void> {
    const sources = [...this.config.sources].sort((a, b) => a.priority - b.priority);
    let backoff = firstBackoffMs;
    while (!this.stopped && sources.length > 0) {
      let played = 0;
      for (const [index, { url }] of sources.entries()) {
        if (this.stopped) return;
        let resolved: ResolvedSource;
        try {
          resolved = resolveSourceUrl(url, this.deps.mediaDir(), this.deps.libraryFile);
        } catch (err) {
          this.hub.setWaiting('failed', err instanceof SourceUrlError ? err.message : String(err));
          continue;
        }
        if (index > 0 || played > 0) this.deps.events.publish('source_switched', { name: this.hub.name, from: sources[(index + sources.length - 1) % sources.length]!.url, to: resolved.display });
        const result = await this.attempt(resolved, null, false);
        if (this.stopped) return;
        if (result.finished) played++;
        else this.hub.setWaiting('failed', result.reason);
      }
      if (!this.config.loop) {
        this.hub.setWaiting('idle', played > 0 ? 'the playlist ended' : 'no file of the playlist could be played');
        return;
      }
      if (played > 0) backoff = firstBackoffMs;
      else {
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, maxBackoffMs);
      }
    }
  }

  private async attempt(source: ResolvedSource, returnAfterMs: number | null, loopFile = this.config.loop): Promise<AttemptResult> {
    const ffmpeg = this.deps.ffmpegPath();
    if (!ffmpeg) return { delivered: false, ranMs: 0, reason: 'ffmpeg not found: set FFMPEG_PATH or the ffmpeg path in Settings' };
    if (source.kind === 'file' && !(await fs.stat(source.input).then((s) => s.isFile(), () => false))) {
      return { delivered: false, ranMs: 0, reason: 'File not found' };
    }
    this.hub.setWaiting('reconnecting', `connecting to ${source.display}`);
    const started = Date.now();
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      ...ffmpegInputArgs(source, loopFile),
      '-map', '0:v:0?', '-map', '0:a:0?',
      '-c', 'copy',
      '-f', 'mpegts', 'pipe:1',
    ];
    const child = this.deps.processes.start(ffmpeg, args, { label: `pull ${this.hub.name}`, keepBytes: 8192 });
    this.current = child;
    // stop() may have come while this attempt was getting ready.
    if (this.stopped) child.stop();
    let session: SourceSession | null = null;
    let lastData = Date.now();
    let reason: string | null = null;
    const endWith = (why: string) => {
      reason ??= why;
      child.stop();
    };
    const demuxer = new TsDemuxer({
      onTracks: (tracks) => {
        session ??= this.hub.beginSession(
          { protocol: source.kind === 'file' ? 'file' : 'pull', remoteAddress: null, sourceUrl: source.display, kick: (why) => endWith(why) },
          'pulling',
        );
        session.setTracks(tracks);
      },
      onFrame: (frame) => session?.pushFrame(frame),
      onError: (kind, detail) => {
        if (kind === 'continuity') session?.countError('continuity');
        else this.deps.log.debug({ stream: this.hub.name, kind }, `pull demux: ${detail}`);
      },
    });
    child.stdout.on('data', (chunk: Buffer) => {
      lastData = Date.now();
      demuxer.push(chunk, lastData);
    });
    const watchdog = setInterval(() => {
      const now = Date.now();
      if (now - lastData > stallMs) endWith(`no data from ${source.display} for ${stallMs / 1000} s`);
      else if (returnAfterMs !== null && now - started > returnAfterMs && session) endWith('returning to the preferred source');
    }, 1000);
    const exit = await child.exited;
    clearInterval(watchdog);
    demuxer.end();
    this.current = null;
    const ffmpegSays = exit.stderr.trim().split('\n').filter(Boolean).at(-1);
    const finished = source.kind === 'file' && !loopFile && exit.code === 0 && reason === null;
    const why = this.stopped
      ? 'the stream was stopped'
      : finished
        ? 'the file ended'
        : maskCredentials(reason ?? (ffmpegSays ? `${source.display}: ${ffmpegSays}` : `${source.display} ended`));
    const ended = session as SourceSession | null;
    ended?.end(why, !this.stopped && !finished && reason !== 'returning to the preferred source');
    return { delivered: ended !== null, finished, ranMs: Date.now() - started, reason: why };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
