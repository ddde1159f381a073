import type { Logger } from 'pino';
import type { SettingsReactor } from '../config/settings-applier.js';
import type { Retention } from './retention.js';

/**
 * When retention runs: once at start-up, then every few seconds, which is also the
 * free-space guard (a fast stream fills at most that much disk before recording stops),
 * and at once when a retention setting changes.
 */
export class RetentionSchedule {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly retention: Retention,
    private readonly log: Logger,
    private readonly everyMs = 5000,
  ) {}

  async start(): Promise<void> {
    await this.retention.run().catch((err: unknown) => this.log.error({ err }, `dvr retention failed at start-up; it runs again in ${this.everyMs / 1000} s`));
    this.timer = setInterval(() => this.runNow(), this.everyMs);
    this.timer.unref();
  }

  settingsReactor(): SettingsReactor {
    return { keys: ['dvrDepth', 'dvrMaxSize', 'dvrMinFreeMB'], apply: async () => this.runNow() };
  }

  /** Stops the timer and waits for a pass under way: it reports to the log and the database, which must outlive it. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.retention.settled();
  }

  private runNow(): void {
    this.retention.run().catch((err: unknown) => this.log.error({ err }, 'dvr retention failed'));
  }
}
