import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Settings } from './contract/studio-api.js';
import { buildServer } from './api/server.js';
import { HttpListener, httpLimitsFrom } from './api/http-listener.js';
import type { BoundAddress } from './net/listen.js';
import { SettingsApplier, type SettingsReactor } from './api/settings-controller.js';
import { createAccessControl } from './api/auth/access-control.js';
import { loadAdminToken } from './api/auth/admin-token.js';
import { SessionStore } from './api/auth/session-store.js';
import { HostGuard } from './api/auth/host-guard.js';
import { ConfigService } from './config/config-service.js';
import { ensureWritableDataDir } from './config/data-dir-check.js';
import { lockDataDir } from './config/data-dir-lock.js';
import { openDatabase, type StudioDatabase } from './db/index.js';
import { StudioEvents } from './events/studio-events.js';
import { createStudioLogger, type StudioLogger } from './log/logger.js';
import { SystemMonitor } from './system/system-status.js';
import { FfmpegService, ProcessRegistry } from './transcode/index.js';
import { appRoot, studioVersion } from './version.js';
import { StreamStore } from './streams/stream-store.js';
import { StreamRegistry } from './streams/stream-registry.js';
import { RtmpServer } from './ingest/rtmp/rtmp-server.js';
import { SrtServer } from './ingest/srt/srt-server.js';
import { IngestMemory, ingestLimitsFrom } from './ingest/ingest-limits.js';
import { ffmpegSourceRunner, resolveSourceUrl, SourceUrlError } from './ingest/pull/index.js';
import { mpegtsHttpIngest } from './api/routes/mpegts-ingest.js';
import { PreviewService } from './delivery/preview-service.js';
import { streamsRoutes } from './api/routes/streams.js';
import { streamFilesRoutes } from './http/stream-files.js';
import { sendError } from './http/problem-reply.js';
import { publishUrlsFor } from './ingest/publish-urls.js';
import { DvrIndex } from './dvr/dvr-index.js';
import { DvrService } from './dvr/dvr-service.js';
import { dvrRoutes, recordingStatusHandler } from './api/routes/dvr.js';
import { reconcileArchive } from './dvr/reconcile.js';
import { hlsRoutes } from './api/routes/dvr-hls.js';
import { mpegtsRoutes } from './api/routes/mpegts.js';
import { mp4ExportRoutes } from './api/routes/mp4-files.js';
import { embedRoute, playerAssetRoutes } from './api/routes/player.js';
import { Retention } from './dvr/retention.js';
import { LivePackager } from './delivery/live/live-packager.js';
import { liveRoutes } from './api/routes/live-hls.js';
import { PlaybackStats } from './delivery/playback-stats.js';
import { ViewerSessions } from './delivery/viewers/viewer-sessions.js';
import { MediaJobs } from './delivery/media-jobs.js';
import { ListingBuilds } from './http/listing-builds.js';
import { mediaInfoRoute } from './api/routes/media-info.js';
import { playbackRoutes } from './api/routes/playback.js';
import { watchRoutes } from './api/routes/watch.js';
import { lanRoutes } from './api/routes/lan.js';
import { ThumbService } from './delivery/thumbs/thumb-service.js';
import { thumbRoutes } from './api/routes/thumbs.js';
import { checkExportRequest, ExportJobs } from './export/export-jobs.js';
import { planMp4Export } from './export/mp4-export.js';
import { exportsRoutes } from './api/routes/exports.js';

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

export interface StudioUrls {
  http: string;
  /** Opens the UI signed in (sets the session cookie, then drops the token from the address bar). */
  login: string;
  lan: string[];
  rtmp: string;
  srt: string;
}

export interface Studio {
  readonly dataDir: string;
  readonly token: string;
  readonly app: FastifyInstance;
  readonly events: StudioEvents;
  readonly log: StudioLogger['log'];
  start(): Promise<StudioUrls>;
  urls(): StudioUrls;
  stop(): Promise<void>;
}

/** LL-HLS part length: three parts behind live keep hls.js about 1.5 s from the edge. */
const llHlsPartTargetMs = 500;

const wildcard = (host: string) => host === '0.0.0.0' || host === '::';

/** The media folder: the setting when given (relative to the data dir), else <data-dir>/media. */
export const mediaDir = (dataDir: string, setting: string) => path.resolve(dataDir, setting || 'media');

const hostPart = (h: string) => (h.includes(':') ? `[${h}]` : h);
const localHost = (bindHost: string) => (wildcard(bindHost) ? '127.0.0.1' : bindHost);

export function urlsFor(address: BoundAddress, bindHost: string, token: string, rtmp: BoundAddress | null, srt: BoundAddress | null = null): StudioUrls {
  const local = localHost(bindHost);
  const http = `http://${hostPart(local)}:${address.port}/`;
  const lan = wildcard(bindHost)
    ? Object.values(os.networkInterfaces())
        .flatMap((list) => list ?? [])
        .filter((i) => !i.internal && i.family === 'IPv4')
        .map((i) => `http://${i.address}:${address.port}/`)
    : [];
  return {
    http,
    login: `${http}?token=${encodeURIComponent(token)}`,
    lan,
    rtmp: rtmp ? `rtmp://${hostPart(local)}:${rtmp.port}/live` : '',
    srt: srt ? `srt://${hostPart(local)}:${srt.port}` : '',
  };
}

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
    const reactors: SettingsReactor[] = [
      {
        keys: ['host', 'httpPort'],
        async apply(settings) {
          const address = await listener!.listen(settings.host, settings.httpPort);
          const url = urlsFor(address, settings.host, token, null).http;
          options.onHttpMoved?.(url);
          return { listener: 'http', url };
        },
      },
      {
        keys: ['host', 'rtmpPort'],
        async apply(settings) {
          const address = await rtmp.listen(settings.host, settings.rtmpPort);
          return { listener: 'rtmp', url: `rtmp://${hostPart(localHost(settings.host))}:${address.port}/live` };
        },
      },
      {
        keys: ['host', 'srtPort'],
        async apply(settings) {
          const address = await srt.listen(settings.host, settings.srtPort);
          return { listener: 'srt', url: `srt://${hostPart(localHost(settings.host))}:${address.port}` };
        },
      },
      { keys: ['host', 'allowedHosts'], apply: async () => hosts.invalidate() },
      { keys: ['dvrDepth', 'dvrMaxSize', 'dvrMinFreeMB'], apply: async () => void retention.run().catch((err: unknown) => log.error({ err }, 'dvr retention failed')) },
      { keys: ['logLevel'], apply: async (settings) => studioLogger.setLevel(settings.logLevel) },
      {
        keys: ['ffmpegPath'],
        async apply() {
          ffmpeg.refresh().catch((err: unknown) => log.error({ err }, 'ffmpeg detection failed'));
        },
      },
    ];
    const ffmpegPath = () => {
      const status = ffmpeg.status();
      return status.available ? status.path : null;
    };
    const streamStore = new StreamStore(db);
    const dvrIndex = new DvrIndex(db);
    const dvrRoot = path.join(dataDir, 'dvr');
    const retention = new Retention({
      index: dvrIndex,
      events,
      log: log.child({ module: 'dvr' }),
      root: dvrRoot,
      limits: () => ({ depth: config.get('dvrDepth'), maxSize: config.get('dvrMaxSize'), minFreeBytes: config.get('dvrMinFreeMB') * 1024 * 1024 }),
      streamLimits: (name) => {
        const own = streamStore.get(name);
        return { depth: own?.dvrDepth ?? '', maxSize: own?.dvrMaxSize ?? '' };
      },
    });
    const dvr = new DvrService({
      index: dvrIndex,
      events,
      log: log.child({ module: 'dvr' }),
      root: dvrRoot,
      segmentTargetMs: () => config.get('dvrSegmentSeconds') * 1000,
      configured: (name) => streamStore.get(name)?.dvr ?? true,
      diskOk: () => retention.recordingAllowed,
    });
    // Sessions only for streams that exist: a made-up name allocates nothing.
    const viewers = new ViewerSessions({ streamKnown: (name): boolean => dvrRoutesDeps.streamKnown(name) });
    // Export plans and thumbnail ffmpeg runs at once (mediaJobsMax), with a bounded line behind them.
    const mediaJobs = new MediaJobs({ max: () => config.get('mediaJobsMax'), warn: (line) => log.warn(line) });
    const playbackStats = new PlaybackStats({ stats: () => ({ ...mediaJobs.stats(), processes: children.size }), resetPeaks: () => mediaJobs.resetPeaks() });
    // DVR playlists and recording statuses: built one at a time in small slices of the event loop, kept briefly.
    const listings = new ListingBuilds();
    const playlistMaxHours = () => config.get('playlistMaxHours');
    const registry = new StreamRegistry({
      viewers: (name) => viewers.count(name),
      onHub: (hub) => dvr.watch(hub),
      onForget: (name) => dvr.forget(name),
      dvrState: (name) => ({ recording: dvr.recording(name), error: dvr.error(name) }),
      segmentTargetSeconds: () => config.get('dvrSegmentSeconds'),
      store: streamStore,
      events,
      log: log.child({ module: 'streams' }),
      publishPrefix: () => config.get('publishPrefix'),
      archivedNames: () => dvrIndex.archivedStreamNames(),
      lanPublish: () => ({ policy: config.get('lanPublish'), key: config.get('publishKey') }),
      runner: ffmpegSourceRunner({ processes: children, events, log: log.child({ module: 'pull' }), ffmpegPath, mediaDir: () => mediaDir(dataDir, config.get('mediaDir')) }),
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
      hub: (name) => registry.hub(name),
      segmentTargetMs: () => config.get('dvrSegmentSeconds') * 1000,
      partTargetMs: llHlsPartTargetMs,
      log: log.child({ module: 'hls' }),
    });
    const srt = new SrtServer({ gate: registry, log: log.child({ module: 'srt' }), limits: ingestLimits, memory: ingestMemory });
    const previews = new PreviewService({ processes: children, ffmpegPath, hub: (name) => registry.hub(name) });
    // On the LAN, the name a client used to reach the studio is the one its encoder can reach too.
    const publishUrls = (name: string, clientHost: string) =>
      publishUrlsFor(name, config.settings, { http: listener?.address ?? null, rtmp: rtmp.address, srt: srt.address }, wildcard(config.get('host')) ? clientHost : undefined);
    const sourceProblem = (url: string) => {
      try {
        resolveSourceUrl(url, mediaDir(dataDir, config.get('mediaDir')));
        return null;
      } catch (err) {
        return err instanceof SourceUrlError ? err.message : String(err);
      }
    };
    const dvrRoutesDeps = {
      index: dvrIndex,
      dvr,
      streamKnown: (name: string) => registry.has(name) || dvrIndex.hasRecording(name),
      retentionStatus: () => retention.status(),
    };
    const recordingStatus = recordingStatusHandler(dvrRoutesDeps, { maxHours: playlistMaxHours, listings });
    const thumbs = new ThumbService({ index: dvrIndex, root: dvrRoot, cacheDir: path.join(dataDir, 'cache', 'thumbs'), processes: children, ffmpegPath, jobs: mediaJobs });
    const exportMaxSeconds = () => config.get('exportMaxSeconds');
    // The exports folder: the setting when given (relative to the data dir), else <data-dir>/exports.
    const exportsDir = () => path.resolve(dataDir, config.get('exportsDir') || 'exports');
    const exportLog = log.child({ module: 'export' });
    const exportJobs = new ExportJobs({
      // Saved exports wait for their turn among the media jobs (their own queue is bounded already).
      plan: (o) =>
        mediaJobs.run('saved export plan', (signal) => planMp4Export({ index: dvrIndex, root: dvrRoot, ffmpegPath, processes: children, log: exportLog }, { ...o, signal, maxDurationMs: exportMaxSeconds() * 1000 }), { signal: o.signal, mayWait: true }),
      exportsDir,
      events,
      log: exportLog,
      // Two at once: a short export does not wait behind a four-hour one.
      concurrency: 2,
      protectRange: (stream, fromMs, toMs, owner) => {
        const id = dvrIndex.hold(stream, fromMs, toMs, owner);
        return () => dvrIndex.releaseHold(id);
      },
      check: (request) => checkExportRequest({ streamKnown: dvrRoutesDeps.streamKnown, index: dvrIndex, maxSeconds: exportMaxSeconds }, request),
    });
    const settings = new SettingsApplier(config, reactors, log);
    config.on('change', () => events.publish('settings_changed', settings.view()));

    const app = await buildServer({
      log,
      version: studioVersion,
      access,
      hosts,
      events,
      monitor,
      ffmpeg,
      settings,
      rendererDir: options.rendererDir ?? path.join(appRoot, 'dist', 'renderer'),
      features: [
        streamsRoutes({ registry, publishUrls, sourceProblem }),
        dvrRoutes(dvrRoutesDeps),
        exportsRoutes({ jobs: exportJobs }),
        watchRoutes({
          list: () => registry.list(),
          archive: (name) => {
            const span = dvrIndex.span(name);
            return { firstMs: span?.firstMs ?? null, lastMs: span?.lastEndMs ?? null };
          },
        }),
        lanRoutes({
          host: () => config.get('host'),
          urls: () => (listener?.address ? urlsFor(listener.address, config.get('host'), token, null) : { lan: [] }),
        }),
        playbackRoutes({ sessions: viewers, stats: playbackStats }),
        playerAssetRoutes(path.join(appRoot, 'resources')),
        mpegtsHttpIngest({ gate: registry, log: log.child({ module: 'mpegts-http' }), limits: ingestLimits }),
        streamFilesRoutes([
          ...liveRoutes({ packager: livePackager, stats: playbackStats, streamKnown: dvrRoutesDeps.streamKnown }),
          ...hlsRoutes({ index: dvrIndex, root: dvrRoot, streamKnown: dvrRoutesDeps.streamKnown, maxHours: playlistMaxHours, listings }),
          ...mpegtsRoutes({ hub: (name) => registry.hub(name) ?? null, index: dvrIndex, root: dvrRoot, streamKnown: dvrRoutesDeps.streamKnown, log: log.child({ module: 'mpegts' }) }),
          ...mp4ExportRoutes({ index: dvrIndex, root: dvrRoot, ffmpegPath, processes: children, streamKnown: dvrRoutesDeps.streamKnown, maxSeconds: () => config.get('exportMaxSeconds'), log: log.child({ module: 'mp4-export' }), jobs: mediaJobs }),
          embedRoute({ index: dvrIndex, streamKnown: dvrRoutesDeps.streamKnown }),
          mediaInfoRoute({ info: (name) => registry.info(name), index: dvrIndex }),
          ...thumbRoutes({ thumbs, streamKnown: dvrRoutesDeps.streamKnown }),
          { file: 'recording_status.json', handle: (name, _m, request, reply) => recordingStatus(name, request, reply) },
          { file: 'preview.jpg', handle: async (name, _m, _request, reply) => {
            if (!registry.info(name)) return sendError(reply, 404, 'Unknown stream', `no stream named ${name}`);
            if (!ffmpegPath()) return sendError(reply, 503, 'No ffmpeg', 'previews need ffmpeg: set FFMPEG_PATH or the ffmpeg path in Settings');
            const jpeg = await previews.jpeg(name);
            if (!jpeg) return sendError(reply, 404, 'No picture yet', `${name} has not sent a video keyframe`);
            return reply.type('image/jpeg').header('cache-control', 'no-cache').send(jpeg);
          } },
        ], { playToken: (name) => streamStore.playToken(name), isAdmin: (request) => access.session(request).authenticated, sessions: viewers }),
      ],
    });
    await app.ready();
    listener = new HttpListener(app, () => httpLimitsFrom(config.settings));
    const httpListener = listener;
    let statusTimer: NodeJS.Timeout | null = null;
    let stopping: Promise<void> | null = null;
    let serving = false;

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
        const report = await reconcileArchive(dvrRoot, dvrIndex, db!, log.child({ module: 'dvr' })).catch((err: unknown) => {
          log.error({ err }, 'dvr: archive reconciliation failed; the studio starts with the index as it was');
          return null;
        });
        if (report && report.indexed + report.removedRows + report.finishedPartials + report.deletedPartials + report.skipped > 0) {
          log.info(report, `dvr: archive reconciled in ${report.ms} ms`);
        }
        await httpListener.listen(s.host, s.httpPort);
        await rtmp.listen(s.host, s.rtmpPort);
        await srt.listen(s.host, s.srtPort);
        serving = true;
        registry.start();
        ffmpeg.refresh().catch((err: unknown) => log.error({ err }, 'ffmpeg detection failed'));
        await retention.run().catch((err: unknown) => log.error({ err }, 'dvr retention failed at start-up; it runs again in 5 s'));
        let tick = 0;
        statusTimer = setInterval(() => {
          if (events.hasSubscribers) events.publish('streams', registry.list());
          // Retention and the free-space guard every 5 s: a fast stream fills 5 s of disk at most before recording stops.
          if (tick % 5 === 0) retention.run().catch((err: unknown) => log.error({ err }, 'dvr retention failed'));
          if (tick++ % 2 !== 0) return;
          monitor.status().then(
            (status) => events.publish('system_status', status),
            (err: unknown) => log.warn({ err }, 'system status failed'),
          );
        }, 1000);
        statusTimer.unref();
        return studio.urls();
      },
      urls() {
        const address = httpListener.address;
        if (!address) throw new Error('the studio is not listening');
        return urlsFor(address, config.get('host'), token, rtmp.address, srt.address);
      },
      stop() {
        stopping ??= (async () => {
          if (statusTimer) clearInterval(statusTimer);
          // A pass still running reports to the log and the database: both must outlive it.
          await retention.settled();
          await rtmp.close();
          await srt.close();
          await registry.close();
          livePackager.close();
          viewers.close();
          playbackStats.close();
          await dvr.close();
          thumbs.close();
          mediaJobs.close();
          await exportJobs.close();
          await httpListener.close();
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
