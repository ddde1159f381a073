import { parseArgs } from 'node:util';
import path from 'node:path';
import type { Settings, SettingKey } from '../contract/studio-api.js';
import { defaultDataDir } from './data-dir.js';
import { parseSettingText, settingKeys, settingValueProblem } from './setting-value.js';

/** A mistake in how the studio was started; the CLI prints the message and exits 1. */
export class UsageError extends Error {}

export interface StartupOptions {
  dataDir: string;
  adminToken: string | null;
  cli: Partial<Settings>;
  env: Partial<Settings>;
  help: boolean;
  version: boolean;
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
export const cliFlag = (key: SettingKey) => kebab(key);
export const envName = (key: SettingKey | 'dataDir' | 'adminToken') =>
  `FRAMEHOUSE_${kebab(key).replaceAll('-', '_').toUpperCase()}`;

export function usage(): string {
  const rows = [
    ['--data-dir DIR', 'archive, database, config and logs (default: the per-user app data folder)'],
    ['--host ADDR', '127.0.0.1 (this machine, default) or 0.0.0.0 (the LAN)'],
    ['--http-port N', 'UI, API and playback (default 8935; 0 picks a free port)'],
    ['--rtmp-port N', 'RTMP ingest (default 1935)'],
    ['--srt-port N', 'SRT ingest (default 8890)'],
    ['--ffmpeg-path FILE', 'ffmpeg to use (default: FFMPEG_PATH, the bundled copy, then PATH)'],
    ['--media-dir DIR', 'media files for file:// sources (default: <data-dir>/media)'],
    ['--log-level LEVEL', 'fatal, error, warn, info (default), debug or trace'],
    ['--publish-prefix P/', 'names under it may be published without configuring them (default live/)'],
    ['--dvr-segment-seconds N', 'target length of archive segments (default 2)'],
    ['--ll-hls-part-ms N', 'length of low-latency HLS parts, 100–2000 (default 200)'],
    ['--dvr-depth 7d', 'keep recordings this long (s, m, h, d, w); default: no age limit'],
    ['--dvr-max-size 500G', 'archive size limit, or a share of the disk (20%); default: none'],
    ['--dvr-min-free-mb N', 'stop recording below this much free disk (default 1024)'],
    ['--allowed-hosts A,B', 'extra host names browsers may use to reach the studio'],
    ['--export-max-seconds N', 'longest range one MP4 export may cover (default 14400, 4 h)'],
    ['--exports-dir DIR', 'where saved exports go (default: <data-dir>/exports)'],
    ['--lan-publish key|open', 'publishers on other hosts need a key (default) or may publish freely'],
    ['--publish-key KEY', 'studio-wide publish key for other hosts (default: made at first start)'],
    ['--ingest-max-… N', 'connections (-connections, -connections-per-address), memory (-buffer-mb, -total-buffer-mb)'],
    ['--ingest-…-seconds N', 'handshake and idle timeouts of publishers (default 10 each)'],
    ['--srt-max-latency-ms N', 'highest SRT latency a caller may ask for (default 8000)'],
    ['--http-max-… N', 'HTTP connections (-connections 4000, -connections-per-address 1000)'],
    ['--http-headers-timeout-seconds N', 'request headers must arrive within this time (default 15)'],
    ['--playlist-max-hours N', 'longest range one DVR playlist covers (default 24)'],
    ['--media-jobs-max N', 'MP4 export plans and thumbnail ffmpeg runs at once (default 4)'],
    ['--admin-token TOKEN', 'admin token (default: <data-dir>/admin-token, created on first start)'],
  ];
  return [
    'Usage: framehouse serve [options]',
    '       framehouse probe-encoders [--ffmpeg-path FILE] [--encoder NAME]',
    '         test every encoder (GPU and software), print what works and the ladder command for NAME',
    '',
    ...rows.map(([flag, text]) => `  ${flag!.padEnd(34)}${text}`),
    '',
    'Every option also reads FRAMEHOUSE_<NAME> from the environment (FRAMEHOUSE_HTTP_PORT, ...)',
    'and <data-dir>/config.json. Command line beats environment beats file beats default.',
  ].join('\n');
}

function readLayer(read: (key: SettingKey) => string | undefined, describe: (key: SettingKey) => string) {
  const layer: Partial<Record<SettingKey, unknown>> = {};
  for (const key of settingKeys) {
    const text = read(key);
    if (text === undefined) continue;
    const value = parseSettingText(key, text);
    const problem = settingValueProblem(key, value);
    if (problem) throw new UsageError(`${describe(key)}: ${problem} (got "${text}")`);
    layer[key] = value;
  }
  return layer as Partial<Settings>;
}

export function readStartupOptions(argv: readonly string[], env: NodeJS.ProcessEnv): StartupOptions {
  const settingOptions = Object.fromEntries(settingKeys.map((k) => [cliFlag(k), { type: 'string' as const }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        ...settingOptions,
        'data-dir': { type: 'string' },
        'admin-token': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const text = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);
  const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);

  const cli = readLayer((k) => text(values[cliFlag(k)]), (k) => `--${cliFlag(k)}`);
  const fromEnv = readLayer((k) => nonEmpty(env[envName(k)]), (k) => envName(k));
  const dataDir = nonEmpty(text(values['data-dir'])) ?? nonEmpty(env[envName('dataDir')]) ?? defaultDataDir();
  const adminToken = nonEmpty(text(values['admin-token'])) ?? nonEmpty(env[envName('adminToken')]) ?? null;
  if (adminToken !== null && adminToken.length < 16) {
    throw new UsageError('--admin-token: use at least 16 characters');
  }
  return {
    dataDir: path.resolve(dataDir),
    adminToken,
    cli,
    env: fromEnv,
    help: values.help === true,
    version: values.version === true,
  };
}
