import type { Logger } from 'pino';
import type { Settings, SettingKey, SettingsPatch, SettingsView } from '../contract/studio-api.js';
import type { ConfigService } from './config-service.js';
import { Problem } from '../contract/problem.js';
import { ListenError } from '../net/listen.js';

/** A part of the studio that must act when some settings change (rebind a port, re-find ffmpeg). */
export interface SettingsReactor {
  keys: readonly SettingKey[];
  /** Returns the listener it restarted, if any. Throwing takes the change back. */
  apply(settings: Settings, previous: Settings): Promise<{ listener: string; url: string } | void>;
}

/**
 * Applies a settings change: save, then let each affected part react. A listener
 * that cannot move (port taken) takes the whole change back and answers 409, so
 * the studio is never left half-configured.
 */
export class SettingsApplier {
  constructor(
    private readonly config: ConfigService,
    private readonly reactors: readonly SettingsReactor[],
    private readonly log: Logger,
  ) {}

  view(restarted: SettingsView['restarted'] = []): SettingsView {
    return { settings: this.config.settings, sources: this.config.sources(), pinned: this.config.pinned(), restarted };
  }

  async apply(patch: SettingsPatch): Promise<SettingsView> {
    const previous = this.config.settings;
    const { changed, settings } = await this.config.update(patch);
    const restarted: SettingsView['restarted'] = [];
    const applied: SettingsReactor[] = [];
    for (const reactor of this.reactors) {
      if (!reactor.keys.some((k) => changed.includes(k))) continue;
      try {
        const result = await reactor.apply(settings, previous);
        applied.push(reactor);
        if (result) restarted.push(result);
      } catch (err) {
        await this.config.revert(previous, changed);
        for (const done of applied.reverse()) await done.apply(previous, settings).catch(() => undefined);
        if (err instanceof ListenError) throw new Problem('conflict', 'Listener not moved', `${err.message}; nothing was changed`);
        throw err;
      }
    }
    if (changed.length > 0) this.log.info({ changed }, 'settings changed');
    return this.view(restarted);
  }
}
