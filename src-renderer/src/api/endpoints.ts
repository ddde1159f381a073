// Typed calls for each route of the studio API; shapes come from the server's contract.
import type {
  FfmpegStatus,
  Health,
  SessionInfo,
  SettingsPatch,
  SettingsView,
  SystemInfo,
} from '../../../src-main/api/contract';
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
};
