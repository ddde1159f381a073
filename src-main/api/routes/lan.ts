import type { FastifyInstance } from 'fastify';
import { ErrorBody } from '../../contract/studio-api.js';
import { LanInfo } from '../../contract/public-api.js';

export interface LanRouteDeps {
  /** The studio's URLs now: `http` on the bound address, `lan` one per network address when bound to all. */
  urls: () => { http?: string; lan: string[] };
  /** The host setting the listeners are bound to. */
  host: () => string;
}

const wildcard = (host: string) => ['0.0.0.0', '::', '[::]'].includes(host);
const loopback = (host: string) => /^127\./.test(host) || ['::1', '[::1]', 'localhost'].includes(host.toLowerCase());

/** Who else can reach the studio: the bind address, and the URLs to give phones and other computers. */
export function lanInfo(deps: LanRouteDeps): LanInfo {
  const bound = deps.host();
  if (wildcard(bound)) return { bound, lan: true, urls: deps.urls().lan };
  if (loopback(bound)) return { bound, lan: false, urls: [] };
  // One address of this machine: that one is the LAN URL.
  const http = deps.urls().http;
  return { bound, lan: true, urls: http ? [http] : [] };
}

export function lanRoutes(deps: LanRouteDeps) {
  return async (app: FastifyInstance) => {
    app.get(
      '/api/lan',
      { config: { access: 'admin' },
        schema: {
          tags: ['settings'],
          summary: 'Whether devices on the network can reach the studio, and its URL on each network address',
          response: { 200: LanInfo, 401: ErrorBody },
        },
      },
      async () => lanInfo(deps),
    );
  };
}
