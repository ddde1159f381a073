// The HTTP + WebSocket contract between the studio server and every client.
// The renderer imports this file with `import type` only, so it must stay free of
// Node APIs: TypeBox schemas here validate requests on the server and give both
// sides the same static types.
import { Type, type Static } from 'typebox';
import { RecordStart, type RecordingFile, type RecordingStatus } from './recording-api.js';
import { PushStatus, PushTarget } from './restream-api.js';
import { streamNameMaxLength, streamNamePattern } from './stream-name.js';
import type { ExportJob } from './export-api.js';
import { ladderSettingPattern, RenditionStatus, TranscodeConfig } from './transcode-api.js';
import type { WebhookEventType } from './webhook-api.js';

export const LogLevel = Type.Union(
  [
    Type.Literal('fatal'),
    Type.Literal('error'),
    Type.Literal('warn'),
    Type.Literal('info'),
    Type.Literal('debug'),
    Type.Literal('trace'),
  ],
  { description: 'Minimum level written to the console and the log file' },
);

const Port = (description: string) =>
  Type.Integer({ minimum: 0, maximum: 65535, description: `${description} (0 picks a free port)` });

export type LogLevel = Static<typeof LogLevel>;

/** Every setting the studio has. Keys here are the keys of config.json. */
export const Settings = Type.Object(
  {
    host: Type.String({
      minLength: 1,
      maxLength: 253,
      pattern: '^[A-Za-z0-9.:\\-\\[\\]%]+$',
      description: 'Address the listeners bind to: 127.0.0.1 (this machine only) or 0.0.0.0 (the LAN)',
    }),
    httpPort: Port('HTTP port of the UI, API and playback'),
    rtmpPort: Port('RTMP ingest port'),
    srtPort: Port('SRT ingest port'),
    https: Type.Union([Type.Literal('off'), Type.Literal('on')], {
      description: 'HTTPS beside HTTP, with a certificate the studio makes for itself: browsers on other hosts give a page their camera only over HTTPS (Go live from a phone)',
    }),
    httpsPort: Port('HTTPS port (when https is on)'),
    pinPorts: Type.Union([Type.Literal('off'), Type.Literal('on')], {
      description: 'off: a port another program holds at start-up moves to the next free one (the window says so); on: the studio stops with an error instead, so encoders never need new settings',
    }),
    mediaDir: Type.String({
      maxLength: 4096,
      description: 'Folder of media files (file:// sources, the library); empty means <data-dir>/media',
    }),
    ffmpegPath: Type.String({
      maxLength: 4096,
      description: 'Path to ffmpeg; empty means FFMPEG_PATH, the bundled copy, then PATH',
    }),
    logLevel: LogLevel,
    publishPrefix: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/$',
      description: 'Any stream name under this prefix may be published without configuring it first (e.g. live/)',
    }),
    dvrSegmentSeconds: Type.Integer({
      minimum: 1,
      maximum: 10,
      description: 'Target length of archive segments in seconds; a segment is always cut on a keyframe',
    }),
    llHlsPartMs: Type.Integer({
      minimum: 100,
      maximum: 2000,
      description: 'Length of low-latency HLS parts in milliseconds: players stay about three parts behind live, and each viewer asks for a playlist once a part; applies to live windows started after the change',
    }),
    dvrDepth: Type.String({
      maxLength: 16,
      pattern: '^(|\\d+[smhdw])$',
      description: 'Keep recordings this long (e.g. 7d, 12h); empty keeps them until the size limit',
    }),
    dvrMaxSize: Type.String({
      maxLength: 16,
      pattern: '^(|\\d+(\\.\\d+)?[KMGTkmgt]?[Bb]?|\\d{1,2}%)$',
      description: 'Total archive size (e.g. 500G) or share of the disk (e.g. 20%); empty means no limit',
    }),
    dvrMinFreeMB: Type.Integer({
      minimum: 0,
      maximum: 10_000_000,
      description: 'Below this much free disk space recording stops for every stream, and resumes above it',
    }),
    allowedHosts: Type.Array(Type.String({ minLength: 1, maxLength: 253 }), {
      maxItems: 64,
      description: 'Extra host names browsers may use to reach the studio (DNS-rebinding guard)',
    }),
    exportMaxSeconds: Type.Integer({
      minimum: 1,
      maximum: 86_400,
      description: 'Longest archive range one MP4 export may cover, in seconds (default 4 hours)',
    }),
    exportsDir: Type.String({
      maxLength: 4096,
      description: 'Folder saved exports are written to; empty means <data-dir>/exports',
    }),
    recordingsDir: Type.String({
      maxLength: 4096,
      description: 'Folder recording files are written to (a folder per stream inside); empty means <data-dir>/recordings',
    }),
    recordingCommand: Type.String({
      maxLength: 4096,
      description: 'A program run on each finished recording file, with the file\'s path as its one argument (not through a shell); empty: none',
    }),
    recordingCommandSeconds: Type.Integer({ minimum: 1, maximum: 86_400, description: 'A recording handler still running after this long is stopped' }),
    authHookUrl: Type.String({
      maxLength: 2048,
      pattern: '^(|https?://\\S+)$',
      description: 'Asked (JSON POST {action, stream, protocol, ip, key}) before a publisher or viewer goes on: a 2xx answer allows, anything else or no answer within 2 s refuses; empty: no hook',
    }),
    authHookCacheSeconds: Type.Integer({ minimum: 0, maximum: 86_400, description: 'How long an auth hook\'s "yes" is remembered per stream, address and key (a "no" for 5 s)' }),
    lanPublish: Type.Union([Type.Literal('key'), Type.Literal('open')], {
      description: 'Publishers on other hosts: "key" needs the stream\'s publish password or the studio publish key; "open" lets anyone on the LAN publish. Publishers on this machine are always let in.',
    }),
    publishKey: Type.String({
      maxLength: 128,
      pattern: '^[A-Za-z0-9_-]*$',
      description: 'Studio-wide publish key for publishers on other hosts (?key=… in the stream key or URL); generated at first start when empty',
    }),
    ingestMaxConnections: Type.Integer({ minimum: 1, maximum: 100_000, description: 'Most publisher connections at once per protocol (RTMP, SRT)' }),
    ingestMaxConnectionsPerAddress: Type.Integer({ minimum: 1, maximum: 100_000, description: 'Most publisher connections at once from one address, per protocol' }),
    ingestMaxBufferMB: Type.Integer({ minimum: 1, maximum: 4096, description: 'Memory one publisher may make the studio hold for unfinished messages or packets (MB)' }),
    ingestMaxTotalBufferMB: Type.Integer({ minimum: 1, maximum: 65_536, description: 'Memory all publishers together may make the studio hold for unfinished messages or packets (MB)' }),
    ingestHandshakeSeconds: Type.Integer({ minimum: 1, maximum: 300, description: 'A publisher that has not finished its handshake by then is cut' }),
    ingestIdleSeconds: Type.Integer({ minimum: 1, maximum: 3600, description: 'A publisher that sends nothing for this long is cut' }),
    srtMaxLatencyMs: Type.Integer({ minimum: 20, maximum: 60_000, description: 'Highest SRT latency a caller may ask for; longer requests are clamped (ms)' }),
    httpMaxConnections: Type.Integer({ minimum: 1, maximum: 100_000, description: 'Most HTTP connections at once' }),
    httpMaxConnectionsPerAddress: Type.Integer({ minimum: 1, maximum: 100_000, description: 'Most HTTP connections at once from one address' }),
    httpHeadersTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 300, description: 'A client must send its request headers (and a small body) within this time' }),
    playlistMaxHours: Type.Integer({ minimum: 1, maximum: 8760, description: 'Longest archive range one DVR playlist or recording status may cover (hours)' }),
    mediaJobsMax: Type.Integer({ minimum: 1, maximum: 64, description: 'MP4 export plans and thumbnail ffmpeg runs at once; more wait in a queue' }),
    transcodeLadder: Type.String({
      maxLength: 200,
      pattern: ladderSettingPattern,
      description: 'The ABR ladder of every stream without its own, e.g. 720p@3000k, 480p@1200k; empty: the source alone',
    }),
    webrtcPortMin: Type.Integer({ minimum: 1024, maximum: 65_535, description: 'WebRTC (WHIP/WHEP) uses UDP ports from here to webrtcPortMax, one per session: open this range in a firewall' }),
    webrtcPortMax: Type.Integer({ minimum: 1025, maximum: 65_535, description: 'The last UDP port WebRTC sessions may use' }),
    webrtcConnectSeconds: Type.Integer({ minimum: 1, maximum: 60, description: 'A WebRTC publisher or viewer that has not connected this long after its answer is dropped, and its port freed' }),
    webrtcIceServers: Type.Array(Type.String({ minLength: 6, maxLength: 300, pattern: '^(stuns?|turns?):[^\\s]+$' }), {
      maxItems: 2,
      description: 'STUN/TURN servers for WebRTC beyond the LAN (one STUN and one TURN are used), e.g. stun:stun.example.org:3478 and turn:user:secret@turn.example.org:3478; none are needed on a LAN',
    }),
    vodCacheMB: Type.Integer({ minimum: 64, maximum: 10_000_000, description: 'Disk kept for VOD segments made on first request (MB); the least recently played go first' }),
    transcodeEncoder: Type.String({
      minLength: 1,
      maxLength: 40,
      pattern: '^[a-z0-9_]+$',
      description: 'Encoder for ladders that say "auto": auto (GPU first, software fallback) or an ffmpeg encoder name to pin studio-wide',
    }),
    viewerThresholds: Type.Array(Type.Integer({ minimum: 1, maximum: 100_000_000 }), {
      maxItems: 8,
      description: 'Viewer counts that raise a viewers_threshold event (and viewers.threshold webhook) when a stream\'s viewers cross one, up or down; none: off',
    }),
  },
  { additionalProperties: false },
);
export type Settings = Static<typeof Settings>;
export type SettingKey = keyof Settings;

export const SettingsPatch = Type.Partial(Settings, { additionalProperties: false });
export type SettingsPatch = Static<typeof SettingsPatch>;

export const SettingSource = Type.Union([
  Type.Literal('default'),
  Type.Literal('file'),
  Type.Literal('env'),
  Type.Literal('cli'),
  Type.Literal('api'),
]);
export type SettingSource = Static<typeof SettingSource>;

export const SettingsView = Type.Object({
  settings: Settings,
  /** Where each effective value came from. */
  sources: Type.Record(Type.String(), SettingSource),
  /** Keys pinned by the command line or environment: a saved value applies now but loses at the next start. */
  pinned: Type.Array(Type.String()),
  /** Listeners that were restarted by this change, with their new URLs. */
  restarted: Type.Array(Type.Object({ listener: Type.String(), url: Type.String() })),
});
export type SettingsView = Static<typeof SettingsView>;

export const ErrorBody = Type.Object({ error: Type.String(), detail: Type.String() });
export type ErrorBody = Static<typeof ErrorBody>;

export const Health = Type.Object({
  ok: Type.Boolean(),
  version: Type.String(),
  uptime: Type.Number(),
  /** The HTTPS port when HTTPS is on: a page on plain HTTP from another host points there for its camera. */
  httpsPort: Type.Union([Type.Integer(), Type.Null()]),
});
export type Health = Static<typeof Health>;

export const EncoderStatus = Type.Object({
  name: Type.String(),
  codec: Type.Union([Type.Literal('h264'), Type.Literal('hevc'), Type.Literal('av1')]),
  hardware: Type.Boolean(),
  vendor: Type.String(),
  works: Type.Boolean(),
  /** Why it does not work, from ffmpeg's own words. */
  reason: Type.Optional(Type.String()),
  probeMs: Type.Number(),
});
export type EncoderStatus = Static<typeof EncoderStatus>;

export const FfmpegStatus = Type.Union([
  Type.Object({
    available: Type.Literal(true),
    path: Type.String(),
    source: Type.Union([
      Type.Literal('setting'),
      Type.Literal('env'),
      Type.Literal('bundled'),
      Type.Literal('path'),
      /** Homebrew's or MacPorts' folder: a macOS app started from Finder has a PATH without them. */
      Type.Literal('package-manager'),
    ]),
    version: Type.String(),
    ffprobePath: Type.Union([Type.String(), Type.Null()]),
    encoders: Type.Array(EncoderStatus),
    probedAt: Type.Union([Type.String(), Type.Null()]),
    probing: Type.Boolean(),
    /** Candidates that were tried first and rejected, with the reason. */
    skipped: Type.Array(Type.Object({ path: Type.String(), reason: Type.String() })),
  }),
  Type.Object({ available: Type.Literal(false), reason: Type.String() }),
]);
export type FfmpegStatus = Static<typeof FfmpegStatus>;

export const DiskUsage = Type.Object({ path: Type.String(), freeBytes: Type.Number(), totalBytes: Type.Number() });
export type DiskUsage = Static<typeof DiskUsage>;

export const SystemStatus = Type.Object({
  version: Type.String(),
  uptime: Type.Number(),
  platform: Type.String(),
  cpu: Type.Object({ cores: Type.Integer(), load1: Type.Number(), processPercent: Type.Number() }),
  memory: Type.Object({ totalBytes: Type.Number(), freeBytes: Type.Number(), rssBytes: Type.Number() }),
  dataDir: DiskUsage,
});
export type SystemStatus = Static<typeof SystemStatus>;

export const LanDiscovery = Type.Union([Type.Literal('off'), Type.Literal('announcing'), Type.Literal('announced'), Type.Literal('failed')]);
export type LanDiscovery = Static<typeof LanDiscovery>;

/** A listener whose preferred port was taken at start-up and which took the next free one. */
export const PortMove = Type.Object({
  listener: Type.Union([Type.Literal('http'), Type.Literal('https'), Type.Literal('rtmp'), Type.Literal('srt')]),
  wanted: Type.Integer(),
  port: Type.Integer(),
});
export type PortMove = Static<typeof PortMove>;

export const SystemInfo = Type.Intersect([
  SystemStatus,
  Type.Object({
    ffmpeg: FfmpegStatus,
    /** Ports that moved at start-up because another program held them (empty when none did). */
    portMoves: Type.Array(PortMove),
    /** Where the archive, database and logs live (the first-run screen shows it). */
    dataDirPath: Type.String(),
    /** DNS-SD announcement of the watch page on the LAN: off when LAN access is off. */
    lanDiscovery: LanDiscovery,
  }),
]);
export type SystemInfo = Static<typeof SystemInfo>;

export const LoginBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false });
export type LoginBody = Static<typeof LoginBody>;

export const SessionInfo = Type.Object({
  authenticated: Type.Boolean(),
  via: Type.Union([Type.Literal('cookie'), Type.Literal('bearer'), Type.Null()]),
});
export type SessionInfo = Static<typeof SessionInfo>;

// ---- Streams -------------------------------------------------------------

/** live/cam1: letters, digits, _ - . in parts joined by /. */
export { streamNamePattern };
export const StreamName = Type.String({ minLength: 1, maxLength: streamNameMaxLength, pattern: streamNamePattern });

export const StreamState = Type.Union([
  Type.Literal('publishing'),
  Type.Literal('pulling'),
  Type.Literal('reconnecting'),
  Type.Literal('failed'),
  Type.Literal('idle'),
]);
export type StreamState = Static<typeof StreamState>;

export const IngestProtocol = Type.Union([
  Type.Literal('rtmp'),
  Type.Literal('srt'),
  Type.Literal('mpegts-http'),
  /** Fragmented MP4 over HTTP POST: a Live Smooth / CMAF publishing point (…/NAME.isml/Streams(ID)). */
  Type.Literal('fmp4-http'),
  /** WebRTC from a browser or OBS (WHIP). */
  Type.Literal('whip'),
  Type.Literal('pull'),
  Type.Literal('file'),
  /** A rendition of another stream, made by the studio's transcoder. */
  Type.Literal('transcode'),
  /** A live mix of other streams, composed by the studio's mixer. */
  Type.Literal('mix'),
]);
export type IngestProtocol = Static<typeof IngestProtocol>;

export const StreamSource = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'rtsp://, rtmp://, srt://, http(s)://…m3u8, udp://, file://RELATIVE/PATH in the media folder, or library://FOLDER/PATH (a library file played as live)' }),
    priority: Type.Integer({ minimum: 0, maximum: 1000, description: 'Lower is preferred; failover goes to the next and returns when the better one works again' }),
  },
  { additionalProperties: false },
);
export type StreamSource = Static<typeof StreamSource>;

export const StreamConfigFields = {
  title: Type.String({ maxLength: 200 }),
  sources: Type.Array(StreamSource, { maxItems: 16 }),
  publishEnabled: Type.Boolean({ description: 'Whether RTMP/SRT/HTTP publishers may push to this name' }),
  publishPassword: Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]),
  takeover: Type.Boolean({ description: 'A second publisher replaces the first instead of being refused' }),
  loop: Type.Boolean({ description: 'file:// sources start again at the end' }),
  playlist: Type.Boolean({ description: 'The sources are files played one after another in priority order (with loop, the list starts again), not failover' }),
  dvr: Type.Boolean({ description: 'Record this stream into the archive' }),
  dvrDepth: Type.String({ maxLength: 16, pattern: '^(|\\d+[smhdw])$', description: "This stream's age limit (7d, 12h); empty follows the global setting" }),
  dvrMaxSize: Type.String({ maxLength: 16, pattern: '^(|\\d+(\\.\\d+)?[KMGTkmgt]?[Bb]?|\\d{1,2}%)$', description: "This stream's size limit (50G, 5%); empty follows the global setting" }),
  playToken: Type.Union([Type.String({ minLength: 4, maxLength: 128, pattern: '^[A-Za-z0-9_.~-]+$' }), Type.Null()], {
    description: 'When set, playback URLs need ?token=THIS (wrong or missing: 403); null leaves playback open on the LAN',
  }),
  transcode: Type.Union([TranscodeConfig, Type.Null()], { description: 'An ABR ladder made from the live source (renditions besides the source itself); null: the source alone' }),
  push: Type.Array(PushTarget, { maxItems: 8, description: 'Servers this stream is sent on to while it is live (restream): RTMP, RTMPS or SRT' }),
  recordFiles: Type.Union([RecordStart, Type.Null()], { description: 'Always record this stream to files this way (as POST …/record/start takes); null: only on demand' }),
};

export const StreamConfig = Type.Object({ name: StreamName, ...StreamConfigFields }, { additionalProperties: false });
export type StreamConfig = Static<typeof StreamConfig>;
export const StreamConfigPatch = Type.Partial(Type.Object(StreamConfigFields), { additionalProperties: false });
export type StreamConfigPatch = Static<typeof StreamConfigPatch>;
// The name's rules are checked by the handler, whose message says what is allowed.
export const StreamConfigCreate = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), ...StreamConfigPatch.properties }, { additionalProperties: false });
export type StreamConfigCreate = Static<typeof StreamConfigCreate>;

/** A configuration as the API shows it: the password only as set/not set, credentials in source URLs masked (user:***@). */
export const StreamConfigView = Type.Object({
  name: StreamName,
  title: Type.String(),
  sources: Type.Array(StreamSource),
  publishEnabled: Type.Boolean(),
  publishPasswordSet: Type.Boolean(),
  takeover: Type.Boolean(),
  loop: Type.Boolean(),
  playlist: Type.Boolean(),
  dvr: Type.Boolean(),
  dvrDepth: Type.String(),
  dvrMaxSize: Type.String(),
  /** Shown to the admin in full: it is meant to be handed to viewers. */
  playToken: Type.Union([Type.String(), Type.Null()]),
  transcode: Type.Union([TranscodeConfig, Type.Null()]),
  /** Targets with their stream keys masked; a PUT that sends a masked URL back keeps the real one. */
  push: Type.Array(Type.Object({ id: Type.String(), url: Type.String(), enabled: Type.Boolean(), label: Type.String(), rendition: Type.Union([Type.String(), Type.Null()]) })),
  recordFiles: Type.Union([RecordStart, Type.Null()]),
});
export type StreamConfigView = Static<typeof StreamConfigView>;

export const DvrLockRequest = Type.Object(
  {
    stream: StreamName,
    from: Type.Number({ minimum: 0, description: 'UTC seconds' }),
    duration: Type.Number({ exclusiveMinimum: 0, maximum: 366 * 86400, description: 'seconds' }),
  },
  { additionalProperties: false },
);
export type DvrLockRequest = Static<typeof DvrLockRequest>;

export const DvrLock = Type.Object({ id: Type.Integer(), stream: Type.String(), from: Type.Number(), duration: Type.Number() });
export type DvrLock = Static<typeof DvrLock>;

/** A segment retention wanted to delete and could not (its row is kept: the archive still lists it). */
export const DvrStuckFile = Type.Object({
  stream: Type.String(),
  path: Type.String({ description: 'Where the file is on disk' }),
  error: Type.String({ description: 'Why it could not be deleted (EACCES, EPERM, EBUSY, EISDIR …)' }),
  since: Type.Number({ description: 'UTC ms of the first failed attempt' }),
  attempts: Type.Integer(),
});
export type DvrStuckFile = Static<typeof DvrStuckFile>;

export const DvrRetentionStatus = Type.Object({
  stuck: Type.Array(DvrStuckFile),
  lastRunMs: Type.Union([Type.Number(), Type.Null()], { description: 'UTC ms when the last pass ended' }),
  lastError: Type.Union([Type.String(), Type.Null()], { description: 'Why the last pass stopped early, or null' }),
});
export type DvrRetentionStatus = Static<typeof DvrRetentionStatus>;

export const StreamVideoInfo = Type.Object({
  codec: Type.String(),
  profile: Type.String(),
  level: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  /** Measured from arriving frames over the last seconds. */
  fps: Type.Number(),
  declaredFps: Type.Union([Type.Number(), Type.Null()]),
  bFrames: Type.Boolean(),
});
export const StreamAudioInfo = Type.Object({
  codec: Type.String(),
  profile: Type.String(),
  sampleRate: Type.Integer(),
  channels: Type.Integer(),
});

export const StreamInfo = Type.Object({
  name: StreamName,
  title: Type.String(),
  configured: Type.Boolean(),
  state: StreamState,
  /** Why the stream failed or is reconnecting, in words. */
  reason: Type.Union([Type.String(), Type.Null()]),
  protocol: Type.Union([IngestProtocol, Type.Null()]),
  remoteAddress: Type.Union([Type.String(), Type.Null()]),
  sourceUrl: Type.Union([Type.String(), Type.Null()]),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  uptime: Type.Number(),
  video: Type.Union([StreamVideoInfo, Type.Null()]),
  audio: Type.Union([StreamAudioInfo, Type.Null()]),
  bitrate: Type.Object({ last1s: Type.Number(), last10s: Type.Number() }),
  /** Seconds between keyframes: the last one and the average over recent GOPs. */
  keyframeInterval: Type.Object({ last: Type.Union([Type.Number(), Type.Null()]), average: Type.Union([Type.Number(), Type.Null()]), irregular: Type.Boolean() }),
  framesIn: Type.Number(),
  bytesIn: Type.Number(),
  lastFrameAgeMs: Type.Union([Type.Number(), Type.Null()]),
  errors: Type.Object({ continuity: Type.Number(), timestampJumps: Type.Number(), droppedFrames: Type.Number() }),
  warnings: Type.Array(Type.String()),
  viewers: Type.Integer(),
  /** Input bitrate per second over the last minute, oldest first, for sparklines. */
  bitrateHistory: Type.Array(Type.Number()),
  /** Keyframes received this session: a new value means a new preview picture. */
  keyframes: Type.Number(),
  /** Whether the archive records this stream right now, and why not when it cannot. */
  dvr: Type.Object({ recording: Type.Boolean(), error: Type.Union([Type.String(), Type.Null()]) }),
  config: Type.Union([StreamConfigView, Type.Null()]),
  /** Each restream target's state (present when the stream has targets). */
  push: Type.Optional(Type.Array(PushStatus)),
  /** Recording to files (POST …/record/start): present while it is on. */
  files: Type.Optional(
    Type.Object({
      format: Type.String(),
      since: Type.String(),
      session: Type.Union([Type.String(), Type.Null()]),
      /** The file being written: null while the stream is offline. */
      bytes: Type.Union([Type.Number(), Type.Null()]),
      durationSeconds: Type.Union([Type.Number(), Type.Null()]),
      error: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  /** The ABR ladder's renditions as they run (present when the stream has a ladder). */
  renditions: Type.Optional(Type.Object({ problem: Type.Union([Type.String(), Type.Null()]), list: Type.Array(RenditionStatus) })),
});
export type StreamInfo = Static<typeof StreamInfo>;

/** How a viewer plays: HLS (live, LL-HLS, DVR), MPEG-TS over HTTP, or WebRTC (WHEP). */
export const PlaybackProtocol = Type.Union([Type.Literal('hls'), Type.Literal('mpegts'), Type.Literal('webrtc')]);
export type PlaybackProtocol = Static<typeof PlaybackProtocol>;

export const ViewerSession = Type.Object({
  id: Type.String(),
  stream: Type.String(),
  protocol: PlaybackProtocol,
  ip: Type.String(),
  userAgent: Type.String(),
  startedAt: Type.String({ description: 'ISO 8601' }),
  lastSeenAt: Type.String({ description: 'ISO 8601' }),
  bytesSent: Type.Number({ description: 'Bytes written to the viewer, headers included' }),
  /** WebRTC viewers: round-trip time and packets lost (%) from their receiver reports; null until the first report. */
  rttMs: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  lossPercent: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
});
export type ViewerSession = Static<typeof ViewerSession>;

export const LatencySummary = Type.Object({ count: Type.Number(), p50Ms: Type.Number(), p99Ms: Type.Number(), maxMs: Type.Number() });
export const PlaybackStatsBody = Type.Object({
  /** How long after its part existed a blocked LL-HLS playlist request was answered. */
  blockingReload: LatencySummary,
  eventLoopLag: LatencySummary,
  viewers: Type.Integer(),
  /** MP4 export plans and thumbnail ffmpeg runs: the cap (mediaJobsMax), running, waiting, peaks and refusals since the last reset; child processes now. */
  mediaJobs: Type.Object({
    max: Type.Integer(),
    running: Type.Integer(),
    waiting: Type.Integer(),
    peakRunning: Type.Integer(),
    peakWaiting: Type.Integer(),
    refused: Type.Integer(),
    processes: Type.Integer(),
  }),
});
export type PlaybackStatsBody = Static<typeof PlaybackStatsBody>;

export interface PublishUrls {
  rtmp: { server: string; key: string; url: string };
  srt: string;
  mpegtsHttp: string;
  /** Live Smooth / CMAF publishing point (fragmented MP4 POSTed; ffmpeg -f ismv). */
  smoothHttp: string;
  /** The studio publish key encoders on other hosts add (?key=…), or null when the LAN may publish without one. */
  keyForOtherHosts: string | null;
}

/** Server events on /api/events, keyed by `type`. Later features add their own. */
export interface StudioEventMap {
  hello: { version: string; serverTime: string };
  settings_changed: SettingsView;
  system_status: SystemStatus;
  ffmpeg_status: FfmpegStatus;
  /** Every stream's stats, once a second. */
  streams: StreamInfo[];
  stream_started: { name: string; protocol: IngestProtocol; remoteAddress: string | null };
  stream_stopped: { name: string; reason: string };
  source_lost: { name: string; url: string | null; reason: string };
  source_switched: { name: string; from: string | null; to: string };
  publish_refused: { name: string; protocol: IngestProtocol; remoteAddress: string | null; reason: string };
  /** A segment reached the archive (at most once a second per stream). */
  dvr_segment: { stream: string; startMs: number; durationMs: number; bytes: number };
  dvr_error: { stream: string; reason: string };
  dvr_deleted: { stream: string; segments: number; bytes: number; reason: string };
  dvr_disk_low: { freeBytes: number; minFreeBytes: number; message: string };
  /** The files retention cannot delete changed (some got stuck, or came free). */
  dvr_retention_stuck: DvrRetentionStatus;
  /** A saved export moved on (at most 4 a second per job) or started. */
  export_progress: ExportJob;
  /** A saved export ended: done, failed or canceled. */
  export_finished: ExportJob;
  /** Files of a library folder appeared, changed, went, or were probed (at most a few a second). */
  library_changed: { folder: string };
  /** A stream's recording to files started or stopped (POST …/record/start|stop, a session). */
  recording_changed: RecordingStatus;
  /** A recording file was finished (index written): done, or failed with the reason. */
  recording_finished: RecordingFile;
  recording_error: { stream: string; reason: string };
  /** A restream target went live, or dropped (retrying) or stopped. */
  restream_changed: { stream: string; target: PushStatus };
  /**
   * The archive of a live stream got a hole: the first segment written after time was lost
   * (a segment dropped or not written, recording paused for disk space, the source's clock
   * jumped). fromMs is where the archive stops, toMs where it goes on (UTC ms).
   */
  dvr_gap: { stream: string; fromMs: number; toMs: number; reason: string };
  /** A live mix produces pictures (its first frame came out of the encoder). */
  mix_started: { name: string; encoder: string };
  /** A live mix that had started stopped: deleted, taken over, its encoder gone, the studio stopping. */
  mix_stopped: { name: string; reason: string };
  /** A stream's viewer count crossed one of the viewerThresholds settings (sampled once a second). */
  viewers_threshold: { stream: string; viewers: number; threshold: number; direction: 'up' | 'down' };
  /** What a webhook receives for an event (its body without id and at), sent whether or not any hook is configured. */
  webhook_event: { type: WebhookEventType; stream: string | null; data: Record<string, unknown> };
}
export type StudioEventType = keyof StudioEventMap;
export type StudioEvent = {
  [K in StudioEventType]: { type: K; at: string; data: StudioEventMap[K] };
}[StudioEventType];
