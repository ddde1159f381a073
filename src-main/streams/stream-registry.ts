import type { Logger } from 'pino';
import type { AuthHook, AuthQuestion } from '../events/auth-hook.js';
import type { IngestProtocol, StreamConfig, StreamConfigCreate, StreamConfigPatch, StreamInfo } from '../contract/studio-api.js';
import type { StudioEvents } from '../events/studio-events.js';
import { sameSecret } from '../net/same-secret.js';
import { StreamHub, type SourceSession } from './stream-hub.js';
import { describeStream } from './stream-info.js';
import { streamNameCaseConflict, streamNameProblem } from '../contract/stream-name.js';
import type { StreamStore } from './stream-store.js';
import { maskCredentials } from '../contract/mask-credentials.js';
import { isThisMachine } from '../net/this-machine.js';

export interface PublishRequest {
  name: string;
  protocol: IngestProtocol;
  remoteAddress: string | null;
  password: string | null;
  /** Called when the studio ends this publisher (takeover, stream deleted, shutdown). */
  kick(reason: string): void;
}

const publishQuestion = (r: Omit<PublishRequest, 'kick'>): AuthQuestion => ({ action: 'publish', stream: r.name, protocol: r.protocol, ip: r.remoteAddress, key: r.password });

export type PublishAnswer = { ok: true; session: SourceSession } | { ok: false; reason: string };

/** Keeps a configured stream fed from its source URLs (RTSP/RTMP/SRT/HLS/UDP pull, files played as live). */
export interface SourceRunner {
  start(hub: StreamHub, config: StreamConfig): { stop(): Promise<void> };
}

/**
 * The API shows source URLs with credentials masked; a client that sends such a
 * URL back unchanged means "keep it", not "the password is ***".
 */
function keepHiddenCredentials(incoming: StreamConfig['sources'], existing: StreamConfig['sources']): StreamConfig['sources'] {
  return incoming.map((source) => {
    if (!source.url.includes(':***@')) return source;
    const original = existing.find((e) => maskCredentials(e.url) === source.url);
    return original ? { ...source, url: original.url } : source;
  });
}

// A dynamic stream nobody publishes to or watches is forgotten after this long.
const dynamicIdleMs = 5 * 60_000;

/**
 * All streams by name: the configured ones (SQLite) and the dynamic ones that
 * appear when somebody publishes under the publishing prefix. Decides who may
 * publish, starts the pullers of configured sources, and reports changes as events.
 */
export class StreamRegistry {
  private statusTimer: NodeJS.Timeout | null = null;
  private readonly hubs = new Map<string, StreamHub>();
  private readonly idleSince = new Map<string, number>();
  private readonly runners = new Map<string, { stop(): Promise<void> }>();
  private readonly sweep: NodeJS.Timeout;

  constructor(
    private readonly deps: {
      store: StreamStore;
      events: StudioEvents;
      log: Logger;
      publishPrefix: () => string;
      runner: SourceRunner;
      /** Told about every hub as it appears (the archive attaches its recorder). */
      onHub?: (hub: StreamHub) => void;
      /** Told when a hub is let go: an idle dynamic stream forgotten, or a stream deleted. */
      onForget?: (name: string, hub: StreamHub) => void;
      /** Recording state per stream, for the listing. */
      dvrState?: (stream: string) => StreamInfo['dvr'];
      /** Viewer sessions of the stream right now. */
      viewers?: (stream: string) => number;
      /** Archive segment target: keyframes further apart than this earn a warning. */
      segmentTargetSeconds?: () => number;
      /** Who may publish from another host: 'key' (stream password or studio key) or 'open'. */
      lanPublish?: () => { policy: 'key' | 'open'; key: string };
      /** Names with folders in the archive (also streams no longer configured or live). */
      archivedNames?: () => string[];
      /** A stream's configuration was created, changed or removed (null). */
      onConfigChange?: (name: string) => void;
      /** The stream's ABR ladder as it runs, for the listing. */
      renditions?: (stream: string) => StreamInfo['renditions'];
      /** Recording to files, for the listing (undefined when off). */
      files?: (stream: string) => StreamInfo['files'];
      /** Asked about every publisher from outside (RTMP, SRT, HTTP, WHIP) before the studio's own rules. */
      authHook?: AuthHook;
      /** Restream targets' states, for the listing. */
      push?: (stream: string) => StreamInfo['push'];
    },
  ) {
    this.sweep = setInterval(() => this.forgetIdleDynamicStreams(), 15_000);
    this.sweep.unref();
  }

  /** Starts the sources of every configured stream, and the once-a-second 'streams' event the Monitor draws from. */
  start(): void {
    for (const config of this.deps.store.list()) this.startSources(config);
    this.statusTimer = setInterval(() => {
      if (this.deps.events.hasSubscribers) this.deps.events.publish('streams', this.list());
    }, 1000);
    this.statusTimer.unref();
  }

  hub(name: string): StreamHub | undefined {
    return this.hubs.get(name);
  }

  /** Names of the streams that have a hub now (live, or fed from configured sources). */
  hubNames(): string[] {
    return [...this.hubs.keys()];
  }

  list(now = Date.now()): StreamInfo[] {
    const configs = new Map(this.deps.store.list().map((c) => [c.name, c]));
    const names = [...new Set([...configs.keys(), ...this.hubs.keys()])].sort();
    const target = this.deps.segmentTargetSeconds?.();
    return names.map((name) => this.withViewers(describeStream(this.hubs.get(name), name, configs.get(name) ?? null, this.deps.dvrState?.(name), now, target)));
  }

  /** Whether the stream is configured or live, without describing it (every playback request asks). */
  has(name: string): boolean {
    return this.hubs.has(name) || this.deps.store.has(name);
  }

  info(name: string): StreamInfo | null {
    const config = this.deps.store.get(name);
    const hub = this.hubs.get(name);
    if (!config && !hub) return null;
    return this.withViewers(describeStream(hub, name, config, this.deps.dvrState?.(name), Date.now(), this.deps.segmentTargetSeconds?.()));
  }

  async authorize(request: Omit<PublishRequest, 'kick'>): Promise<string | null> {
    const hook = this.deps.authHook;
    if (!hook?.enabled) return null;
    const reason = await hook.check(publishQuestion(request));
    if (reason !== null) this.reportRefused(request, reason);
    return reason;
  }

  authorizedNow(request: Omit<PublishRequest, 'kick'>): string | null | undefined {
    const hook = this.deps.authHook;
    return hook?.enabled ? hook.cached(publishQuestion(request)) : null;
  }

  requestPublish(request: PublishRequest): PublishAnswer {
    const reason = this.publishRefusal(request);
    if (reason) {
      this.reportRefused(request, reason);
      return { ok: false, reason };
    }
    const hub = this.hubFor(request.name);
    if (hub.source) hub.source.kick(`taken over by a new publisher from ${request.remoteAddress ?? 'unknown'}`);
    const session = hub.beginSession({ protocol: request.protocol, remoteAddress: request.remoteAddress, sourceUrl: null, kick: request.kick }, 'publishing');
    return { ok: true, session };
  }

  /** A would-be publisher was turned away (refused, or it broke the protocol before publishing). */
  reportRefused(who: Pick<PublishRequest, 'name' | 'protocol' | 'remoteAddress'>, reason: string): void {
    this.deps.log.warn({ stream: who.name, protocol: who.protocol, remote: who.remoteAddress }, `publish refused: ${reason}`);
    this.deps.events.publish('publish_refused', { name: who.name, protocol: who.protocol, remoteAddress: who.remoteAddress, reason });
  }

  /** The new stream; 'exists' when the name is configured; a conflict when it differs only by case from another. */
  create(input: StreamConfigCreate): StreamConfig | 'exists' | { conflict: string } {
    const conflict = this.caseConflict(input.name);
    if (conflict) return { conflict };
    const config = this.deps.store.create(input);
    if (!config) return 'exists';
    this.startSources(config);
    this.deps.onConfigChange?.(config.name);
    return config;
  }

  async update(name: string, patch: StreamConfigPatch): Promise<StreamConfig | null> {
    const current = this.deps.store.get(name);
    if (current && patch.sources) patch = { ...patch, sources: keepHiddenCredentials(patch.sources, current.sources) };
    const config = this.deps.store.update(name, patch);
    if (!config) return null;
    if ('sources' in patch || 'loop' in patch || 'playlist' in patch) {
      await this.stopSources(name);
      this.startSources(config);
    }
    this.deps.onConfigChange?.(name);
    return config;
  }

  /**
   * Removes a configured stream. Its play token lives in its configuration, so a protected
   * stream with recordings is refused: removing it would open those recordings to anyone.
   */
  async remove(name: string): Promise<'removed' | 'unknown' | { conflict: string }> {
    const config = this.deps.store.get(name);
    if (!config) return 'unknown';
    if (config.playToken !== null && (this.deps.archivedNames?.() ?? []).includes(name)) {
      return { conflict: `${name} has recordings that only its play token opens; removing the stream would make them public. Clear its play token first if that is what you want, or keep the stream (switch publishing off instead).` };
    }
    if (!this.deps.store.remove(name)) return 'unknown';
    await this.stopSources(name);
    const hub = this.hubs.get(name);
    hub?.source?.kick('the stream was deleted');
    hub?.close('the stream was deleted');
    this.hubs.delete(name);
    if (hub) this.deps.onForget?.(name, hub);
    this.deps.onConfigChange?.(name);
    return 'removed';
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
    if (this.statusTimer) clearInterval(this.statusTimer);
    await Promise.all([...this.runners.keys()].map((name) => this.stopSources(name)));
    for (const hub of this.hubs.values()) {
      hub.source?.kick('the studio is stopping');
      hub.close('the studio is stopping');
    }
    this.hubs.clear();
  }

  private publishRefusal(request: PublishRequest): string | null {
    const nameProblem = streamNameProblem(request.name) ?? this.caseConflict(request.name);
    if (nameProblem) return nameProblem;
    const config = this.deps.store.get(request.name);
    const secretProblem = this.secretRefusal(request, config?.publishPassword ?? null);
    if (secretProblem) return secretProblem;
    if (config) {
      if (!config.publishEnabled) return `publishing to ${request.name} is switched off`;
      if (config.sources.length > 0) return `${request.name} is pulled from its configured sources; it takes no publishers`;
    } else {
      const prefix = this.deps.publishPrefix();
      if (!request.name.startsWith(prefix)) return `${request.name} is not a configured stream and not under ${prefix}`;
    }
    const source = this.hubs.get(request.name)?.source;
    if (source && !config?.takeover) {
      return `${request.name} is already being published from ${source.remoteAddress ?? 'another source'} (${source.protocol})`;
    }
    return null;
  }

  /**
   * A stream's own password binds every publisher, this machine's too. Beyond that, a
   * publisher on another host needs the studio publish key unless the LAN is open.
   * Either secret is accepted wherever one is asked for.
   */
  private secretRefusal(request: PublishRequest, streamPassword: string | null): string | null {
    const lan = this.deps.lanPublish?.() ?? { policy: 'open', key: '' };
    const given = request.password;
    const matchesKey = given !== null && lan.key !== '' && sameSecret(given, lan.key);
    if (streamPassword !== null) {
      if (given === null) return `${request.name} needs a password (add ?password=... to the stream key)`;
      if (!sameSecret(given, streamPassword) && !matchesKey) return `wrong password for ${request.name}`;
      return null;
    }
    if (lan.policy === 'open' || isThisMachine(request.remoteAddress)) return null;
    if (given === null) return `publishing from another host needs the studio publish key (add ?key=... to the stream key; it is in Settings → Publishing from other hosts)`;
    if (!matchesKey) return `wrong publish key for ${request.name}`;
    return null;
  }

  /** Checked against every name that has a folder or may get one: configured, live and archived. */
  private caseConflict(name: string): string | null {
    const names = new Set([...this.deps.store.names(), ...this.hubs.keys(), ...(this.deps.archivedNames?.() ?? [])]);
    return streamNameCaseConflict(name, names);
  }

  private hubFor(name: string): StreamHub {
    let hub = this.hubs.get(name);
    if (!hub) {
      hub = new StreamHub(name, this.deps.log.child({ stream: name }), (h, change) => this.onSessionChange(h, change));
      this.hubs.set(name, hub);
      this.deps.onHub?.(hub);
    }
    this.idleSince.delete(name);
    return hub;
  }

  private onSessionChange(hub: StreamHub, change: Parameters<ConstructorParameters<typeof StreamHub>[2]>[1]): void {
    const { events, log } = this.deps;
    if (change.started) {
      log.info({ stream: hub.name, protocol: change.started.protocol, remote: change.started.remoteAddress }, `${hub.name}: source started`);
      events.publish('stream_started', { name: hub.name, protocol: change.started.protocol, remoteAddress: change.started.remoteAddress });
      this.idleSince.delete(hub.name);
    }
    if (change.ended) {
      const { reason, lost, source } = change.ended;
      log.info({ stream: hub.name }, `${hub.name}: source ended (${reason})`);
      if (lost) events.publish('source_lost', { name: hub.name, url: source.sourceUrl, reason });
      events.publish('stream_stopped', { name: hub.name, reason });
      this.idleSince.set(hub.name, Date.now());
    }
  }

  private startSources(config: StreamConfig): void {
    if (config.sources.length === 0 || this.runners.has(config.name)) return;
    this.runners.set(config.name, this.deps.runner.start(this.hubFor(config.name), config));
  }

  private async stopSources(name: string): Promise<void> {
    const runner = this.runners.get(name);
    this.runners.delete(name);
    await runner?.stop();
  }

  private withViewers(info: StreamInfo): StreamInfo {
    info.viewers = this.deps.viewers?.(info.name) ?? 0;
    const renditions = this.deps.renditions?.(info.name);
    if (renditions) info.renditions = renditions;
    const files = this.deps.files?.(info.name);
    if (files) info.files = files;
    const push = this.deps.push?.(info.name);
    if (push) info.push = push;
    return info;
  }

  private forgetIdleDynamicStreams(now = Date.now()): void {
    for (const [name, since] of this.idleSince) {
      const hub = this.hubs.get(name);
      if (!hub || hub.source || hub.activeSinkCount > 0 || now - since < dynamicIdleMs || this.deps.store.get(name)) continue;
      this.hubs.delete(name);
      this.idleSince.delete(name);
      this.deps.onForget?.(name, hub);
      hub.close('forgotten after being idle');
    }
  }
}
