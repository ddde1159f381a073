import type { PublishUrls, Settings } from '../contract/studio-api.js';
import type { BoundAddress } from '../net/listen.js';

const hostPart = (h: string) => (h.includes(':') ? `[${h}]` : h);

/** Where an encoder sends a stream, as OBS asks for it (server + key) and as full URLs. */
export function publishUrlsFor(name: string, settings: Settings, bound: { http: BoundAddress | null; rtmp: BoundAddress | null; srt: BoundAddress | null }, hostOverride?: string): PublishUrls {
  const host = hostPart(hostOverride ?? (settings.host === '0.0.0.0' || settings.host === '::' ? '127.0.0.1' : settings.host));
  const slash = name.indexOf('/');
  const app = slash > 0 ? name.slice(0, slash) : name;
  const key = slash > 0 ? name.slice(slash + 1) : '';
  const rtmpPort = bound.rtmp?.port ?? settings.rtmpPort;
  const httpPort = bound.http?.port ?? settings.httpPort;
  const server = `rtmp://${host}:${rtmpPort}/${app}`;
  return {
    rtmp: { server, key, url: `${server}/${key}` },
    srt: `srt://${host}:${bound.srt?.port ?? settings.srtPort}?streamid=publish:${name}`,
    mpegtsHttp: `http://${host}:${httpPort}/${name}/mpegts`,
    smoothHttp: `http://${host}:${httpPort}/${name}.isml/Streams(video)`,
    keyForOtherHosts: settings.lanPublish === 'key' && settings.publishKey !== '' ? settings.publishKey : null,
  };
}
