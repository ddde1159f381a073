// The watch page's wording and URLs: which streams come first, what a card says,
// and how the player is addressed.
import type { PublicStream } from '../../../src-main/contract/public-api';
import { streamFileUrl } from './stream-name';
import { resolutionLabel, videoCodecName, audioCodecName } from './stream-format';

/** Live streams first, then by title (or name), so what can be watched now is on top. */
export function sortForWatching(streams: readonly PublicStream[]): PublicStream[] {
  const label = (s: PublicStream) => (s.title || s.name).toLowerCase();
  return [...streams].sort((a, b) => Number(b.live) - Number(a.live) || label(a).localeCompare(label(b)) || a.name.localeCompare(b.name));
}

/** "1920×1080 · H.264 · AAC", or what is known of it. */
export function mediaLabel(stream: Pick<PublicStream, 'video' | 'audio'>): string {
  const parts: string[] = [];
  if (stream.video) parts.push(resolutionLabel(stream.video), videoCodecName(stream.video.codec));
  if (stream.audio) parts.push(audioCodecName(stream.audio.codec));
  return parts.join(' · ');
}

/** How much is recorded: "Archive 2h 05m", "Archive 3d 4h"; null when nothing is. */
export function archiveLabel(archive: PublicStream['archive']): string | null {
  if (!archive) return null;
  const seconds = Math.max(0, Math.round((archive.lastMs - archive.firstMs) / 1000));
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `Archive ${d}d ${h}h`;
  if (h > 0) return `Archive ${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `Archive ${m}m`;
  return `Archive ${seconds}s`;
}

/** The player page of a stream: autoplay, the whole archive when `dvr`, the play token when locked. */
export function embedUrl(name: string, options: { dvr?: boolean; token?: string | null } = {}): string {
  const params = new URLSearchParams({ autoplay: '1' });
  // Live plays over WebRTC (sub-second) where the browser and the stream allow, HLS otherwise.
  if (options.dvr) params.set('dvr', 'true');
  else params.set('webrtc', '1');
  if (options.token) params.set('token', options.token);
  return `${streamFileUrl(name, 'embed.html')}?${params}`;
}

/** The poster: the latest keyframe, with the token for a locked stream. `step` changes the URL to refresh it. */
export function posterUrl(name: string, token: string | null, step: number): string {
  const params = new URLSearchParams({ t: String(step) });
  if (token) params.set('token', token);
  return `${streamFileUrl(name, 'preview.jpg')}?${params}`;
}

// The player is addressed in the URL hash, so a phone's Back button closes it
// and a link can open one stream directly: #/watch/live/cam1.
const watchPrefix = '#/watch/';

export function watchHash(name: string): string {
  return `${watchPrefix}${name.split('/').map(encodeURIComponent).join('/')}`;
}

/** The stream named in the hash, or null (the grid). */
export function streamFromHash(hash: string): string | null {
  if (!hash.startsWith(watchPrefix)) return null;
  try {
    const name = hash.slice(watchPrefix.length).split('/').map(decodeURIComponent).join('/');
    return name.length > 0 ? name : null;
  } catch {
    return null;
  }
}
