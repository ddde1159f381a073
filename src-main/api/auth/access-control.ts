import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SessionInfo } from '../contract.js';
import { sendError } from '../http-error.js';
import type { HostGuard } from './host-guard.js';
import { sameSecret, sessionValueFor } from './admin-token.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An /api route reachable without the admin token (health, docs, login). Routes outside /api are public: the UI's files and playback. */
    public?: boolean;
  }
}

export const sessionCookieName = 'fh_session';
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AccessControl {
  session(request: FastifyRequest): SessionInfo;
  /** Whether a state-changing request comes from the studio's own pages. */
  sameOrigin(request: FastifyRequest): boolean;
  readonly token: string;
  readonly sessionValue: string;
}

export function createAccessControl(token: string): AccessControl {
  const sessionValue = sessionValueFor(token);
  return {
    token,
    sessionValue,
    session(request) {
      const auth = request.headers.authorization;
      if (auth?.startsWith('Bearer ') && sameSecret(auth.slice(7).trim(), token)) return { authenticated: true, via: 'bearer' };
      const cookie = request.cookies[sessionCookieName];
      if (cookie && sameSecret(cookie, sessionValue)) return { authenticated: true, via: 'cookie' };
      return { authenticated: false, via: null };
    },
    sameOrigin(request) {
      const source = request.headers.origin ?? request.headers.referer;
      if (!source || source === 'null') return false;
      try {
        return new URL(source).host === request.headers.host;
      } catch {
        return false;
      }
    },
  };
}

/**
 * Three gates, in order: the Host header must name this studio (DNS rebinding);
 * every /api route not marked public needs the token (Bearer) or the session cookie; and a
 * cookie-authenticated write must come from the studio's own origin (CSRF).
 */
export function installAccessControl(app: FastifyInstance, access: AccessControl, hosts: HostGuard): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!hosts.allows(request.headers.host)) {
      return sendError(reply, 403, 'Host not allowed', `"${request.headers.host ?? ''}" is not a name of this studio; add it to Settings → allowed hosts to use it`);
    }
    if (request.is404 || !request.url.startsWith('/api/') || request.routeOptions.config.public) return;
    const session = access.session(request);
    if (!session.authenticated) {
      return sendError(reply, 401, 'Not signed in', 'this call needs the admin token (Authorization: Bearer …) or a session from the login page');
    }
    const isWebSocket = request.headers.upgrade?.toLowerCase() === 'websocket';
    if (session.via === 'cookie' && (isWebSocket || !safeMethods.has(request.method)) && !access.sameOrigin(request)) {
      return sendError(reply, 403, 'Cross-site request refused', 'a cookie-authenticated change must come from the studio’s own page (Origin mismatch)');
    }
  });
}
