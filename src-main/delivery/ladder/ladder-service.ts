// Keeps one live ladder per stream whose configuration asks for one, on the stream's
// hub: a ladder starts when the hub appears (or the configuration gains a ladder), is
// rebuilt when the ladder changes, and stops when the stream goes.
import type { SettingsReactor } from '../../config/settings-applier.js';
import type { EncoderStatus, StreamConfig, StreamInfo } from '../../contract/studio-api.js';
import { checkTranscodeConfig } from '../../transcode/index.js';
import { parseLadderSetting, type TranscodeConfig } from '../../contract/transcode-api.js';
import type { StreamHub } from '../../streams/stream-hub.js';
import { LiveLadder, type LiveLadderDeps } from './live-ladder.js';

export interface LadderServiceDeps extends LiveLadderDeps {
  hub: (name: string) => StreamHub | undefined;
  config: (name: string) => StreamConfig | null;
  /** Every stream with a hub now (to apply a studio-wide change to). */
  names: () => string[];
  /** The studio-wide ladder for streams without their own, and the encoder for ladders that say "auto". */
  defaults: () => { ladder: string; encoder: string };
  /** The encoders once a probe under way has answered: a studio-wide pin is checked against them. */
  probedEncoders: () => Promise<readonly EncoderStatus[]>;
}

interface Entry {
  ladder: LiveLadder;
  hub: StreamHub;
  configJson: string;
}

export class LadderService {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly deps: LadderServiceDeps) {}

  /**
   * The ladder a stream runs: its own (an empty one opts out of the studio's), else the
   * studio default; "auto" takes the studio-wide encoder pin.
   */
  effective(name: string): TranscodeConfig | null {
    const defaults = this.deps.defaults();
    const own = this.deps.config(name)?.transcode ?? null;
    const ladder = own ?? (defaults.ladder ? { renditions: parseLadderSetting(defaults.ladder), encoder: 'auto' } : null);
    if (!ladder || ladder.renditions.length === 0) return null;
    return ladder.encoder === 'auto' && defaults.encoder !== 'auto' ? { ...ladder, encoder: defaults.encoder } : ladder;
  }

  /**
   * A studio-wide ladder or encoder change applies to every stream at once. A pin this
   * ffmpeg does not have is refused as a stream's own would be (the change is taken back).
   */
  settingsReactor(): SettingsReactor {
    return {
      keys: ['transcodeLadder', 'transcodeEncoder'],
      apply: async (settings) => {
        checkTranscodeConfig({ renditions: parseLadderSetting(settings.transcodeLadder), encoder: settings.transcodeEncoder }, await this.deps.probedEncoders());
        for (const name of new Set([...this.deps.names(), ...this.entries.keys()])) this.sync(name);
      },
    };
  }

  /** Makes the stream's ladder match its hub and configuration now. */
  sync(name: string): void {
    const wanted = this.effective(name);
    const json = wanted ? JSON.stringify(wanted) : null;
    const hub = this.deps.hub(name);
    const current = this.entries.get(name);
    if (current && current.configJson === json && current.hub === hub) return;
    if (current) {
      this.entries.delete(name);
      void current.ladder.close();
    }
    if (wanted && json && hub) this.entries.set(name, { ladder: new LiveLadder(hub, wanted, this.deps), hub, configJson: json });
  }

  /**
   * After an encoder probe: ladders that could not start (ffmpeg missing, a pinned encoder
   * not yet known) are built again against the new answer. Running ones are left alone.
   */
  retryProblems(): void {
    for (const [name, entry] of [...this.entries]) {
      if (entry.ladder.problem === null) continue;
      this.entries.delete(name);
      void entry.ladder.close();
      this.sync(name);
    }
  }

  /** What the API shows of the stream's ladder; undefined without one. */
  renditions(name: string): StreamInfo['renditions'] {
    const entry = this.entries.get(name);
    return entry ? { problem: entry.ladder.problem, list: entry.ladder.status() } : undefined;
  }

  /** The hub of rendition `rendition` (e.g. 720p) of stream `name`. */
  rendition(name: string, rendition: string): StreamHub | undefined {
    return this.entries.get(name)?.ladder.hub(rendition);
  }

  /** The stream's variants for a multivariant playlist; null when it has no ladder. */
  variants(name: string): ReturnType<LiveLadder['variants']> | null {
    return this.entries.get(name)?.ladder.variants() ?? null;
  }

  async close(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.ladder.close()));
  }
}
