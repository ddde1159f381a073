// What the tray (menu bar) icon shows and what the shell notifies about, from the
// studio's own event stream. Pure: the Electron side only draws it.
import type { StreamInfo, StudioEvent } from '../contract/studio-api.js';

export type TrayState = 'idle' | 'live' | 'recording' | 'error';

export interface TrayStatus {
  state: TrayState;
  /** Streams with a source right now. */
  live: number;
  /** Live streams the archive or a recording file is taking. */
  recording: number;
  /** One line for the tooltip and the menu's first item. */
  summary: string;
}

/** A recording error keeps the tray red this long after it was said (or until the stream records again). */
export const errorHoldMs = 60_000;

const isLive = (s: StreamInfo) => s.state === 'publishing' || s.state === 'pulling';

export function trayStatus(streams: readonly StreamInfo[], lastErrorAt: number | null, now: number): TrayStatus {
  const live = streams.filter(isLive);
  const recording = live.filter((s) => s.dvr.recording || (s.files && !s.files.error)).length;
  const failing = streams.filter((s) => (isLive(s) && s.dvr.error) || s.files?.error || s.state === 'failed');
  const recentError = lastErrorAt !== null && now - lastErrorAt < errorHoldMs;
  const state: TrayState = failing.length > 0 || recentError ? 'error' : recording > 0 ? 'recording' : live.length > 0 ? 'live' : 'idle';
  const counts = live.length === 0 ? 'no live streams' : `${live.length} live, ${recording} recording`;
  const problem = failing[0] ? `: ${failing[0].name}: ${failing[0].dvr.error ?? failing[0].files?.error ?? failing[0].reason ?? 'failed'}` : recentError ? ': a recording error (see the log)' : '';
  return { state, live: live.length, recording, summary: `Framehouse: ${counts}${problem}` };
}

export interface DesktopNotice {
  title: string;
  body: string;
  /** Errors stay until clicked where the OS allows; the rest go by themselves. */
  urgent: boolean;
  /** Where a click takes the window (a section of the studio UI, by its address hash). */
  route: string;
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/** The events worth a desktop notification: recording errors, low disk, finished exports and recordings. */
export function noticeFor(event: StudioEvent): DesktopNotice | null {
  switch (event.type) {
    case 'dvr_error':
      return { title: `Recording error: ${event.data.stream}`, body: event.data.reason, urgent: true, route: '#/monitor' };
    case 'recording_error':
      return { title: `Recording file error: ${event.data.stream}`, body: event.data.reason, urgent: true, route: '#/monitor' };
    case 'dvr_disk_low':
      return { title: 'Disk almost full: recording paused', body: `${gib(event.data.freeBytes)} free, below the ${gib(event.data.minFreeBytes)} limit. ${event.data.message}`, urgent: true, route: '#/settings' };
    case 'export_finished': {
      const job = event.data;
      if (job.state === 'done') return { title: 'Export done', body: job.fileName ?? job.stream, urgent: false, route: '#/dvr' };
      if (job.state === 'failed') return { title: `Export failed: ${job.stream}`, body: job.error ?? 'see the export list', urgent: true, route: '#/dvr' };
      return null;
    }
    case 'recording_finished':
      return event.data.state === 'failed' ? { title: `Recording file failed: ${event.data.stream}`, body: event.data.error ?? 'see the recording list', urgent: true, route: '#/monitor' } : null;
    default:
      return null;
  }
}

/** Events that turn the tray red for a while. */
export const isRecordingError = (event: StudioEvent) => event.type === 'dvr_error' || event.type === 'recording_error' || event.type === 'dvr_disk_low';
