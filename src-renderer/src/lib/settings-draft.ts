// The settings form edits text, the API takes typed values: this module converts
// between the two and works out what actually changed, so a save sends only those
// keys (a pinned or untouched setting is never rewritten by accident).
import type { LogLevel, SettingKey, Settings, SettingsPatch } from '../../../src-main/contract/studio-api';

/** Settings that are closed choices, edited with a select: their draft is the value itself. */
type ChoiceKey = 'logLevel' | 'lanPublish' | 'https' | 'pinPorts';

/** One text value per setting; closed choices keep their own type. */
export type SettingsDraft = { [K in SettingKey]: K extends ChoiceKey ? Settings[K] : string };

export interface FieldError {
  /** The setting the message is about, when the message names one. */
  key: SettingKey | null;
  message: string;
}

/** Form order. Typed as a record first so a setting added to the contract cannot be forgotten. */
const keyOrder: Record<SettingKey, number> = {
  host: 0,
  httpPort: 1,
  rtmpPort: 2,
  srtPort: 3,
  https: 3.1,
  httpsPort: 3.2,
  pinPorts: 3.3,
  publishPrefix: 4,
  mediaDir: 5,
  ffmpegPath: 6,
  logLevel: 7,
  dvrSegmentSeconds: 8,
  llHlsPartMs: 8.5,
  dvrDepth: 9,
  dvrMaxSize: 10,
  dvrMinFreeMB: 11,
  exportsDir: 12,
  exportMaxSeconds: 13,
  recordingsDir: 13.1,
  recordingCommand: 13.2,
  recordingCommandSeconds: 13.3,
  authHookUrl: 16.1,
  authHookCacheSeconds: 16.2,
  allowedHosts: 14,
  lanPublish: 15,
  publishKey: 16,
  ingestMaxConnections: 17,
  ingestMaxConnectionsPerAddress: 18,
  ingestMaxBufferMB: 19,
  ingestMaxTotalBufferMB: 20,
  ingestHandshakeSeconds: 21,
  ingestIdleSeconds: 22,
  srtMaxLatencyMs: 23,
  httpMaxConnections: 24,
  httpMaxConnectionsPerAddress: 25,
  httpHeadersTimeoutSeconds: 26,
  playlistMaxHours: 27,
  mediaJobsMax: 28,
  transcodeLadder: 29,
  transcodeEncoder: 30,
  vodCacheMB: 31,
  webrtcPortMin: 32,
  webrtcPortMax: 33,
  webrtcConnectSeconds: 34,
  webrtcIceServers: 35,
  viewerThresholds: 36,
};
export const settingKeys = (Object.keys(keyOrder) as SettingKey[]).sort((a, b) => keyOrder[a] - keyOrder[b]);

export const logLevels: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** Settings typed as whole numbers, with the range to quote when the text is not one. */
const integerKeys = {
  httpPort: '0 to 65535',
  rtmpPort: '0 to 65535',
  srtPort: '0 to 65535',
  httpsPort: '0 to 65535',
  dvrSegmentSeconds: '1 to 10',
  llHlsPartMs: 'milliseconds, 100 to 2000',
  dvrMinFreeMB: 'megabytes',
  exportMaxSeconds: 'seconds, 1 to 86400',
  recordingCommandSeconds: 'seconds, 1 to 86400',
  authHookCacheSeconds: 'seconds, 0 to 86400',
  ingestMaxConnections: 'connections',
  ingestMaxConnectionsPerAddress: 'connections',
  ingestMaxBufferMB: 'megabytes',
  ingestMaxTotalBufferMB: 'megabytes',
  ingestHandshakeSeconds: 'seconds',
  ingestIdleSeconds: 'seconds',
  srtMaxLatencyMs: 'milliseconds',
  httpMaxConnections: 'connections',
  httpMaxConnectionsPerAddress: 'connections',
  httpHeadersTimeoutSeconds: 'seconds',
  playlistMaxHours: 'hours',
  mediaJobsMax: 'jobs',
  vodCacheMB: 'megabytes, at least 64',
  webrtcPortMin: 'a UDP port, 1024 to 65535',
  webrtcPortMax: 'a UDP port, 1025 to 65535',
  webrtcConnectSeconds: 'seconds, 1 to 60',
} as const;
type IntegerKey = keyof typeof integerKeys;

function isIntegerKey(key: SettingKey): key is IntegerKey {
  return Object.hasOwn(integerKeys, key);
}

export function toDraft(settings: Settings): SettingsDraft {
  return {
    host: settings.host,
    httpPort: String(settings.httpPort),
    rtmpPort: String(settings.rtmpPort),
    srtPort: String(settings.srtPort),
    https: settings.https,
    httpsPort: String(settings.httpsPort),
    pinPorts: settings.pinPorts,
    publishPrefix: settings.publishPrefix,
    mediaDir: settings.mediaDir,
    ffmpegPath: settings.ffmpegPath,
    logLevel: settings.logLevel,
    dvrSegmentSeconds: String(settings.dvrSegmentSeconds),
    llHlsPartMs: String(settings.llHlsPartMs),
    dvrDepth: settings.dvrDepth,
    dvrMaxSize: settings.dvrMaxSize,
    dvrMinFreeMB: String(settings.dvrMinFreeMB),
    exportsDir: settings.exportsDir,
    exportMaxSeconds: String(settings.exportMaxSeconds),
    recordingsDir: settings.recordingsDir,
    recordingCommand: settings.recordingCommand,
    recordingCommandSeconds: String(settings.recordingCommandSeconds),
    authHookUrl: settings.authHookUrl,
    authHookCacheSeconds: String(settings.authHookCacheSeconds),
    allowedHosts: settings.allowedHosts.join('\n'),
    lanPublish: settings.lanPublish,
    publishKey: settings.publishKey,
    ingestMaxConnections: String(settings.ingestMaxConnections),
    ingestMaxConnectionsPerAddress: String(settings.ingestMaxConnectionsPerAddress),
    ingestMaxBufferMB: String(settings.ingestMaxBufferMB),
    ingestMaxTotalBufferMB: String(settings.ingestMaxTotalBufferMB),
    ingestHandshakeSeconds: String(settings.ingestHandshakeSeconds),
    ingestIdleSeconds: String(settings.ingestIdleSeconds),
    srtMaxLatencyMs: String(settings.srtMaxLatencyMs),
    httpMaxConnections: String(settings.httpMaxConnections),
    httpMaxConnectionsPerAddress: String(settings.httpMaxConnectionsPerAddress),
    httpHeadersTimeoutSeconds: String(settings.httpHeadersTimeoutSeconds),
    playlistMaxHours: String(settings.playlistMaxHours),
    mediaJobsMax: String(settings.mediaJobsMax),
    transcodeLadder: settings.transcodeLadder,
    transcodeEncoder: settings.transcodeEncoder,
    vodCacheMB: String(settings.vodCacheMB),
    webrtcPortMin: String(settings.webrtcPortMin),
    webrtcPortMax: String(settings.webrtcPortMax),
    webrtcIceServers: settings.webrtcIceServers.join('\n'),
    webrtcConnectSeconds: String(settings.webrtcConnectSeconds),
    viewerThresholds: settings.viewerThresholds.join(', '),
  };
}

/** One host per line; blank lines and surrounding spaces do not count. */
export function parseHostList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** One entry per line only: for lists whose entries may hold commas (a TURN secret). */
export function parseLineList(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** Settings that are lists, edited one entry per line, each with its reader. */
const listKeys = { allowedHosts: parseHostList, webrtcIceServers: parseLineList } as const;
type ListKey = keyof typeof listKeys;

function isListKey(key: SettingKey): key is ListKey {
  return Object.hasOwn(listKeys, key);
}

/** Settings that are lists of whole numbers, written "10, 100, 1000" (commas, spaces or lines), with what to quote when an entry is not one. */
const numberListKeys = { viewerThresholds: 'whole numbers above 0, up to 8' } as const;
type NumberListKey = keyof typeof numberListKeys;

function isNumberListKey(key: SettingKey): key is NumberListKey {
  return Object.hasOwn(numberListKeys, key);
}

/** The numbers of such a list, or null when an entry is not a whole number (ranges are the server's to judge). */
export function parseNumberList(text: string): number[] | null {
  const entries = text.split(/[\s,]+/).filter((entry) => entry.length > 0);
  if (entries.some((entry) => !/^\d{1,9}$/.test(entry))) return null;
  return entries.map(Number);
}

/** Whether the form value differs from the saved one, ignoring formatting-only edits. */
export function isChanged(draft: SettingsDraft, settings: Settings, key: SettingKey): boolean {
  if (isListKey(key)) {
    const next = listKeys[key](draft[key]);
    return next.length !== settings[key].length || next.some((h, i) => h !== settings[key][i]);
  }
  if (isNumberListKey(key)) {
    const next = parseNumberList(draft[key]);
    return next === null || next.length !== settings[key].length || next.some((n, i) => n !== settings[key][i]);
  }
  switch (key) {
    case 'logLevel':
      return draft.logLevel !== settings.logLevel;
    case 'lanPublish':
      return draft.lanPublish !== settings.lanPublish;
    case 'https':
      return draft.https !== settings.https;
    case 'pinPorts':
      return draft.pinPorts !== settings.pinPorts;
    default:
      return draft[key].trim() !== String(settings[key]);
  }
}

export function changedKeys(draft: SettingsDraft, settings: Settings): SettingKey[] {
  return settingKeys.filter((key) => isChanged(draft, settings, key));
}

/**
 * The patch to PUT, or the first value that cannot even be typed (a port that is not
 * a number). Everything else, ranges included, is left to the server, whose 400
 * message the form shows next to the field it names.
 */
export function buildPatch(
  draft: SettingsDraft,
  settings: Settings,
): { patch: SettingsPatch; error: null } | { patch: null; error: FieldError } {
  const patch: SettingsPatch = {};
  for (const key of changedKeys(draft, settings)) {
    if (isIntegerKey(key)) {
      const text = draft[key].trim();
      // Only the format is checked here; the range is the server's to judge.
      if (!/^\d{1,9}$/.test(text)) {
        return { patch: null, error: { key, message: `${key}: must be a whole number (${integerKeys[key]})` } };
      }
      patch[key] = Number(text);
    } else if (isListKey(key)) {
      patch[key] = listKeys[key](draft[key]);
    } else if (isNumberListKey(key)) {
      const next = parseNumberList(draft[key]);
      if (!next) return { patch: null, error: { key, message: `${key}: must be whole numbers separated by commas (${numberListKeys[key]})` } };
      patch[key] = next;
    } else if (key === 'logLevel') {
      patch.logLevel = draft.logLevel;
    } else if (key === 'lanPublish') {
      patch.lanPublish = draft.lanPublish;
    } else if (key === 'https') {
      patch.https = draft.https;
    } else if (key === 'pinPorts') {
      patch.pinPorts = draft.pinPorts;
    } else {
      patch[key] = draft[key].trim();
    }
  }
  return { patch, error: null };
}

/**
 * Settings changed under an open form (another window saved, or our own save came
 * back): take the new value for every field the user has not touched, keep the rest.
 */
export function rebaseDraft(draft: SettingsDraft, before: Settings, after: Settings): SettingsDraft {
  const next = toDraft(after);
  const result = { ...next };
  for (const key of settingKeys) {
    if (isChanged(draft, before, key)) copyField(result, draft, key);
  }
  return result;
}

function copyField<K extends SettingKey>(target: SettingsDraft, source: SettingsDraft, key: K): void {
  target[key] = source[key];
}

/**
 * Which setting a server message is about. The server words them "httpPort: must be
 * an integer", with or without the request part in front ("body.httpPort: ...");
 * JSON-pointer style ("/body/allowedHosts/0 ...") is accepted too.
 */
export function fieldOfDetail(detail: string): SettingKey | null {
  const match = /^\s*\/?([A-Za-z]+)/.exec(withoutBodyPrefix(detail));
  const name = match?.[1];
  if (name !== undefined && (settingKeys as readonly string[]).includes(name)) return name as SettingKey;
  return listenerField(detail);
}

/**
 * A listener that could not move answers 409 in words ("RTMP port 1935 on 127.0.0.1
 * is already in use…", "10.0.0.9 is not an address of this machine…"); point at the
 * field the user has to change.
 */
function listenerField(detail: string): SettingKey | null {
  const port = /^\s*(HTTP|RTMP|SRT) port\b/i.exec(detail)?.[1]?.toLowerCase();
  if (port === 'http') return 'httpPort';
  if (port === 'rtmp') return 'rtmpPort';
  if (port === 'srt') return 'srtPort';
  if (/is not an address of this machine/i.test(detail)) return 'host';
  return null;
}

/** "body.httpPort: must be <= 65535" → "httpPort: must be <= 65535": the request part means nothing to a user. */
export function withoutBodyPrefix(detail: string): string {
  return detail.replace(/^\s*\/?body[./]/, '');
}
