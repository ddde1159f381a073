import path from 'node:path';
import { pino, type Logger, type LevelWithSilent } from 'pino';
import PinoPretty from 'pino-pretty';
import pinoRoll from 'pino-roll';

import type { SettingsReactor } from '../config/settings-applier.js';

export type { Logger } from 'pino';

export interface StudioLogger {
  log: Logger;
  setLevel(level: LevelWithSilent): void;
  /** Follows the logLevel setting. */
  settingsReactor(): SettingsReactor;
  /** Flushes and closes the log file. */
  close(): Promise<void>;
}

/**
 * Console (human-readable, on stderr so stdout stays for the listener lines) and a
 * size-rotated JSON file in <data-dir>/logs: 10 MB a file, the last 5 kept.
 */
export async function createStudioLogger(options: {
  logsDir: string | null;
  level: LevelWithSilent;
  console?: boolean;
}): Promise<StudioLogger> {
  const streams: { level: 'trace'; stream: NodeJS.WritableStream | pino.DestinationStream }[] = [];
  if (options.console !== false) {
    streams.push({
      level: 'trace',
      stream: PinoPretty({ destination: 2, colorize: process.stderr.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true }),
    });
  }
  const file = options.logsDir
    ? await pinoRoll({ file: path.join(options.logsDir, 'framehouse'), extension: '.log', size: '10m', limit: { count: 5 }, mkdir: true })
    : null;
  if (file) streams.push({ level: 'trace', stream: file });

  const log = pino({ level: options.level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.multistream(streams));
  return {
    log,
    setLevel(level) {
      log.level = level;
    },
    settingsReactor: () => ({ keys: ['logLevel'], apply: async (settings) => void (log.level = settings.logLevel) }),
    close: () =>
      new Promise<void>((resolve) => {
        if (!file) return resolve();
        log.flush(() => {
          file.end();
          resolve();
        });
      }),
  };
}
