// Restream targets as a streamer adds them: a platform and a stream key (the URL made
// from them), or a URL of their own. Pure, so the rules are tested without a window.
import type { PushTarget } from '../../../src-main/contract/restream-api';
import type { StreamConfigView } from '../../../src-main/contract/studio-api';

export type PlatformId = 'youtube' | 'twitch' | 'facebook' | 'custom';

/** Where each platform takes RTMP(S) ingest; the key goes after the last slash. */
export const platforms: Record<PlatformId, { label: string; base: string | null; keyHelp: string }> = {
  youtube: { label: 'YouTube', base: 'rtmps://a.rtmps.youtube.com:443/live2/', keyHelp: 'YouTube Studio → Go live → Stream key' },
  twitch: { label: 'Twitch', base: 'rtmp://live.twitch.tv/app/', keyHelp: 'Twitch dashboard → Settings → Stream → Primary stream key' },
  facebook: { label: 'Facebook', base: 'rtmps://live-api-s.facebook.com:443/rtmp/', keyHelp: 'Facebook Live Producer → Streaming software → Stream key' },
  custom: { label: 'Other server (RTMP, RTMPS, SRT)', base: null, keyHelp: 'rtmp://server/app/key, rtmps://…, or srt://host:port?streamid=…&passphrase=…' },
};

/** The target to add, or what is wrong with the form. */
export function targetFrom(platform: PlatformId, text: string, label: string): { target: PushTarget } | { error: string } {
  const value = text.trim();
  if (value === '') return { error: platform === 'custom' ? 'Enter the URL to send to' : 'Enter the stream key' };
  const base = platforms[platform].base;
  if (base) {
    if (!/^[A-Za-z0-9_\-.?=&]{4,300}$/.test(value)) return { error: 'A stream key is letters, digits and - _ . ? = & only' };
    return { target: { url: `${base}${value}`, label: label.trim() || platforms[platform].label } };
  }
  if (!/^(rtmps?|srt):\/\/\S+$/i.test(value)) return { error: 'The URL starts with rtmp://, rtmps:// or srt://' };
  if (value.length > 2048) return { error: 'The URL is longer than 2048 characters' };
  return { target: { url: value, ...(label.trim() ? { label: label.trim() } : {}) } };
}

/** The targets as the server showed them (masked URLs it recognises and keeps), to PUT back with a change. */
export function targetsOf(config: StreamConfigView | null): PushTarget[] {
  return (config?.push ?? []).map((t) => ({ id: t.id, url: t.url, enabled: t.enabled, label: t.label, rendition: t.rendition }));
}

/** Which platform a URL goes to, for its icon and name. */
export function platformOf(url: string): PlatformId {
  for (const id of ['youtube', 'twitch', 'facebook'] as const) if (url.startsWith(platforms[id].base!.replace(/:443/, '')) || url.startsWith(platforms[id].base!)) return id;
  if (/youtube\.com/.test(url)) return 'youtube';
  if (/twitch\.tv/.test(url)) return 'twitch';
  if (/facebook\.com/.test(url)) return 'facebook';
  return 'custom';
}
