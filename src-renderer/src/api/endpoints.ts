// Typed calls for each route of the studio API; shapes come from the server's contract.
import type {
  DvrLock,
  DvrLockRequest,
  DvrRetentionStatus,
  FfmpegStatus,
  Health,
  PublishUrls,
  SessionInfo,
  SettingsPatch,
  SettingsView,
  StreamConfigCreate,
  StreamConfigPatch,
  StreamInfo,
  SystemInfo,
  ViewerSession,
} from '../../../src-main/contract/studio-api';
import type { ExportJob, ExportRequest } from '../../../src-main/contract/export-api';
import type { WelcomeState } from '../../../src-main/contract/welcome-api';
import type { AboutInfo } from '../../../src-main/contract/about-api';
import type { LibraryImport, PublicLibraryFile, LibraryFileMove, LibraryFolder, LibraryFolderPatch, LibraryFolderRequest, LibraryListing, LibraryQuery } from '../../../src-main/contract/library-api';
import type { LanInfo, PublicStream } from '../../../src-main/contract/public-api';
import type { Webhook, WebhookCreate } from '../../../src-main/contract/webhook-api';
import type { MixCreate, MixLayout, MixRenderRequest, MixScene, MixStatus } from '../../../src-main/contract/mixer-api';
import type { MediaInfo, SpriteMap } from '../../../src-main/contract/stream-files';
import type { RecordingFile, RecordingSession, RecordingSessionStart, RecordingStatus as FileRecordingStatus, RecordStart } from '../../../src-main/contract/recording-api';
import type { CoverageBucket } from '../lib/timeline/coverage';
import { streamApiPath, streamFileUrl } from '../lib/stream-name';
import { request } from './http';

/** GET /NAME/recording_status.json (Flussonic's shape): UTC seconds; `[]` when nothing is recorded or locked. */
export type RecordingStatus = { stream: string; ranges?: { from: number; duration: number }[]; locks?: { from: number; duration: number }[] }[];

/** GET /api/recordings: recording files newest first, and every stream recording to files now. */
export interface RecordingsQuery {
  stream?: string;
  session?: string;
  limit?: number;
  offset?: number;
}
export interface RecordingsListing {
  total: number;
  files: RecordingFile[];
  active: FileRecordingStatus[];
}

const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});

/** "&token=…" for a stream with a play token: its media URLs (thumbnails, playlists, media info) need it, the admin's too. */
export function tokenParam(token: string | null | undefined, first = false): string {
  return token ? `${first ? '?' : '&'}token=${encodeURIComponent(token)}` : '';
}

export const api = {
  session: () => request<SessionInfo>('GET', '/api/auth/session'),
  login: (token: string) =>
    request<void>('POST', '/api/auth/login', { body: { token }, ignoreUnauthorized: true }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  health: () => request<Health>('GET', '/api/health'),
  system: () => request<SystemInfo>('GET', '/api/system'),
  probeFfmpeg: () => request<FfmpegStatus>('POST', '/api/system/ffmpeg/probe'),
  /** Whether an admin has finished or skipped the first-run screen on this studio. */
  welcome: () => request<WelcomeState>('GET', '/api/welcome'),
  finishWelcome: () => request<void>('POST', '/api/welcome/done'),
  about: (signal?: AbortSignal) => request<AboutInfo>('GET', '/api/about', withSignal(signal)),
  settings: () => request<SettingsView>('GET', '/api/settings'),
  saveSettings: (patch: SettingsPatch) => request<SettingsView>('PUT', '/api/settings', { body: patch }),
  streams: () => request<StreamInfo[]>('GET', '/api/streams'),
  stream: (name: string) => request<StreamInfo>('GET', streamApiPath(name)),
  createStream: (body: StreamConfigCreate) => request<StreamInfo>('POST', '/api/streams', { body }),
  updateStream: (name: string, patch: StreamConfigPatch) => request<StreamInfo>('PUT', streamApiPath(name), { body: patch }),
  deleteStream: (name: string) => request<void>('DELETE', streamApiPath(name)),
  publishUrls: (name: string, signal?: AbortSignal) =>
    request<PublishUrls>('GET', streamApiPath(name, '/publish-urls'), signal ? { signal } : {}),
  /** The watch page's list: public, answers without a session. */
  publicLibrary: (signal?: AbortSignal) => request<{ total: number; files: PublicLibraryFile[] }>('GET', '/api/public/library?limit=200', withSignal(signal)),
  publicStreams: (signal?: AbortSignal) => request<PublicStream[]>('GET', '/api/public/streams', signal ? { signal } : {}),
  lan: () => request<LanInfo>('GET', '/api/lan'),
  mixes: (signal?: AbortSignal) => request<MixStatus[]>('GET', '/api/mixes', withSignal(signal)),
  createMix: (body: MixCreate) => request<MixStatus>('POST', '/api/mixes', { body }),
  updateMix: (name: string, layout: MixLayout) => request<MixStatus>('PUT', `/api/mixes/${encodeURIComponent(name)}`, { body: layout }),
  deleteMix: (name: string) => request<void>('DELETE', `/api/mixes/${encodeURIComponent(name)}`),
  webhooks: (signal?: AbortSignal) => request<Webhook[]>('GET', '/api/webhooks', withSignal(signal)),
  createWebhook: (body: WebhookCreate) => request<Webhook>('POST', '/api/webhooks', { body }),
  testWebhook: (id: string) => request<Webhook>('POST', `/api/webhooks/${encodeURIComponent(id)}/test`),
  deleteWebhook: (id: string) => request<void>('DELETE', `/api/webhooks/${encodeURIComponent(id)}`),
  setMixScenes: (name: string, scenes: MixScene[]) => request<MixStatus>('PUT', `/api/mixes/${encodeURIComponent(name)}/scenes`, { body: scenes }),
  renderMix: (body: MixRenderRequest) => request<ExportJob>('POST', '/api/mixes/render', { body }),
  library: (query: LibraryQuery, signal?: AbortSignal) =>
    request<LibraryListing>('GET', `/api/library?${new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]))}`, withSignal(signal)),
  libraryFolders: (signal?: AbortSignal) => request<LibraryFolder[]>('GET', '/api/library/folders', withSignal(signal)),
  addLibraryFolder: (body: LibraryFolderRequest) => request<LibraryFolder>('POST', '/api/library/folders', { body }),
  patchLibraryFolder: (name: string, body: LibraryFolderPatch) => request<LibraryFolder>('PUT', `/api/library/folders/${encodeURIComponent(name)}`, { body }),
  removeLibraryFolder: (name: string) => request<void>('DELETE', `/api/library/folders/${encodeURIComponent(name)}`),
  moveLibraryFile: (body: LibraryFileMove) => request<void>('PUT', '/api/library/files', { body }),
  deleteLibraryFile: (folder: string, path: string) => request<void>('DELETE', `/api/library/files?${new URLSearchParams({ folder, path })}`),
  exportToLibrary: (exportId: string, folder = 'media') => request<{ folder: string; path: string }>('POST', `/api/library/from-export/${encodeURIComponent(exportId)}`, { body: { folder } }),
  importLibraryFile: (body: LibraryImport) => request<{ folder: string; path: string }>('POST', '/api/library/imports', { body }),
  rescanLibraryFolder: (name: string) => request<void>('POST', `/api/library/folders/${encodeURIComponent(name)}/rescan`),
  sessions: (stream: string, signal?: AbortSignal) =>
    request<ViewerSession[]>('GET', `/api/sessions?${new URLSearchParams({ stream })}`, signal ? { signal } : {}),
  endSession: (id: string) => request<void>('DELETE', `/api/sessions/${encodeURIComponent(id)}`),
  /** Recorded share and bytes per `step` seconds over [from, to] (UTC seconds). */
  dvrSummary: (name: string, from: number, to: number, step: number, signal?: AbortSignal) =>
    request<CoverageBucket[]>('GET', streamApiPath(name, `/dvr/summary?${new URLSearchParams({ from: String(from), to: String(to), step: String(step) })}`), withSignal(signal)),
  recordingStatus: (name: string, from: number, to: number | 'now', signal?: AbortSignal) =>
    request<RecordingStatus>('GET', `${streamFileUrl(name, 'recording_status.json')}?${new URLSearchParams({ from: String(Math.floor(from)), to: String(to === 'now' ? 'now' : Math.ceil(to)), request: 'ranges,locks' })}`, withSignal(signal)),
  mediaInfo: (name: string, token: string | null, signal?: AbortSignal) =>
    request<MediaInfo>('GET', `${streamFileUrl(name, 'media_info.json')}${tokenParam(token, true)}`, withSignal(signal)),
  /** Every stream with a recording, also those no longer configured or live (UTC seconds). */
  recordedStreams: (signal?: AbortSignal) => request<{ stream: string; from: number; to: number }[]>('GET', '/api/dvr/streams', withSignal(signal)),
  dvrLocks: (stream: string, signal?: AbortSignal) => request<DvrLock[]>('GET', `/api/dvr/locks?${new URLSearchParams({ stream })}`, withSignal(signal)),
  lockRange: (body: DvrLockRequest) => request<{ lock: DvrLock; recorded: boolean; note: string | null }>('POST', '/api/dvr/lock', { body }),
  unlockRange: (body: DvrLockRequest) => request<{ changed: number }>('POST', '/api/dvr/unlock', { body }),
  /** Archive files retention could not delete; later changes arrive as dvr_retention_stuck events. */
  dvrRetention: () => request<DvrRetentionStatus>('GET', '/api/dvr/retention'),
  exports: (signal?: AbortSignal) => request<ExportJob[]>('GET', '/api/exports', withSignal(signal)),
  /** 202: the job, queued; progress arrives as export_progress / export_finished events. */
  createExport: (body: ExportRequest) => request<ExportJob>('POST', '/api/exports', { body }),
  cancelExport: (id: string) => request<unknown>('DELETE', `/api/exports/${encodeURIComponent(id)}`),
  /** Record the stream to plain files (MP4, MKV, MPEG-TS) until stopped; 409 when it already does. */
  startRecording: (name: string, body: RecordStart = {}) => request<FileRecordingStatus>('POST', streamApiPath(name, '/record/start'), { body }),
  stopRecording: (name: string) => request<FileRecordingStatus>('POST', streamApiPath(name, '/record/stop')),
  /** Whether the stream records to files now (not the archive's recording_status.json: that is recordingStatus). */
  fileRecordingStatus: (name: string, signal?: AbortSignal) => request<FileRecordingStatus>('GET', streamApiPath(name, '/record'), withSignal(signal)),
  /** Several streams as one multicam session: all start, or none. */
  startRecordingSession: (body: RecordingSessionStart) => request<RecordingSession>('POST', '/api/recordings/sessions', { body }),
  stopRecordingSession: (session: string) => request<FileRecordingStatus[]>('POST', `/api/recordings/sessions/${encodeURIComponent(session)}/stop`),
  listRecordings: (query: RecordingsQuery = {}, signal?: AbortSignal) =>
    request<RecordingsListing>('GET', `/api/recordings?${new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]))}`, withSignal(signal)),
  /** 201: where the finished file now is in the Library (FOLDER/Recordings/NAME). */
  recordingToLibrary: (id: number, folder?: string) =>
    request<{ folder: string; path: string }>('POST', `/api/recordings/${encodeURIComponent(String(id))}/library`, { body: folder === undefined ? {} : { folder } }),
  sprite: (name: string, from: number, duration: number, tiles: number, token: string | null, signal?: AbortSignal) =>
    request<SpriteMap>('GET', `${streamFileUrl(name, `sprite-${from}-${duration}.json`)}?tiles=${tiles}${tokenParam(token)}`, withSignal(signal)),
};

/** The finished file of a saved export, as a download. */
export function exportFileUrl(id: string): string {
  return `/api/exports/${encodeURIComponent(id)}/file`;
}

/** A finished recording file, as a download (Range requests work). */
export function recordingFileUrl(id: number): string {
  return `/api/recordings/${encodeURIComponent(String(id))}/file`;
}

/** The range as one MP4 straight from the archive, no job (whole seconds, as the URL takes them). */
export function directMp4Url(name: string, from: number, to: number, precise: boolean, token: string | null): string {
  const start = Math.floor(from);
  const duration = Math.max(1, Math.ceil(to) - start);
  return `${streamFileUrl(name, `archive-${start}-${duration}.mp4`)}?precise=${precise}${tokenParam(token)}`;
}
