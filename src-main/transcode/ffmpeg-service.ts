import fs from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { EncoderStatus, FfmpegStatus } from '../contract/studio-api.js';
import type { SettingsReactor } from '../config/settings-applier.js';
import type { StudioDatabase } from '../db/index.js';
import { ffmpegCandidates, locateFfmpeg, type LocateResult } from './ffmpeg-locator.js';
import { probeEncoders } from './encoder-probe.js';
import type { ProcessRegistry } from './process-registry.js';

interface FfmpegServiceEvents {
  status: [FfmpegStatus];
}

export interface FfmpegServiceDeps {
  db: StudioDatabase;
  processes: ProcessRegistry;
  log: Logger;
  env: NodeJS.ProcessEnv;
  resourcesDir: string | null;
  ffmpegPathSetting: () => string;
}

interface ProbeCacheRow {
  result_json: string;
  probed_at: number;
}

/**
 * Knows which ffmpeg the studio uses and which encoders really work with it.
 * Test encodes take seconds, so results are kept in SQLite per ffmpeg binary and
 * only redone on request or when the binary changes.
 */
export class FfmpegService extends EventEmitter<FfmpegServiceEvents> {
  private located: LocateResult | null = null;
  private encoders: EncoderStatus[] = [];
  private probedAt: number | null = null;
  private pending: Promise<FfmpegStatus> | null = null;
  private closed = false;

  constructor(private readonly deps: FfmpegServiceDeps) {
    super();
  }

  /** The current picture, without waiting for a probe under way. */
  status(): FfmpegStatus {
    const located = this.located;
    if (!located) return { available: false, reason: 'looking for ffmpeg…' };
    if (!located.found) return { available: false, reason: located.reason };
    return {
      available: true,
      path: located.path,
      source: located.source,
      version: located.version,
      ffprobePath: located.ffprobePath,
      encoders: this.encoders,
      probedAt: this.probedAt === null ? null : new Date(this.probedAt).toISOString(),
      probing: this.pending !== null,
      skipped: located.skipped,
    };
  }

  /** A new ffmpeg path: look again (in the background; the status event tells the outcome). */
  settingsReactor(): SettingsReactor {
    return {
      keys: ['ffmpegPath'],
      apply: async () => void this.refresh().catch((err: unknown) => this.deps.log.error({ err }, 'ffmpeg detection failed')),
    };
  }

  /** Waits for any probe under way, starting one if ffmpeg was never looked for. */
  async current(): Promise<FfmpegStatus> {
    if (this.pending) return this.pending;
    if (!this.located) return this.refresh();
    return this.status();
  }

  /** The encoders as the probe under way (or the last one) found them; none without ffmpeg. */
  async probedEncoders(): Promise<readonly EncoderStatus[]> {
    const status = await this.current();
    return status.available ? status.encoders : [];
  }

  /** Stops answering: waits for a probe under way (its processes are killed by the registry) and never touches the database again. */
  async close(): Promise<void> {
    this.closed = true;
    await this.pending?.catch(() => undefined);
  }

  /**
   * Looks for ffmpeg again and tests the encoders (from the cache unless forced).
   * Announces the start (probing: true) and the result, and answers with the state
   * after the probe, never a stale "probing".
   */
  refresh(options: { force?: boolean } = {}): Promise<FfmpegStatus> {
    if (this.closed) return Promise.resolve(this.status());
    const previous = this.pending ?? Promise.resolve();
    const settle = () => {
      if (this.pending === tracked) this.pending = null;
      const status = this.status();
      this.emit('status', status);
      return status;
    };
    const tracked: Promise<FfmpegStatus> = previous
      .catch(() => undefined)
      .then(() => this.locateAndProbe(options.force ?? false))
      .then(settle, (err: unknown) => {
        settle();
        throw err;
      });
    this.pending = tracked;
    this.emit('status', this.status());
    return tracked;
  }

  /** Until it finishes, the previous answer stays visible (with probing: true). */
  private async locateAndProbe(force: boolean): Promise<void> {
    const { processes, env, log } = this.deps;
    const candidates = await ffmpegCandidates({ setting: this.deps.ffmpegPathSetting(), env, resourcesDir: this.deps.resourcesDir });
    const located = await locateFfmpeg(candidates, processes, env);
    if (!located.found) {
      log.warn(located.reason);
      [this.located, this.encoders, this.probedAt] = [located, [], null];
      return;
    }
    for (const skipped of located.skipped) log.warn(`ffmpeg candidate ${skipped.path} skipped: ${skipped.reason}`);
    const key = await this.cacheKey(located.path, located.version);
    if (this.closed) return;
    const cached = force ? undefined : this.readCache(key);
    let encoders: EncoderStatus[];
    let probedAt: number;
    if (cached) {
      encoders = JSON.parse(cached.result_json) as EncoderStatus[];
      probedAt = cached.probed_at;
    } else {
      encoders = await probeEncoders(located.path, processes);
      if (this.closed) return;
      probedAt = Date.now();
      this.deps.db
        .prepare('INSERT OR REPLACE INTO ffmpeg_probe (cache_key, result_json, probed_at) VALUES (?, ?, ?)')
        .run(key, JSON.stringify(encoders), probedAt);
    }
    [this.located, this.encoders, this.probedAt] = [located, encoders, probedAt];
    const working = encoders.filter((e) => e.works).map((e) => e.name);
    log.info(`ffmpeg ${located.version} at ${located.path} (${located.source}); working encoders: ${working.join(', ') || 'none'}`);
  }

  private readCache(key: string): ProbeCacheRow | undefined {
    return this.deps.db.prepare('SELECT result_json, probed_at FROM ffmpeg_probe WHERE cache_key = ?').get(key) as ProbeCacheRow | undefined;
  }

  private async cacheKey(file: string, version: string): Promise<string> {
    const stat = await fs.stat(file);
    return JSON.stringify([await fs.realpath(file), stat.size, Math.round(stat.mtimeMs), version]);
  }
}
