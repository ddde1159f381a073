// Typed calls for each route of the studio API; shapes come from the server's contract.
import type {
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
} from '../../../src-main/api/contract';
import type { LanInfo, PublicStream } from '../../../src-main/api/public-contract';
import { streamApiPath } from '../lib/stream-name';
import { request } from './http';

export const api = {
  session: () => request<SessionInfo>('GET', '/api/auth/session'),
  login: (token: string) =>
    request<void>('POST', '/api/auth/login', { body: { token }, ignoreUnauthorized: true }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  health: () => request<Health>('GET', '/api/health'),
  system: () => request<SystemInfo>('GET', '/api/system'),
  probeFfmpeg: () => request<FfmpegStatus>('POST', '/api/system/ffmpeg/probe'),
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
  publicStreams: (signal?: AbortSignal) => request<PublicStream[]>('GET', '/api/public/streams', signal ? { signal } : {}),
  lan: () => request<LanInfo>('GET', '/api/lan'),
  sessions: (stream: string, signal?: AbortSignal) =>
    request<ViewerSession[]>('GET', `/api/sessions?${new URLSearchParams({ stream })}`, signal ? { signal } : {}),
  endSession: (id: string) => request<void>('DELETE', `/api/sessions/${encodeURIComponent(id)}`),
};
