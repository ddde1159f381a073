import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Settings } from './api/contract.js';
import { buildServer } from './api/server.js';
import { HttpListener, type BoundAddress } from './api/http-listener.js';
import { SettingsApplier, type SettingsReactor } from './api/settings-controller.js';
import { createAccessControl } from './api/auth/access-control.js';
import { loadAdminToken } from './api/auth/admin-token.js';
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
}

export interface Studio {
  readonly dataDir: string;
  readonly token: string;
  readonly app: FastifyInstance;
  readonly log: StudioLogger['log'];
  start(): Promise<StudioUrls>;
  urls(): StudioUrls;
  stop(): Promise<void>;
}

const wildcard = (host: string) => host === '0.0.0.0' || host === '::';

export function urlsFor(address: BoundAddress, bindHost: string, token: string): StudioUrls {
  const local = wildcard(bindHost) ? '127.0.0.1' : bindHost;
  const hostPart = (h: string) => (h.includes(':') ? `[${h}]` : h);
  const http = `http://${hostPart(local)}:${address.port}/`;
  const lan = wildcard(bindHost)
    ? Object.values(os.networkInterfaces())
        .flatMap((list) => list ?? [])
        .filter((i) => !i.internal && i.family === 'IPv4')
        .map((i) => `http://${i.address}:${address.port}/`)
    : [];
  return { http, login: `${http}?token=${encodeURIComponent(token)}`, lan };
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
    const access = createAccessControl(token);

    let listener: HttpListener | null = null;
    const reactors: SettingsReactor[] = [
      {
        keys: ['host', 'httpPort'],
        async apply(settings) {
          const address = await listener!.listen(settings.host, settings.httpPort);
          const url = urlsFor(address, settings.host, token).http;
          options.onHttpMoved?.(url);
          return { listener: 'http', url };
        },
      },
      { keys: ['host', 'allowedHosts'], apply: async () => hosts.invalidate() },
      { keys: ['logLevel'], apply: async (settings) => studioLogger.setLevel(settings.logLevel) },
      {
        keys: ['ffmpegPath'],
        async apply() {
          ffmpeg.refresh().catch((err: unknown) => log.error({ err }, 'ffmpeg detection failed'));
        },
      },
    ];
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
    });
    await app.ready();
    listener = new HttpListener(app);
    const httpListener = listener;
    let statusTimer: NodeJS.Timeout | null = null;
    let stopping: Promise<void> | null = null;
    let serving = false;

    const studio: Studio = {
      dataDir,
      token,
      app,
      log,
      async start() {
        const s = config.settings;
        await httpListener.listen(s.host, s.httpPort);
        serving = true;
        ffmpeg.refresh().catch((err: unknown) => log.error({ err }, 'ffmpeg detection failed'));
        statusTimer = setInterval(() => {
          monitor.status().then(
            (status) => events.publish('system_status', status),
            (err: unknown) => log.warn({ err }, 'system status failed'),
          );
        }, 2000);
        statusTimer.unref();
        return studio.urls();
      },
      urls() {
        const address = httpListener.address;
        if (!address) throw new Error('the studio is not listening');
        return urlsFor(address, config.get('host'), token);
      },
      stop() {
        stopping ??= (async () => {
          if (statusTimer) clearInterval(statusTimer);
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
