// Labels and help for each setting, next to the form that shows them.
import type { SettingKey, SettingSource } from '../../../../src-main/contract/studio-api';

export const settingLabels: Record<SettingKey, string> = {
  host: 'Listen address',
  httpPort: 'HTTP port',
  rtmpPort: 'RTMP port',
  srtPort: 'SRT port',
  https: 'HTTPS',
  httpsPort: 'HTTPS port',
  publishPrefix: 'Open publishing prefix',
  mediaDir: 'Media folder',
  ffmpegPath: 'ffmpeg path',
  logLevel: 'Log level',
  dvrSegmentSeconds: 'Archive segment length',
  dvrDepth: 'Keep recordings for',
  dvrMaxSize: 'Archive size limit',
  dvrMinFreeMB: 'Minimum free disk (MB)',
  exportsDir: 'Exports folder',
  exportMaxSeconds: 'Longest export (s)',
  recordingsDir: 'Recordings folder',
  recordingCommand: 'Run on each recording',
  recordingCommandSeconds: 'Recording command timeout (s)',
  authHookUrl: 'Auth hook URL',
  authHookCacheSeconds: 'Auth hook cache (s)',
  allowedHosts: 'Allowed host names',
  lanPublish: 'Publishers on other hosts',
  publishKey: 'Studio publish key',
  ingestMaxConnections: 'Publisher connections (per protocol)',
  ingestMaxConnectionsPerAddress: 'Publisher connections per address',
  ingestMaxBufferMB: 'Buffer per publisher (MB)',
  ingestMaxTotalBufferMB: 'Buffer for all publishers (MB)',
  ingestHandshakeSeconds: 'Handshake timeout (s)',
  ingestIdleSeconds: 'Silent publisher cut after (s)',
  srtMaxLatencyMs: 'Highest SRT latency (ms)',
  httpMaxConnections: 'HTTP connections',
  httpMaxConnectionsPerAddress: 'HTTP connections per address',
  httpHeadersTimeoutSeconds: 'Request headers timeout (s)',
  playlistMaxHours: 'Longest DVR playlist (h)',
  mediaJobsMax: 'Export plans and thumbnail jobs at once',
  transcodeLadder: 'Default ladder',
  transcodeEncoder: 'Encoder',
  vodCacheMB: 'VOD segment cache (MB)',
  webrtcPortMin: 'WebRTC UDP ports from',
  webrtcPortMax: 'WebRTC UDP ports to',
  webrtcIceServers: 'STUN/TURN servers',
  webrtcConnectSeconds: 'WebRTC connect timeout (s)',
};

export const sourceLabels: Record<SettingSource, string> = {
  default: 'default',
  file: 'config file',
  env: 'environment',
  cli: 'command line',
  api: 'saved here',
};

/** The Save button sits in the sticky bar outside the form and submits it by id. */
export const SETTINGS_FORM_ID = 'settings-form';
