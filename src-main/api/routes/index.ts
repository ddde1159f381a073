// Every route of the studio, registered in one place: one Fastify plugin per area, and
// the per-stream files (/NAME/FILE) handed to the one dispatcher that checks play tokens
// and counts viewers. A route plugin gets only the parts it needs.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { StreamInfo } from '../../contract/studio-api.js';
import type { AccessControl } from '../auth/access-control.js';
import type { StudioEvents } from '../../events/studio-events.js';
import type { SystemMonitor } from '../../system/system-status.js';
import type { FfmpegService, ProcessRegistry } from '../../transcode/index.js';
import type { SettingsApplier } from '../../config/settings-applier.js';
import type { StreamRegistry } from '../../streams/stream-registry.js';
import type { StreamStore } from '../../streams/stream-store.js';
import type { ArchiveStore } from '../../dvr/archive-store.js';
import type { DvrIndex } from '../../dvr/dvr-index.js';
import type { DvrService } from '../../dvr/dvr-service.js';
import type { Retention } from '../../dvr/retention.js';
import type { ExportJobs } from '../../export/export-jobs.js';
import type { ViewerSessions } from '../../delivery/viewers/viewer-sessions.js';
import type { PlaybackStats } from '../../delivery/playback-stats.js';
import type { LivePackager } from '../../delivery/live/live-packager.js';
import type { LadderService } from '../../delivery/ladder/ladder-service.js';
import type { ThumbService } from '../../delivery/thumbs/thumb-service.js';
import type { PreviewService } from '../../delivery/preview-service.js';
import type { MediaJobs } from '../../delivery/media-jobs.js';
import type { IngestLimits } from '../../ingest/ingest-limits.js';
import type { ListingBuilds } from '../../http/listing-builds.js';
import { streamFilesRoutes } from '../../http/stream-files.js';
import { healthRoutes } from './health.js';
import { authRoutes } from './auth.js';
import { systemRoutes } from './system.js';
import { settingsRoutes } from './settings.js';
import { eventsRoutes } from './events.js';
import { uiRoutes } from './ui.js';
import { streamsRoutes, type StreamsRouteDeps } from './streams.js';
import { dvrRoutes, recordingStatusRoute, type DvrRouteDeps } from './dvr.js';
import { exportsRoutes } from './exports.js';
import { watchRoutes } from './watch.js';
import { lanRoutes, type LanRouteDeps } from './lan.js';
import { playbackRoutes } from './playback.js';
import { embedRoute, playerAssetRoutes, playerBuildDir } from './player.js';
import { aboutRoutes } from './about.js';
import { mpegtsHttpIngest } from './mpegts-ingest.js';
import type { WhipServer } from '../../ingest/webrtc/whip-server.js';
import type { WhepServer } from '../../delivery/webrtc/whep-server.js';
import { whepRoutes } from './whep.js';
import type { MixService } from '../../ingest/mix/mix-service.js';
import { mixRoutes } from './mixes.js';
import { webhookRoutes } from './webhooks.js';
import { recordingRoutes } from './recordings.js';
import { welcomeRoutes } from './welcome.js';
import type { RecordingService } from '../../recordings/recording-service.js';
import type { AuthHook } from '../../events/auth-hook.js';
import type { SmoothRenditions } from '../../ingest/fmp4/smooth-renditions.js';
import type { WebhookService } from '../../events/webhooks.js';
import { liveRoutes } from './live-hls.js';
import { hlsRoutes } from './dvr-hls.js';
import { mpegtsRoutes } from './mpegts.js';
import { mp4ExportRoutes } from './mp4-files.js';
import { mediaInfoRoute } from './media-info.js';
import { thumbRoutes } from './thumbs.js';
import { previewRoute } from './preview.js';
import { vodRoutes } from './vod.js';
import type { LibraryService } from '../../vod/library-service.js';
import type { VodService } from '../../vod/vod-service.js';
import type { LibraryUploads } from '../../http/library-uploads.js';
import type { LanDiscovery, PortMove } from '../../contract/studio-api.js';
import type { ImmutableFileCache } from '../../http/immutable-file-cache.js';

/** The parts of the studio the routes serve, as the composition root built them. */
export interface StudioRouteDeps {
  log: Logger;
  version: string;
  access: AccessControl;
  events: StudioEvents;
  monitor: SystemMonitor;
  ffmpeg: FfmpegService;
  /** Where the archive, database and logs live. */
  dataDir: string;
  /** Recent archive segments in memory (the DVR and live-from-archive viewers ask for the same few). */
  archiveFiles: ImmutableFileCache;
  /** Listeners whose port moved at start-up because another program held it. */
  portMoves: () => PortMove[];
  lanDiscovery: () => LanDiscovery;
  settings: SettingsApplier;
  rendererDir: string;
  /** The folder holding resources/player (the embeddable player's assets). */
  resourcesDir: string;
  /** The packaged app's resources folder (FRAMEHOUSE_RESOURCES_DIR), holding the bundled ffmpeg and its licence; null or absent outside the desktop app. */
  bundledResourcesDir: string | null;
  processes: ProcessRegistry;
  registry: StreamRegistry;
  streamStore: StreamStore;
  index: DvrIndex;
  dvr: DvrService;
  retention: Retention;
  archive: ArchiveStore;
  exportJobs: ExportJobs;
  viewers: ViewerSessions;
  playbackStats: PlaybackStats;
  livePackager: LivePackager;
  ladders: LadderService;
  library: LibraryService;
  vod: VodService;
  uploads: LibraryUploads;
  thumbs: ThumbService;
  previews: PreviewService;
  mediaJobs: MediaJobs;
  listings: ListingBuilds;
  ingestLimits: () => IngestLimits;
  whip: WhipServer;
  whep: WhepServer;
  mixes: MixService;
  webhooks: WebhookService;
  recordings: RecordingService;
  authHook: AuthHook;
  /** Further bitrates of Smooth streams (NAME/360p …). */
  smooth: SmoothRenditions;
  ffmpegPath: () => string | null;
  playlistMaxHours: () => number;
  exportMaxSeconds: () => number;
  publishUrls: StreamsRouteDeps['publishUrls'];
  sourceProblem: StreamsRouteDeps['sourceProblem'];
  lan: LanRouteDeps;
  /** Where HTTPS listens now, or null when it is off. */
  httpsPort: () => number | null;
}

/** A stream is known when it is configured, live, or has recordings. */
export const streamKnownIn = (d: Pick<StudioRouteDeps, 'registry' | 'index'>) => (name: string) => d.registry.has(name) || d.index.hasRecording(name);

export async function registerRoutes(app: FastifyInstance, d: StudioRouteDeps): Promise<void> {
  const streamKnown = streamKnownIn(d);
  const dvr: DvrRouteDeps = { index: d.index, dvr: d.dvr, streamKnown, retentionStatus: () => d.retention.status() };
  const info = (name: string): StreamInfo | null => d.registry.info(name);

  await app.register(healthRoutes({ version: d.version, uptime: () => d.monitor.uptimeSeconds(), httpsPort: d.httpsPort }));
  await app.register(authRoutes(d.access));
  await app.register(systemRoutes({ monitor: d.monitor, ffmpeg: d.ffmpeg, dataDir: d.dataDir, portMoves: d.portMoves, lanDiscovery: d.lanDiscovery }));
  await app.register(settingsRoutes(d.settings));
  await app.register(eventsRoutes({ events: d.events, hello: () => ({ version: d.version }) }));
  await app.register(uiRoutes({ rendererDir: d.rendererDir, access: d.access }));
  // A probe under way is waited for: a pinned encoder is checked against its answer, not a guess.
  const encoders = () => d.ffmpeg.probedEncoders();
  await app.register(streamsRoutes({ registry: d.registry, publishUrls: d.publishUrls, sourceProblem: d.sourceProblem, encoders }));
  await app.register(dvrRoutes(dvr));
  await app.register(vodRoutes({ library: d.library, vod: d.vod, uploads: d.uploads, exportFile: (id) => d.exportJobs.get(id)?.file ?? null, isAdmin: (request) => d.access.session(request).authenticated }));
  await app.register(exportsRoutes({ jobs: d.exportJobs }));
  await app.register(
    watchRoutes({
      list: () => d.registry.list(),
      archive: (name) => {
        const span = d.index.span(name);
        return { firstMs: span?.firstMs ?? null, lastMs: span?.lastEndMs ?? null };
      },
    }),
  );
  await app.register(lanRoutes(d.lan));
  await app.register(playbackRoutes({ sessions: d.viewers, stats: d.playbackStats }));
  await app.register(playerAssetRoutes(d.resourcesDir));
  await app.register(aboutRoutes({ version: d.version, bundledResourcesDir: d.bundledResourcesDir, hlsJsLicenceFile: path.join(playerBuildDir, 'hls.js-LICENSE.txt') }));
  await app.register(mixRoutes(d.mixes, d.exportJobs));
  await app.register(webhookRoutes(d.webhooks));
  await app.register(recordingRoutes({ recordings: d.recordings, library: d.library }));
  await app.register(welcomeRoutes({ dataDir: d.dataDir }));
  await app.register(whepRoutes({ whep: d.whep, playToken: (name) => d.streamStore.playToken(name), isAdmin: (request) => d.access.session(request).authenticated, authHook: d.authHook }));
  await app.register(mpegtsHttpIngest({ gate: d.registry, log: d.log.child({ module: 'mpegts-http' }), limits: d.ingestLimits, whip: d.whip, smooth: d.smooth }));
  await app.register(
    streamFilesRoutes(
      [
        ...liveRoutes({ packager: d.livePackager, stats: d.playbackStats, streamKnown, variants: (name) => d.ladders.variants(name) ?? d.smooth.variants(name, d.registry.hub(name)) }),
        ...hlsRoutes({ index: d.index, archive: d.archive, streamKnown, maxHours: d.playlistMaxHours, listings: d.listings, archiveFiles: d.archiveFiles }),
        ...mpegtsRoutes({ hub: (name) => d.registry.hub(name) ?? null, index: d.index, archive: d.archive, streamKnown, log: d.log.child({ module: 'mpegts' }) }),
        ...mp4ExportRoutes({
          archive: d.archive,
          ffmpegPath: d.ffmpegPath,
          processes: d.processes,
          streamKnown,
          maxSeconds: d.exportMaxSeconds,
          log: d.log.child({ module: 'mp4-export' }),
          jobs: d.mediaJobs,
        }),
        embedRoute({ index: d.index, streamKnown }),
        mediaInfoRoute({ info, index: d.index }),
        ...thumbRoutes({ thumbs: d.thumbs, streamKnown }),
        recordingStatusRoute(dvr, { maxHours: d.playlistMaxHours, listings: d.listings }),
        previewRoute({ info, ffmpegPath: d.ffmpegPath, jpeg: (name) => d.previews.jpeg(name) }),
      ],
      { playToken: (name) => d.streamStore.playToken(name), isAdmin: (request) => d.access.session(request).authenticated, sessions: d.viewers, authHook: d.authHook },
    ),
  );
}
