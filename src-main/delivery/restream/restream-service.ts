// Restream: keeps a PushRunner for every enabled target of every configured stream, on
// the hub of the source (or of the rendition the target asks for) while it exists.
// Targets are independent: one failing never touches another or the source.
import type { Logger } from 'pino';
import { maskPushUrl, type PushStatus } from '../../contract/restream-api.js';
import type { StreamConfig } from '../../contract/studio-api.js';
import type { StudioEvents } from '../../events/studio-events.js';
import type { StreamHub } from '../../streams/stream-hub.js';
import type { ProcessRegistry } from '../../transcode/process-registry.js';
import { PushRunner } from './push-runner.js';

export interface RestreamDeps {
  config: (name: string) => StreamConfig | null | undefined;
  /** The source's hub, or a rendition's (NAME/720p) when asked. */
  hub: (name: string, rendition: string | null) => StreamHub | undefined;
  processes: ProcessRegistry;
  ffmpegPath: () => string | null;
  ffmpegKnown?: () => Promise<unknown>;
  events: Pick<StudioEvents, 'publish'>;
  log: Logger;
}

interface Running {
  runner: PushRunner;
  /** What it was started with: a change of URL or rendition starts it again. */
  key: string;
  hub: StreamHub | null;
  rendition: string | null;
}

export class RestreamService {
  /** stream → target id → runner */
  private readonly running = new Map<string, Map<string, Running>>();
  private closed = false;
  /** A ladder makes and drops its renditions' hubs without telling anyone: targets that send a rendition look again now and then. */
  private readonly renditionWatch = setInterval(() => {
    for (const [stream, mine] of this.running) if ([...mine.values()].some((r) => r.rendition)) this.sync(stream);
  }, 2000);

  constructor(private readonly d: RestreamDeps) {
    this.renditionWatch.unref();
  }

  /** Makes the runners match the stream's configuration and hubs (a config change, a hub made or let go). */
  sync(stream: string): void {
    if (this.closed) return;
    const targets = (this.d.config(stream)?.push ?? []).filter((t) => t.enabled !== false && t.id);
    const mine = this.running.get(stream) ?? new Map<string, Running>();
    for (const [id, r] of mine) {
      const target = targets.find((t) => t.id === id);
      if (!target || keyOf(target) !== r.key) {
        void r.runner.stop();
        mine.delete(id);
      }
    }
    for (const target of targets) {
      const id = target.id!;
      let r = mine.get(id);
      if (!r) {
        const runner = new PushRunner({
          stream,
          target: { ...target, id },
          processes: this.d.processes,
          ffmpegPath: this.d.ffmpegPath,
          ...(this.d.ffmpegKnown ? { ffmpegKnown: this.d.ffmpegKnown } : {}),
          log: this.d.log,
          onChange: (status) => this.d.events.publish('restream_changed', { stream, target: status }),
          onDetached: () => {
            const current = this.running.get(stream)?.get(id);
            if (!current) return;
            current.hub = null;
            // After the hub's own bookkeeping: attach again to the hub there is now, if any.
            setImmediate(() => this.sync(stream));
          },
        });
        r = { runner, key: keyOf(target), hub: null, rendition: target.rendition ?? null };
        mine.set(id, r);
      }
      const hub = this.d.hub(stream, target.rendition ?? null) ?? null;
      if (hub !== r.hub) {
        r.runner.attachment?.detach();
        r.runner.onSourceEnd();
        r.hub = hub;
        r.runner.attachment = hub ? hub.attach(r.runner) : null;
      }
    }
    if (mine.size > 0) this.running.set(stream, mine);
    else this.running.delete(stream);
  }

  /** Every stream with targets (or runners left from a removed configuration). */
  syncAll(names: readonly string[]): void {
    for (const name of new Set([...names, ...this.running.keys()])) this.sync(name);
  }

  statuses(stream: string): PushStatus[] | undefined {
    const mine = this.running.get(stream);
    const config = this.d.config(stream);
    if (!config || config.push.length === 0) return undefined;
    return config.push.map((t) => {
      const r = t.id ? mine?.get(t.id) : undefined;
      if (r) return r.runner.status();
      return { id: t.id ?? '', label: t.label ?? '', url: maskPushUrl(t.url), rendition: t.rendition ?? null, state: 'disabled', bitrate: 0, uptimeSeconds: 0, reconnects: 0, lastError: null, retryAt: null };
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.renditionWatch);
    const all = [...this.running.values()].flatMap((m) => [...m.values()]);
    this.running.clear();
    await Promise.all(all.map((r) => r.runner.stop()));
  }
}

const keyOf = (t: StreamConfig['push'][number]) => `${t.url}\n${t.rendition ?? ''}`;
