// How the Monitor words a stream's figures: short, fixed units, three significant
// digits, so a grid of tiles reads as columns and nothing jitters as it updates.
import type { IngestProtocol, StreamInfo, StreamState } from '../../../src-main/contract/studio-api';

type VideoInfo = NonNullable<StreamInfo['video']>;
type AudioInfo = NonNullable<StreamInfo['audio']>;

const bitUnits = ['b/s', 'kb/s', 'Mb/s', 'Gb/s'];

/** Three significant digits: 2.41, 24.1, 241. */
function threeDigits(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** 2_410_000 → "2.41 Mb/s"; decimal units, as encoders and OBS count them. */
export function formatBitrate(bitsPerSecond: number): string {
  if (!Number.isFinite(bitsPerSecond) || bitsPerSecond < 0) return '–';
  if (bitsPerSecond < 1) return '0 b/s';
  let value = bitsPerSecond;
  let unit = 0;
  // 999.7 kb/s would round to "1000 kb/s"; move up before rounding does.
  while (value >= 999.5 && unit < bitUnits.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? Math.round(value).toString() : threeDigits(value)} ${bitUnits[unit]}`;
}

const videoCodecNames: Record<string, string> = { h264: 'H.264', hevc: 'HEVC', av1: 'AV1' };
const audioCodecNames: Record<string, string> = { aac: 'AAC', mp3: 'MP3', opus: 'Opus' };

export function videoCodecName(codec: string): string {
  return videoCodecNames[codec.toLowerCase()] ?? codec.toUpperCase();
}

export function audioCodecName(codec: string): string {
  return audioCodecNames[codec.toLowerCase()] ?? codec.toUpperCase();
}

/** "H.264 High 3.1", "HEVC Main 10 4.1", "AV1 Main". */
export function videoCodecLabel(video: Pick<VideoInfo, 'codec' | 'profile' | 'level'>): string {
  return [videoCodecName(video.codec), video.profile, video.level].filter((part) => part.length > 0).join(' ');
}

/** "1280×720" */
export function resolutionLabel(video: Pick<VideoInfo, 'width' | 'height'>): string {
  return `${video.width}×${video.height}`;
}

/** 30 → "30 fps", 29.97 → "29.97 fps", 0 → "0 fps". */
export function fpsLabel(fps: number | null): string {
  if (fps === null || !Number.isFinite(fps)) return '–';
  const rounded = Math.round(fps * 100) / 100;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : String(rounded)} fps`;
}

/** 48000 → "48 kHz", 44100 → "44.1 kHz". */
export function sampleRateLabel(hz: number): string {
  const khz = Math.round(hz / 10) / 100;
  return `${String(khz)} kHz`;
}

export function channelsLabel(channels: number): string {
  switch (channels) {
    case 1:
      return 'mono';
    case 2:
      return 'stereo';
    case 6:
      return '5.1';
    case 8:
      return '7.1';
    default:
      return `${channels} ch`;
  }
}

/** "AAC LC 48 kHz stereo"; a profile that names the codec itself ("HE-AAC") stands alone. */
export function audioLabel(audio: AudioInfo): string {
  const codec = audioCodecName(audio.codec);
  const profile = audio.profile.trim();
  const name = profile.length === 0 ? codec : profile.toUpperCase().includes(codec.toUpperCase()) ? profile : `${codec} ${profile}`;
  return `${name} ${sampleRateLabel(audio.sampleRate)} ${channelsLabel(audio.channels)}`;
}

/** Seconds between keyframes: "GOP 2.0 s". */
export function gopLabel(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'GOP –';
  return `GOP ${seconds.toFixed(1)} s`;
}

/** Whether the server's warnings are about the keyframe interval (they name keyframes). */
export function hasKeyframeWarning(warnings: readonly string[]): boolean {
  return warnings.some((w) => /keyframe|GOP/i.test(w));
}

const protocolNames: Record<IngestProtocol, string> = {
  rtmp: 'RTMP',
  srt: 'SRT',
  'mpegts-http': 'MPEG-TS',
  'fmp4-http': 'SMOOTH',
  whip: 'WebRTC',
  pull: 'PULL',
  file: 'FILE',
  transcode: 'TRANSCODE',
  mix: 'MIX',
};

export function protocolLabel(protocol: IngestProtocol | null): string | null {
  return protocol === null ? null : (protocolNames[protocol] ?? String(protocol).toUpperCase());
}

export type StateTone = 'ok' | 'warning' | 'danger' | 'idle';

/** publishing/pulling are healthy, reconnecting is on its way back, failed needs the user. */
export function stateTone(state: StreamState): StateTone {
  switch (state) {
    case 'publishing':
    case 'pulling':
      return 'ok';
    case 'reconnecting':
      return 'warning';
    case 'failed':
      return 'danger';
    default:
      return 'idle';
  }
}

/** Whether frames are (supposed to be) arriving: the preview refreshes only then. */
export function isLive(state: StreamState): boolean {
  return state === 'publishing' || state === 'pulling';
}

/** 120 → "120 ms", 4200 → "4.2 s", 95_000 → "1m 35s". */
export function formatAge(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return `${m}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
}

/** 1234567 → "1,234,567" with the user's grouping. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return Math.round(n).toLocaleString();
}

/** The non-zero error counters, worded, for the tile. */
export function errorSummary(errors: StreamInfo['errors']): { label: string; count: number }[] {
  const rows = [
    { label: 'continuity', count: errors.continuity },
    { label: 'timestamp jumps', count: errors.timestampJumps },
    { label: 'dropped', count: errors.droppedFrames },
  ];
  return rows.filter((row) => row.count > 0);
}

/** When a stream started: the time alone today, with a short date on other days. */
export function formatStartedAt(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { timeStyle: 'medium' })
    : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}
