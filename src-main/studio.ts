import crypto from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { PortMove, Settings } from './contract/studio-api.js';
import { buildServer } from './api/server.js';
import { ConnectionBudget, HttpListener, httpLimitsFrom } from './api/http-listener.js';
import { createAccessControl } from './api/auth/access-control.js';
import { loadAdminToken } from './api/auth/admin-token.js';
import { SessionStore } from './api/auth/session-store.js';
import { allowedHostnames, HostGuard } from './api/auth/host-guard.js';
import { SettingsApplier, type SettingsReactor } from './config/settings-applier.js';
import { ConfigService } from './config/config-service.js';
import { ensureWritableDataDir } from './config/data-dir-check.js';
import { lockDataDir } from './config/data-dir-lock.js';
import { dataSubdir } from './config/data-dir.js';
import { openDatabase, type StudioDatabase } from './db/index.js';
import { StudioEvents } from './events/studio-events.js';
import { createStudioLogger, type StudioLogger } from './log/logger.js';
import { httpsUrl, isWildcard, urlsFor, type StudioUrls } from './net/studio-urls.js';
import { listenMovable, type BoundAddress } from './net/listen.js';
import { ImmutableFileCache } from './http/immutable-file-cache.js';
import { LanAnnouncer, lanDiscoveryFromEnv } from './net/lan-announce.js';
import { loadTlsIdentity } from './net/tls-identity.js';
import { SystemMonitor } from './system/system-status.js';
import { FfmpegService, ProcessRegistry, TranscodeCapacity } from './transcode/index.js';
import { LibraryService } from './vod/library-service.js';
import { LibraryStore } from './vod/library-store.js';
import { SegmentCache } from './vod/segment-cache.js';
import { VodService } from './vod/vod-service.js';
import { LibraryUploads } from './http/library-uploads.js';
import { LadderService } from './delivery/ladder/ladder-service.js';
import { appRoot, studioVersion } from './version.js';
import { StreamStore } from './streams/stream-store.js';
import { StreamRegistry } from './streams/stream-registry.js';
import type { StreamHub } from './streams/stream-hub.js';
import { RtmpServer } from './ingest/rtmp/rtmp-server.js';
import { SrtServer } from './ingest/srt/srt-server.js';
import { IngestMemory, ingestLimitsFrom } from './ingest/ingest-limits.js';
import { WhipServer } from './ingest/webrtc/whip-server.js';
import { parseIceServers } from './net/ice-candidates.js';
import { WhepServer } from './delivery/webrtc/whep-server.js';
import { MixService } from './ingest/mix/mix-service.js';
import { WebhookService } from './events/webhooks.js';
import { AuthHook } from './events/auth-hook.js';
import { SmoothRenditions } from './ingest/fmp4/smooth-renditions.js';
import { RestreamService } from './delivery/restream/restream-service.js';
import { RecordingService } from './recordings/recording-service.js';
import { RecordingStore } from './recordings/recording-store.js';
import { ffmpegSourceRunner, resolveSourceUrl, SourceUrlError } from './ingest/pull/index.js';
import { publishUrlsFor } from './ingest/publish-urls.js';
import { DvrIndex } from './dvr/dvr-index.js';
import { DvrService } from './dvr/dvr-service.js';
import { ArchiveStore } from './dvr/archive-store.js';
import { Retention } from './dvr/retention.js';
import { RetentionSchedule } from './dvr/retention-schedule.js';
import { PreviewService } from './delivery/preview-service.js';
import { LivePackager } from './delivery/live/live-packager.js';
import { PlaybackStats } from './delivery/playback-stats.js';
import { ViewerSessions } from './delivery/viewers/viewer-sessions.js';
import { ViewerThresholds } from './delivery/viewers/viewer-thresholds.js';
import { MediaJobs } from './delivery/media-jobs.js';
import { ThumbService } from './delivery/thumbs/thumb-service.js';
import { ListingBuilds } from './http/listing-builds.js';
import { streamKnownIn } from './api/routes/index.js';
import { checkExportRequest, ExportJobs, type ExportPlanRequest } from './export/export-jobs.js';
import { checkMixRenderRequest, planMixRender } from './export/mix-render.js';
import { h264Encoders } from './transcode/encoder-choice.js';
import { planMp4Export } from './export/mp4-export.js';

export type { StudioUrls } from './net/studio-urls.js';

export interface StudioOptions {
  dataDir: string;
  adminToken: string | null;
  cli: Partial<Settings>;
  env: Partial<Settings>;
  processEnv?: NodeJS.ProcessEnv;
  /** Folder holding the packaged app's extras (a bundled ffmpeg); null outside the desktop app. */
  resourcesDir?: string | null;
  rendererDir?: string;
  logToConsole?: boolean;
  /** Told when a settings change moved the HTTP listener (the desktop shell follows it). */
  onHttpMoved?: (url: string) => void;
}

export interface Studio {
  readonly dataDir: string;
  readonly token: string;
  readonly app: FastifyInstance;
  readonly events: StudioEvents;
  readonly log: StudioLogger['log'];
  start(): Promise<StudioUrls>;
  urls(): StudioUrls;
  /** Listeners whose port was taken at start-up and moved to the next free one. */
  portMoves(): PortMove[];
  stop(): Promise<void>;
}

const portKey = { http: 'httpPort', https: 'httpsPort', rtmp: 'rtmpPort', srt: 'srtPort' } as const;

/** Recent archive segments kept in memory: about two minutes of fifty 6 Mbit/s 2 s segments, or the newest segments of many streams. */
const archiveCacheBytes = 256 << 20;

/** The composition root: builds every part of the studio and wires them together. Nothing else reaches across. */
export async function createStudio(options: StudioOptions): Promise<Studio> {
  const dataDir = options.dataDir;
  await ensureWritableDataDir(dataDir);
  const unlock = await lockDataDir(dataDir);
  let logger: StudioLogger | null = null;
  let db: StudioDatabase | null = null;
  let processes: ProcessRegistry | null = null;
  try {
    const { config, fileRead } = await ConfigService.load(path.join(dataDir, 'config.json'), { env: options.env, cli: options.cli });
    const studioLogger = await createStudioLogger({ logsDir: path.join(dataDir, 'logs'), level: config.get('logLevel'), console: options.logToConsole ?? true });
    logger = studioLogger;
    const log = studioLogger.log;
    for (const { key, reason } of fileRead.ignored) {
      log.warn(`config.json: ignored ${key === '*' ? 'the whole file' : `"${key}"`} (${reason}); the original is kept as ${fileRead.keptAs}`);
    }
    const children = new ProcessRegistry(log.child({ module: 'process' }));
    processes = children;
    const { token } = await loadAdminToken(dataDir, options.adminToken);
    db = openDatabase(path.join(dataDir, 'framehouse.db'));
    const events = new StudioEvents();
    const monitor = new SystemMonitor(studioVersion, dataDir);
    /** Listeners whose port was taken at start-up and moved on (the window and /api/system say so). */
    const portMoves: PortMove[] = [];
    /**
     * A listener that moved at start-up and is rebound for another reason (the LAN switch
     * changes the host) stays on the port it moved to: the one in the settings is still taken.
     */
    const keepMovedPorts = (reactor: SettingsReactor): SettingsReactor => ({
      keys: reactor.keys,
      apply: async (next, previous) => {
        const adjusted = { ...next };
        for (const move of portMoves) {
          const key = portKey[move.listener];
          if (next[key] === previous[key]) adjusted[key] = move.port;
        }
        const result = await reactor.apply(adjusted, previous);
        // A port the user set, once the listener took it, replaces the start-up move (a failed change keeps it).
        for (let i = portMoves.length - 1; i >= 0; i--) {
          const key = portKey[portMoves[i]!.listener];
          if (reactor.keys.includes(key) && next[key] !== previous[key]) portMoves.splice(i, 1);
        }
        return result;
      },
    });
    const ffmpeg = new FfmpegService({
      db,
      processes: children,
      log: log.child({ module: 'ffmpeg' }),
      env: options.processEnv ?? process.env,
      resourcesDir: options.resourcesDir ?? null,
      ffmpegPathSetting: () => config.get('ffmpegPath'),
    });
    ffmpeg.on('status', (status) => events.publish('ffmpeg_status', status));
    const hosts = new HostGuard(() => config.settings);
    const access = createAccessControl(token, new SessionStore(db, token));

    let listener: HttpListener | null = null;
    /** HTTPS beside HTTP (Settings → https): the same app, for browsers on other hosts that need a secure context. */
    let secureListener: HttpListener | null = null;
    // LAN discovery: the watch page ("/", what a browser without a session gets) announced over mDNS while the studio listens on the LAN.
    const lanAnnouncer = new LanAnnouncer({ path: '/', ...lanDiscoveryFromEnv(options.processEnv ?? process.env), log: log.child({ module: 'mdns' }) });
    const announceLan = (host: string) => lanAnnouncer.apply(isWildcard(host), listener?.address?.port ?? 0);
    const applyHttps = async (s: Settings): Promise<{ listener: string; url: string } | void> => {
      if (s.https === 'off') return secureListener!.close(0);
      return { listener: 'https', url: httpsUrl(s.host, await secureListener!.listen(s.host, s.httpsPort)) };
    };
    const mediaDir = () => dataSubdir(dataDir, config.get('mediaDir'), 'media');
    const ffmpegPath = () => {
      const status = ffmpeg.status();
      return status.available ? status.path : null;
    };
    const ffprobePath = () => {
      const status = ffmpeg.status();
      return status.available ? status.ffprobePath : null;
    };
    // library:// sources: the library is made further down; a lookup runs only once the studio serves.
    const libraryFile = (folder: string, relative: string): string | null => library.resolve(folder, relative)?.file ?? null;
    const streamStore = new StreamStore(db);
    const smooth = new SmoothRenditions(log.child({ module: 'smooth' }));
    const authHook = new AuthHook({ url: () => config.get('authHookUrl'), cacheSeconds: () => config.get('authHookCacheSeconds'), log: (line) => log.warn(line) });
    const dvrIndex = new DvrIndex(db);
    const archive = new ArchiveStore({ root: path.join(dataDir, 'dvr'), index: dvrIndex, log: log.child({ module: 'dvr' }) });
    const retention = new Retention({
      archive,
      events,
      log: log.child({ module: 'dvr' }),
      limits: () => ({ depth: config.get('dvrDepth'), maxSize: config.get('dvrMaxSize'), minFreeBytes: config.get('dvrMinFreeMB') * 1024 * 1024 }),
      streamLimits: (name) => {
        const own = streamStore.get(name);
        return { depth: own?.dvrDepth ?? '', maxSize: own?.dvrMaxSize ?? '' };
      },
    });
    const retentionSchedule = new RetentionSchedule(retention, log.child({ module: 'dvr' }));
    const dvr = new DvrService({
      archive,
      events,
      log: log.child({ module: 'dvr' }),
      segmentTargetMs: () => config.get('dvrSegmentSeconds') * 1000,
      configured: (name) => streamStore.get(name)?.dvr ?? true,
      diskOk: () => retention.recordingAllowed,
    });
    // Sessions only for streams that exist: a made-up name allocates nothing.
    const viewers = new ViewerSessions({ streamKnown: (name): boolean => streamKnown(name) });
    // Viewer counts crossing Settings → viewerThresholds, sampled once a second (counts only, not the whole listing).
    const viewerThresholds = new ViewerThresholds({ thresholds: () => config.get('viewerThresholds'), onCross: (crossing) => events.publish('viewers_threshold', crossing) });
    const thresholdSampler = setInterval(() => viewerThresholds.sample(registry.hubNames().map((name) => ({ name, viewers: viewers.count(name) }))), 1000);
    thresholdSampler.unref();
    // Export plans and thumbnail ffmpeg runs at once (mediaJobsMax), with a bounded line behind them.
    const mediaJobs = new MediaJobs({ max: () => config.get('mediaJobsMax'), warn: (line) => log.warn(line) });
    const playbackStats = new PlaybackStats({ stats: () => ({ ...mediaJobs.stats(), processes: children.size }), resetPeaks: () => mediaJobs.resetPeaks() });
    // DVR playlists and recording statuses: built one at a time in small slices of the event loop, kept briefly.
    const listings = new ListingBuilds();
    const playlistMaxHours = () => config.get('playlistMaxHours');
    // ABR ladders: one ffmpeg per stream that asks for one, within what the machine can encode.
    const ladders: LadderService = new LadderService({
      processes: children,
      capacity: new TranscodeCapacity({ cores: os.cpus().length, softwareMppsPerCore: 50, softwareShare: 0.8, hardwareSessions: {} }),
      log: log.child({ module: 'transcode' }),
      ffmpegPath,
      encoders: () => {
        const status = ffmpeg.status();
        return status.available ? status.encoders : [];
      },
      hub: (name): StreamHub | undefined => registry.hub(name),
      config: (name) => streamStore.get(name),
      names: (): string[] => registry.hubNames(),
      recorder: { watch: (hub) => dvr.watch(hub), forget: (name, hub) => dvr.forget(name, hub) },
      defaults: () => ({ ladder: config.get('transcodeLadder'), encoder: config.get('transcodeEncoder') }),
      probedEncoders: () => ffmpeg.probedEncoders(),
    });
    ffmpeg.on('status', (status) => {
      if (!status.available || !status.probing) ladders.retryProblems();
    });
    const registry: StreamRegistry = new StreamRegistry({
      viewers: (name) => viewers.count(name),
      onHub: (hub) => {
        dvr.watch(hub);
        recordings.watch(hub);
        restream.sync(hub.name);
        ladders.sync(hub.name);
      },
      onForget: (name, hub) => {
        dvr.forget(name, hub);
        recordings.forget(name, hub);
        restream.sync(name);
        ladders.sync(name);
      },
      onConfigChange: (name) => {
        ladders.sync(name);
        restream.sync(name);
        recordings.syncAlways(name, streamStore.get(name)?.recordFiles ?? null);
      },
      renditions: (name) => ladders.renditions(name),
      push: (name) => restream.statuses(name),
      authHook,
      files: (name) => {
        if (!recordings.recording(name)) return undefined;
        const s = recordings.status(name);
        return { format: s.format ?? 'mp4', since: s.since ?? '', session: s.session, bytes: s.file?.bytes ?? null, durationSeconds: s.file?.durationSeconds ?? null, error: s.error };
      },
      dvrState: (name) => ({ recording: dvr.recording(name), error: dvr.error(name) }),
      segmentTargetSeconds: () => config.get('dvrSegmentSeconds'),
      store: streamStore,
      events,
      log: log.child({ module: 'streams' }),
      publishPrefix: () => config.get('publishPrefix'),
      archivedNames: () => dvrIndex.archivedStreamNames(),
      lanPublish: () => ({ policy: config.get('lanPublish'), key: config.get('publishKey') }),
      runner: ffmpegSourceRunner({ processes: children, events, log: log.child({ module: 'pull' }), ffmpegPath, mediaDir, libraryFile }),
    });
    // Read per connection, so a settings change applies to the next publisher; one memory pool for all of them.
    const ingestLimits = () => ingestLimitsFrom(config.settings);
    const ingestMemory = new IngestMemory(ingestLimits);
    const rtmp = new RtmpServer({
      gate: registry,
      log: log.child({ module: 'rtmp' }),
      limits: ingestLimits,
      memory: ingestMemory,
      playbackHint: () => (listener?.address ? urlsFor(listener.address, config.get('host'), token, null).http : 'the studio page'),
    });
    const livePackager = new LivePackager({
      hub: (name, rendition) => (rendition ? (ladders.rendition(name, rendition) ?? smooth.rendition(name, rendition)) : registry.hub(name)),
      segmentTargetMs: () => config.get('dvrSegmentSeconds') * 1000,
      partTargetMs: () => config.get('llHlsPartMs'),
      log: log.child({ module: 'hls' }),
    });
    const srt = new SrtServer({ gate: registry, log: log.child({ module: 'srt' }), limits: ingestLimits, memory: ingestMemory });
    // werift needs two different ends; a range set backwards is read the right way round.
    const webrtcPorts = (): [number, number] => {
      const [a, b] = [config.get('webrtcPortMin'), config.get('webrtcPortMax')].sort((x, y) => x - y) as [number, number];
      return [a, Math.max(b, a + 1)];
    };
    const webrtcIce = () => ({
      portRange: webrtcPorts(),
      hosts: isWildcard(config.get('host')) ? null : [config.get('host') === 'localhost' ? '127.0.0.1' : config.get('host')],
      servers: parseIceServers(config.get('webrtcIceServers')),
      connectTimeoutMs: config.get('webrtcConnectSeconds') * 1000,
    });
    const whep = new WhepServer({ hub: (name) => registry.hub(name), processes: children, ffmpegPath, log: log.child({ module: 'whep' }), ice: webrtcIce, relay: (name) => whip.relayOf(name) });
    viewers.addSource(whep.asViewerSource());
    const whip = new WhipServer({
      gate: registry,
      processes: children,
      ffmpegPath,
      ffmpegKnown: () => ffmpeg.current(),
      log: log.child({ module: 'whip' }),
      // Candidates on the address the studio listens on (every interface when it listens on all).
      keyframeSeconds: () => config.get('dvrSegmentSeconds'),
      ice: webrtcIce,
    });
    // The H.264 encoders the mixer tries in turn: the Settings' pin when it writes H.264, else the GPUs that work, then libx264.
    const probedEncoders = () => {
      const status = ffmpeg.status();
      return status.available ? status.encoders : [];
    };
    const h264Order = () => h264Encoders({ requested: config.get('transcodeEncoder'), probed: probedEncoders(), platform: process.platform });
    const mixes = new MixService({
      encoders: h264Order,
      gate: registry,
      hub: (name) => registry.hub(name),
      processes: children,
      ffmpegPath,
      log: log.child({ module: 'mixer' }),
      keyframeSeconds: () => config.get('dvrSegmentSeconds'),
      file: path.join(dataDir, 'mixes.json'),
      ffmpegKnown: () => ffmpeg.current(),
      onStarted: (name, encoder) => events.publish('mix_started', { name, encoder }),
      onStopped: (name, reason) => events.publish('mix_stopped', { name, reason }),
    });
    // Recording files: made before the registry hands out hubs (it is told about each), used once the studio serves.
    const recordings: RecordingService = new RecordingService({
      store: new RecordingStore(db),
      root: () => dataSubdir(dataDir, config.get('recordingsDir'), 'recordings'),
      hub: (name) => registry.hub(name),
      streamKnown: (name) => registry.has(name),
      processes: children,
      ffmpegPath,
      command: () => (config.get('recordingCommand') ? { path: config.get('recordingCommand'), timeoutSeconds: config.get('recordingCommandSeconds') } : null),
      minFreeBytes: () => config.get('dvrMinFreeMB') * 1024 * 1024,
      events,
      log: log.child({ module: 'recordings' }),
    });
    const restream: RestreamService = new RestreamService({
      config: (name) => streamStore.get(name),
      hub: (name, rendition) => (rendition ? (ladders.rendition(name, rendition) ?? smooth.rendition(name, rendition)) : registry.hub(name)),
      processes: children,
      ffmpegPath,
      ffmpegKnown: () => ffmpeg.current(),
      events,
      log: log.child({ module: 'restream' }),
    });
    const webhooks = new WebhookService({ file: path.join(dataDir, 'webhooks.json'), events, log: log.child({ module: 'webhooks' }) });
    await webhooks.start();
    const previews = new PreviewService({ processes: children, ffmpegPath, hub: (name) => registry.hub(name) });
    // On the LAN, the name a client used to reach the studio is the one its encoder can reach too.
    const publishUrls = (name: string, clientHost: string) =>
      publishUrlsFor(name, config.settings, { http: listener?.address ?? null, rtmp: rtmp.address, srt: srt.address }, isWildcard(config.get('host')) ? clientHost : undefined);
    const sourceProblem = (url: string) => {
      try {
        resolveSourceUrl(url, mediaDir(), libraryFile);
        return null;
      } catch (err) {
        return err instanceof SourceUrlError ? err.message : String(err);
      }
    };
    const streamKnown = streamKnownIn({ registry, index: dvrIndex });
    const thumbs = new ThumbService({ archive, cacheDir: path.join(dataDir, 'cache', 'thumbs'), processes: children, ffmpegPath, jobs: mediaJobs });
    const exportMaxSeconds = () => config.get('exportMaxSeconds');
    const exportsDir = () => dataSubdir(dataDir, config.get('exportsDir'), 'exports');
    const exportLog = log.child({ module: 'export' });
    // Saved exports wait for their turn among the media jobs (their own queue is bounded already).
    const planSavedExport = (o: ExportPlanRequest) =>
      mediaJobs.run('saved export plan', (signal) => planMp4Export({ archive, ffmpegPath, processes: children, log: exportLog }, { ...o, signal, maxDurationMs: exportMaxSeconds() * 1000 }), { signal: o.signal, mayWait: true });
    const ranges = (stream: string, fromMs: number, toMs: number) => dvrIndex.ranges(stream, fromMs, toMs);
    const exportJobs = new ExportJobs({
      plan: planSavedExport,
      planMix: (spec, signal) =>
        planMixRender(
          { plan: planSavedExport, ranges, processes: children, ffmpegPath, log: exportLog, encoders: h264Order },
          spec,
          signal,
        ),
      checkMix: (request) => checkMixRenderRequest({ streamKnown, ranges, maxSeconds: exportMaxSeconds }, request),
      exportsDir,
      events,
      log: exportLog,
      // Two at once: a short export does not wait behind a four-hour one.
      concurrency: 2,
      protectRange: (stream, fromMs, toMs, owner) => {
        const id = dvrIndex.hold(stream, fromMs, toMs, owner);
        return () => dvrIndex.releaseHold(id);
      },
      check: (request) => checkExportRequest({ streamKnown, index: dvrIndex, maxSeconds: exportMaxSeconds }, request),
    });
    const library = new LibraryService({ store: new LibraryStore(db), mediaDir, processes: children, ffprobePath, events, log: log.child({ module: 'library' }) });
    const vod = new VodService({
      library,
      cache: new SegmentCache({ root: path.join(dataDir, 'cache', 'vod'), limitBytes: () => config.get('vodCacheMB') * 1024 * 1024, log: log.child({ module: 'vod' }) }),
      processes: children,
      ffmpegPath,
      ffprobePath,
      encoders: () => {
        const status = ffmpeg.status();
        return status.available ? status.encoders : [];
      },
      encoderSetting: () => config.get('transcodeEncoder'),
      log: log.child({ module: 'vod' }),
    });
    ffmpeg.on('status', () => library.probeWaiting());
    const uploads = new LibraryUploads({ dir: path.join(dataDir, 'uploads'), library, minFreeBytes: () => config.get('dvrMinFreeMB') * 1024 * 1024, log: log.child({ module: 'uploads' }) });
    const settings = new SettingsApplier(
      config,
      [
        keepMovedPorts({ keys: ['host', 'httpPort'], apply: (next, previous) => listener!.settingsReactor(options.onHttpMoved).apply(next, previous) }),
        keepMovedPorts({ keys: ['host', 'https', 'httpsPort'], apply: (next) => applyHttps(next) }),
        keepMovedPorts(rtmp.settingsReactor()),
        keepMovedPorts(srt.settingsReactor()),
        hosts.settingsReactor(),
        retentionSchedule.settingsReactor(),
        studioLogger.settingsReactor(),
        ffmpeg.settingsReactor(),
        ladders.settingsReactor(),
        library.settingsReactor(),
        // After the HTTP listener moved; not awaited, so a PUT does not wait for the name check (about 1 s).
        { keys: ['host', 'httpPort'], apply: async (next) => void announceLan(next.host) },
      ],
      log,
    );
    config.on('change', () => events.publish('settings_changed', settings.view()));

    const app = await buildServer({
      log,
      version: studioVersion,
      access,
      hosts,
      events,
      monitor,
      dataDir,
      bundledResourcesDir: options.resourcesDir ?? null,
      archiveFiles: new ImmutableFileCache(archiveCacheBytes),
      portMoves: () => portMoves,
      lanDiscovery: () => lanAnnouncer.status(),
      ffmpeg,
      settings,
      rendererDir: options.rendererDir ?? path.join(appRoot, 'dist', 'renderer'),
      resourcesDir: path.join(appRoot, 'resources'),
      processes: children,
      registry,
      streamStore,
      index: dvrIndex,
      dvr,
      retention,
      archive,
      exportJobs,
      viewers,
      playbackStats,
      livePackager,
      ladders,
      library,
      vod,
      uploads,
      thumbs,
      previews,
      mediaJobs,
      listings,
      ingestLimits,
      whip,
      whep,
      mixes,
      webhooks,
      recordings,
      authHook,
      smooth,
      ffmpegPath,
      playlistMaxHours,
      exportMaxSeconds,
      publishUrls,
      sourceProblem,
      httpsPort: () => secureListener?.address?.port ?? null,
      lan: {
        host: () => config.get('host'),
        urls: () => (listener?.address ? urlsFor(listener.address, config.get('host'), token, null, null, secureListener?.address ?? null) : { lan: [] }),
      },
    });
    await app.ready();
    const connectionBudget = new ConnectionBudget();
    listener = new HttpListener(app, () => httpLimitsFrom(config.settings), { budget: connectionBudget });
    const httpListener = listener;
    // The certificate names what the host guard lets browsers use: this machine's names and IPv4 addresses, and the allowed extra names.
    const tlsNames = () => {
      const names = [...allowedHostnames(config.get('host'), config.get('allowedHosts'))];
      return { dns: names.filter((n) => net.isIP(n) === 0), ips: names.filter((n) => net.isIP(n) === 4) };
    };
    secureListener = new HttpListener(app, () => httpLimitsFrom(config.settings), { label: 'HTTPS', tls: () => loadTlsIdentity(path.join(dataDir, 'tls'), tlsNames()), budget: connectionBudget });
    let stopping: Promise<void> | null = null;
    let serving = false;
    /** Binds a listener at its setting's port, or the next free one when that is taken and may move (not pinned). */
    const listenAt = async (listener: PortMove['listener'], listen: (port: number) => Promise<BoundAddress>) => {
      const key = portKey[listener];
      const wanted = config.get(key);
      const movable = config.get('pinPorts') === 'off' && !config.pinned().includes(key);
      const bound = await listenMovable(listen, wanted, movable);
      if (wanted !== 0 && bound.port !== wanted) {
        portMoves.push({ listener, wanted, port: bound.port });
        log.warn(`${listener}: port ${wanted} is in use by another program; listening on ${bound.port} instead (pin ports in Settings to stop instead)`);
      }
    };

    const studio: Studio = {
      dataDir,
      token,
      app,
      events,
      log,
      async start() {
        // Encoders on other hosts need a key (lanPublish 'key'): make one the first time, as the admin token is made.
        if (config.get('publishKey') === '') await config.update({ publishKey: crypto.randomBytes(18).toString('base64url') });
        const s = config.settings;
        // Before anything records: make the index and the disk agree (a crash may have left them apart).
        // Nothing in the archive may keep the studio from starting: reconciliation skips what it cannot handle, and a failure of its own is logged.
        const report = await archive.reconcile(log.child({ module: 'dvr' })).catch((err: unknown) => {
          log.error({ err }, 'dvr: archive reconciliation failed; the studio starts with the index as it was');
          return null;
        });
        if (report && report.indexed + report.removedRows + report.finishedPartials + report.deletedPartials + report.skipped > 0) {
          log.info(report, `dvr: archive reconciled in ${report.ms} ms`);
        }
        // Files a crash left half-finished: taken before anything can record, finished once ffmpeg is known (the remux needs it).
        let lookedForFfmpeg = () => {};
        const ffmpegSearch = new Promise<void>((resolve) => (lookedForFfmpeg = resolve));
        recordings.recover(ffmpegSearch.then(() => ffmpeg.current())).catch((err: unknown) => log.error({ err }, 'recordings: finishing the last run\'s files failed'));
        await listenAt('http', (port) => httpListener.listen(s.host, port));
        // HTTPS is an extra: a port taken or a certificate that cannot be made is said, and the studio serves HTTP.
        if (s.https === 'on') {
          await listenAt('https', (port) => secureListener!.listen(s.host, port)).catch((err: unknown) =>
            log.error({ err }, `https: not serving: ${err instanceof Error ? err.message : String(err)}`),
          );
        }
        await listenAt('rtmp', (port) => rtmp.listen(s.host, port));
        await listenAt('srt', (port) => srt.listen(s.host, port));
        serving = true;
        void announceLan(s.host);
        registry.start();
        restream.syncAll(streamStore.names());
        for (const config of streamStore.list()) if (config.recordFiles) recordings.syncAlways(config.name, config.recordFiles);
        monitor.start(events, log);
        ffmpeg.refresh().catch((err: unknown) => log.error({ err }, 'ffmpeg detection failed'));
        lookedForFfmpeg();
        await retentionSchedule.start();
        await library.start();
        // Kept mixes start again once ffmpeg is found (detection runs in the background).
        void ffmpeg.current().then(() => mixes.start()).catch((err: unknown) => log.error({ err }, 'mixes could not start again'));
        return studio.urls();
      },
      portMoves: () => [...portMoves],
      urls() {
        const address = httpListener.address;
        if (!address) throw new Error('the studio is not listening');
        return urlsFor(address, config.get('host'), token, rtmp.address, srt.address, secureListener?.address ?? null);
      },
      stop() {
        stopping ??= (async () => {
          // Goodbyes first, while the listeners still answer (bounded: about 2 s at most).
          await lanAnnouncer.close();
          monitor.stop();
          clearInterval(thresholdSampler);
          await retentionSchedule.stop();
          await rtmp.close();
          await srt.close();
          await mixes.stop();
          await recordings.close();
          await restream.close();
          webhooks.close();
          await whip.stop();
          await whep.stop();
          await ladders.close();
          await library.close();
          uploads.close();
          await registry.close();
          livePackager.close();
          viewers.close();
          playbackStats.close();
          await dvr.close();
          thumbs.close();
          mediaJobs.close();
          await exportJobs.close();
          await Promise.all([httpListener.close(), secureListener?.close()]);
          await app.close();
          const probing = ffmpeg.close();
          await children.killAll();
          await probing;
          db?.close();
          // A start that failed says why on its own; "stopped" would only be noise next to it.
          if (serving) log.info('studio stopped');
          await studioLogger.close();
          await unlock();
        })();
        return stopping;
      },
    };
    return studio;
  } catch (err) {
    await processes?.killAll();
    db?.close();
    await logger?.close();
    await unlock();
    throw err;
  }
}
