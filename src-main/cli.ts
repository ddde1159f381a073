#!/usr/bin/env node
import { readStartupOptions, usage, UsageError } from './config/startup-options.js';
import { installFaultHandlers } from './log/process-faults.js';
import { createStudio, type Studio, type StudioUrls } from './studio.js';
import { studioVersion } from './version.js';
import { pino } from 'pino';
import { encoderReport } from './transcode/encoder-report.js';
import { probeEncoders } from './transcode/encoder-probe.js';
import { ffmpegCandidates, locateFfmpeg } from './transcode/ffmpeg-locator.js';
import { ProcessRegistry } from './transcode/process-registry.js';

/** A message from the parent that started us: Electron's utilityProcess (parentPort) or a Node fork (IPC). */
type ParentPort = { postMessage(m: unknown): void; on(event: 'message', listener: (e: { data: unknown }) => void): void };

interface ParentChannel {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** After the stop: lets the process end (the channel would keep it alive). */
  release(): void;
}

/** The channel to a parent that started us: Electron's utilityProcess or a Node fork. */
function parentChannel(): ParentChannel | null {
  const electronParent = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
  // A utility process may outlive its work (electron#47228): it ends itself once its writes are done.
  if (electronParent) return { send: (m) => electronParent.postMessage(m), onMessage: (l) => electronParent.on('message', (e) => l(e.data)), release: () => void setTimeout(() => process.exit(0), 100) };
  // A parent that went away (the 'disconnect' that stops us) can no longer be told anything.
  if (process.send) {
    return {
      send: (m) => void (process.connected && process.send!(m)),
      onMessage: (l) => process.on('message', l),
      release: () => process.connected && process.disconnect(),
    };
  }
  return null;
}

const isStopMessage = (m: unknown) => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'stop';

function printUrls(urls: StudioUrls): void {
  const lines = [`http  ${urls.http}`, ...(urls.https ? [`https ${urls.https}`] : []), `rtmp  ${urls.rtmp}`, `srt   ${urls.srt}`, ...urls.lan.map((u) => `lan   ${u}`), `ui    ${urls.login}`];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** After a fatal fault: stop what can be stopped (recordings closed, ports freed) within 5 s, then exit 1. */
function stopAndExit(studio: Studio | null): void {
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 5000).unref();
  void (studio ? studio.stop() : Promise.resolve()).catch(() => undefined).finally(() => process.exit(1));
}

async function serve(argv: string[]): Promise<number> {
  const options = readStartupOptions(argv, process.env);
  if (options.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (options.version) {
    process.stdout.write(`${studioVersion}\n`);
    return 0;
  }
  const parent = parentChannel();
  let started: Studio | null = null;
  installFaultHandlers({ log: () => started?.log ?? null, fatal: () => stopAndExit(started) });
  const studio: Studio = await createStudio({
    ...options,
    resourcesDir: process.env.FRAMEHOUSE_RESOURCES_DIR || null,
    onHttpMoved: (url) => parent?.send({ type: 'moved', url }),
  });
  started = studio;
  let urls: StudioUrls;
  try {
    urls = await studio.start();
  } catch (err) {
    await studio.stop();
    throw err;
  }
  printUrls(urls);
  studio.log.info(`Framehouse ${studioVersion} serving ${urls.http} (data dir ${studio.dataDir})`);
  parent?.send({ type: 'ready', url: urls.http, token: studio.token, portMoves: studio.portMoves() });

  await new Promise<void>((resolve) => {
    const shutdown = (why: string) => {
      studio.log.info(`${why}: stopping`);
      studio.stop().then(resolve, (err: unknown) => {
        studio.log.error({ err }, 'stop failed');
        resolve();
      });
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    // The desktop shell asks over its channel: Windows has no SIGTERM, and a signal cannot be told apart from a crash.
    parent?.onMessage((message) => {
      if (isStopMessage(message)) shutdown('stop asked by the desktop shell');
    });
    // A parent that goes away (the desktop shell crashed) takes the server with it.
    process.once('disconnect', () => shutdown('parent gone'));
  });
  parent?.send({ type: 'stopped' });
  parent?.release();
  return 0;
}

/** `framehouse probe-encoders [--ffmpeg-path FILE] [--encoder NAME]`: test-encodes with every encoder, prints what works. */
async function probeEncodersCommand(argv: string[]): Promise<number> {
  const at = argv.indexOf('--ffmpeg-path');
  const setting = at >= 0 ? (argv[at + 1] ?? '') : (process.env.FRAMEHOUSE_FFMPEG_PATH ?? '');
  const processes = new ProcessRegistry(pino({ level: 'silent' }));
  const candidates = await ffmpegCandidates({ setting, env: process.env, resourcesDir: process.env.FRAMEHOUSE_RESOURCES_DIR || null });
  const located = await locateFfmpeg(candidates, processes, process.env);
  if (!located.found) {
    process.stderr.write(`framehouse: ${located.reason}\n`);
    return 1;
  }
  process.stdout.write(`testing each encoder with a five-frame encode…\n`);
  const encoders = await probeEncoders(located.path, processes);
  const pick = argv.indexOf('--encoder');
  process.stdout.write(encoderReport(located.path, located.version, encoders, { encoder: pick >= 0 ? argv[pick + 1] : undefined }));
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'serve') return serve(rest);
  if (command === 'probe-encoders') return probeEncodersCommand(rest);
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${studioVersion}\n`);
    return 0;
  }
  process.stderr.write(`${command && command !== '--help' && command !== '-h' ? `framehouse: unknown command "${command}"\n\n` : ''}${usage()}\n`);
  return command && command !== '--help' && command !== '-h' ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof UsageError ? `framehouse: ${err.message}\n\n${usage()}` : `framehouse: ${(err as Error).message}`;
    process.stderr.write(`${message}\n`);
    process.exitCode = 1;
  },
);
