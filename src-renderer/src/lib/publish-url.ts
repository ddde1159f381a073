import type { PublishUrls } from '../../../src-main/contract/studio-api';

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '[::]';
const isLoopback = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '[::1]';

/**
 * Whether publishers on other hosts can reach the studio, so the LAN key rule applies: any
 * bind but loopback. Bound to one LAN address, even an encoder on this machine dials that
 * address, and the studio sees it as another host.
 */
export function listensBeyondLoopback(host: string | undefined): boolean {
  return host !== undefined && !isLoopback(host);
}

/** The host name an encoder dials: the bind address, or the one this page was reached by when the studio listens on all of them. */
export function dialHost(bindHost: string, pageHost: string): string {
  return isWildcard(bindHost) ? pageHost : bindHost;
}

/** A host as it goes in a URL: an IPv6 address in brackets. */
export function hostPart(name: string): string {
  return name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
}

/**
 * The RTMP address to publish to. A wildcard bind (0.0.0.0) is not an address an
 * encoder can dial, so the host name this page was reached by stands in for it.
 */
export function rtmpPublishBase(host: string, rtmpPort: number, pageHost: string, app = 'live'): string {
  const name = isWildcard(host) ? pageHost : host;
  return `rtmp://${hostPart(name)}:${rtmpPort}/${app}`;
}

/**
 * The server words publish URLs for a wildcard bind with 127.0.0.1, which only
 * works on the studio machine itself. A page reached over the LAN knows a better
 * name: the one it was opened by, which other devices can reach too.
 */
export function localizePublishUrls(urls: PublishUrls, bindHost: string | undefined, pageHost: string): PublishUrls {
  if (bindHost === undefined || !isWildcard(bindHost) || pageHost === '' || isLoopback(pageHost)) return urls;
  const swap = (url: string) => url.replace(/^([a-z][a-z0-9+.-]*:\/\/)(127\.0\.0\.1|localhost|\[::1\])(?=[:/?]|$)/i, `$1${hostPart(pageHost)}`);
  return {
    rtmp: { server: swap(urls.rtmp.server), key: urls.rtmp.key, url: swap(urls.rtmp.url) },
    srt: swap(urls.srt),
    mpegtsHttp: swap(urls.mpegtsHttp),
    smoothHttp: swap(urls.smoothHttp),
    keyForOtherHosts: urls.keyForOtherHosts,
  };
}

/** Appends a query parameter to a URL or stream key that may already have a query. */
const withParam = (target: string, name: string, value: string) => `${target}${target.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(value)}`;

/** The same URLs as an encoder on another host must use them: with the studio publish key. */
export function withPublishKey(urls: PublishUrls, key: string): PublishUrls {
  const rtmpKey = withParam(urls.rtmp.key, 'key', key);
  return {
    rtmp: { server: urls.rtmp.server, key: rtmpKey, url: `${urls.rtmp.server}/${rtmpKey}` },
    // The key belongs inside the stream id (publish:live/cam1?key=…), which ffmpeg and OBS pass to us whole.
    srt: `${urls.srt}?key=${encodeURIComponent(key)}`,
    mpegtsHttp: withParam(urls.mpegtsHttp, 'key', key),
    smoothHttp: withParam(urls.smoothHttp, 'key', key),
    keyForOtherHosts: key,
  };
}

/** The first folder of a prefix, as RTMP's "app": "live/" → "live". */
export function prefixApp(prefix: string | undefined): string {
  const app = prefix?.split('/').find((part) => part.length > 0);
  return app ?? 'live';
}

/** Quotes a shell argument only when it needs it (a `?password=` would glob). */
function shellArg(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A test pattern with a tone, published over RTMP: proves the path end to end. */
export function ffmpegTestCommand(rtmpUrl: string): string {
  return [
    'ffmpeg -re',
    '-f lavfi -i testsrc2=size=1280x720:rate=30',
    '-f lavfi -i sine=frequency=440',
    '-c:v libx264 -preset veryfast -g 60 -c:a aac',
    `-f flv ${shellArg(rtmpUrl)}`,
  ].join(' ');
}

/** The RTMP URL with the publish password in the key, as the studio expects it. */
export function withPasswordPlaceholder(url: string): string {
  return `${url}?password=PASSWORD`;
}
