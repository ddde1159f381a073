import os from 'node:os';
import type { BoundAddress } from './listen.js';

export interface StudioUrls {
  http: string;
  /** Opens the UI signed in (sets the session cookie, then drops the token from the address bar). */
  login: string;
  lan: string[];
  /** The HTTPS listener (Settings → https), where browsers on other hosts get a camera; null when off. */
  https: string | null;
  rtmp: string;
  srt: string;
}

/** Bound to every interface: clients on this machine reach it at 127.0.0.1. */
export const isWildcard = (host: string) => host === '0.0.0.0' || host === '::';

const hostPart = (h: string) => (h.includes(':') ? `[${h}]` : h);
const localHost = (bindHost: string) => (isWildcard(bindHost) ? '127.0.0.1' : bindHost);

export const httpUrl = (bindHost: string, address: BoundAddress) => `http://${hostPart(localHost(bindHost))}:${address.port}/`;
export const httpsUrl = (bindHost: string, address: BoundAddress) => `https://${hostPart(localHost(bindHost))}:${address.port}/`;

/** This machine's IPv4 addresses on its networks (not loopback). */
export function lanAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => !i.internal && i.family === 'IPv4')
    .map((i) => i.address);
}
export const rtmpUrl = (bindHost: string, address: BoundAddress) => `rtmp://${hostPart(localHost(bindHost))}:${address.port}/live`;
export const srtUrl = (bindHost: string, address: BoundAddress) => `srt://${hostPart(localHost(bindHost))}:${address.port}`;

/** Where each listener can be reached, from this machine and (bound to every interface) from the LAN. */
export function urlsFor(address: BoundAddress, bindHost: string, token: string, rtmp: BoundAddress | null, srt: BoundAddress | null = null, secure: BoundAddress | null = null): StudioUrls {
  const http = httpUrl(bindHost, address);
  // HTTPS ones after the plain ones: a phone that wants to publish its camera picks those.
  const lan = isWildcard(bindHost)
    ? [...lanAddresses().map((ip) => `http://${ip}:${address.port}/`), ...(secure ? lanAddresses().map((ip) => `https://${ip}:${secure.port}/`) : [])]
    : [];
  return {
    http,
    login: `${http}?token=${encodeURIComponent(token)}`,
    lan,
    https: secure ? httpsUrl(bindHost, secure) : null,
    rtmp: rtmp ? rtmpUrl(bindHost, rtmp) : '',
    srt: srt ? srtUrl(bindHost, srt) : '',
  };
}
