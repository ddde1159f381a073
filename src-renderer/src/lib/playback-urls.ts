// The URLs a viewer plays a stream by, as the Monitor hands them out: absolute,
// on this machine's address or the studio's LAN address, with the play token when locked.
import type { LanInfo } from '../../../src-main/contract/public-api';
import { streamFileUrl } from './stream-name';

export interface PlaybackUrls {
  /** The player page: BASE/NAME/embed.html */
  player: string;
  /** The same page with low-latency tuning: ?lowlatency=1 */
  playerLowLatency: string;
  /** HLS (LL-HLS capable): BASE/NAME/index.m3u8 */
  hls: string;
  /** MPEG-TS over HTTP, for VLC, ffplay and set-top boxes: BASE/NAME/mpegts */
  mpegts: string;
  /** The player page over the whole archive, seekable; null without a recording. */
  dvr: string | null;
  /** What a player or middleware needs to know first: BASE/NAME/media_info.json */
  mediaInfo: string;
}

export interface PlaybackUrlOptions {
  /** The stream's play token; null or empty for open playback. */
  token?: string | null;
  /** The stream has a recording (or DVR is on): offer the archive player. */
  dvr?: boolean;
}

/** "http://host:1/" → "http://host:1": the base never ends in a slash, the paths start with one. */
function trimBase(base: string): string {
  return base.replace(/\/+$/, '');
}

/** Adds `params` (in order) and the token last, as ?a=1&token=… or &token=…. */
function withQuery(url: string, params: [string, string][], token: string | null): string {
  const all = token ? [...params, ['token', token] as [string, string]] : params;
  if (all.length === 0) return url;
  const query = all.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

/**
 * Every playback URL of `name` under `base` (an origin such as http://192.168.1.20:8935).
 * Each part of the name is encoded on its own, so live/cam1 stays live/cam1 in the path.
 */
export function playbackUrls(base: string, name: string, options: PlaybackUrlOptions = {}): PlaybackUrls {
  const root = trimBase(base);
  const token = options.token ? options.token : null;
  const file = (f: string, params: [string, string][] = []) => withQuery(`${root}${streamFileUrl(name, f)}`, params, token);
  return {
    player: file('embed.html'),
    playerLowLatency: file('embed.html', [['lowlatency', '1']]),
    hls: file('index.m3u8'),
    mpegts: file('mpegts'),
    dvr: options.dvr ? file('embed.html', [['dvr', 'true']]) : null,
    mediaInfo: file('media_info.json'),
  };
}

/** The studio's first LAN address as a base, or null when it is not on the LAN (or has no network). */
export function lanBase(lan: LanInfo | null | undefined): string | null {
  if (!lan?.lan) return null;
  const first = lan.urls.find((u) => /^https?:\/\//i.test(u));
  return first ? trimBase(first) : null;
}

/**
 * Whether the LAN base is worth offering beside the page's own origin: not when the
 * page was itself opened by that address (its links already work from other devices).
 */
export function offersLanBase(origin: string, lan: string | null): lan is string {
  return lan !== null && trimBase(origin).toLowerCase() !== lan.toLowerCase();
}

/** "http://192.168.1.20:8935" → "192.168.1.20:8935", for a label. */
export function baseLabel(base: string): string {
  return trimBase(base).replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
}
