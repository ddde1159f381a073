import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { SessionInfo } from '../../contract/studio-api.js';
import { sendError } from '../../http/problem-reply.js';
import type { HostGuard } from './host-guard.js';
import { sameSecret } from '../../net/same-secret.js';
import type { SessionStore } from './session-store.js';

/**
 * Who may call a route, declared where the route is registered:
 * - `public`: anyone who reaches the studio (the UI's files, health, login, docs);
 * - `admin`: the admin token (Bearer) or a sign-in session;
 * - `play`: per-stream media and pages; the handler checks the stream's play token once it knows the stream;
 * - `publish`: ingest over HTTP; the handler asks the publish gate once it knows the stream.
 */
export type RouteAccess = 'public' | 'admin' | 'play' | 'publish';
const routeAccessLevels: ReadonlySet<string> = new Set<RouteAccess>(['public', 'admin', 'play', 'publish']);

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

export const sessionCookieName = 'fh_session';
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AccessControl {
  session(request: FastifyRequest): SessionInfo;
  /** Whether a state-changing request comes from the studio's own pages. */
  sameOrigin(request: FastifyRequest): boolean;
  /** Whether `given` is the admin token (constant time, length not revealed). */
  isAdminToken(given: string): boolean;
  /** Opens a sign-in session for this client and sets its cookie. */
  signIn(request: FastifyRequest, reply: FastifyReply): FastifyReply;
  /** Ends this client's session (server-side too) and clears its cookie. */
  signOut(request: FastifyRequest, reply: FastifyReply): FastifyReply;
}

export function createAccessControl(token: string, sessions: SessionStore): AccessControl {
  const cookieOptions = (request: FastifyRequest) =>
    // Secure only over TLS: over plain HTTP on the LAN a Secure cookie would never come back.
    ({ path: '/', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', maxAge: 30 * 24 * 3600 }) as const;
  return {
    session(request) {
      const auth = request.headers.authorization;
      if (auth?.startsWith('Bearer ') && sameSecret(auth.slice(7).trim(), token)) return { authenticated: true, via: 'bearer' };
      const cookie = request.cookies[sessionCookieName];
      if (cookie && sessions.valid(cookie)) return { authenticated: true, via: 'cookie' };
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
    isAdminToken: (given) => sameSecret(given, token),
    signIn(request, reply) {
      const id = sessions.open({ ip: request.ip, userAgent: request.headers['user-agent'] ?? '' });
      return reply.setCookie(sessionCookieName, id, cookieOptions(request));
    },
    signOut(request, reply) {
      const cookie = request.cookies[sessionCookieName];
      if (cookie) sessions.revoke(cookie);
      return reply.clearCookie(sessionCookieName, { path: '/' });
    },
  };
}

/** Every route the app registered, with its declared access: the route-table test reads it. */
export interface RouteTableEntry {
  method: string;
  url: string;
  access: RouteAccess;
}

/**
 * Refuses to register a route that does not declare its access level, so a new route
 * cannot be open by omission. Must be installed before any route is registered.
 */
export function requireDeclaredAccess(app: FastifyInstance, table: RouteTableEntry[], defaults: (route: RouteOptions) => RouteAccess | undefined): void {
  app.addHook('onRoute', (route) => {
    const declared = (route.config as { access?: unknown } | undefined)?.access ?? defaults(route);
    if (typeof declared !== 'string' || !routeAccessLevels.has(declared)) {
      throw new Error(`${String(route.method)} ${route.url}: no access level declared (config.access: public, admin, play or publish)`);
    }
    route.config = { ...(route.config as object), access: declared as RouteAccess };
    for (const method of [route.method].flat()) table.push({ method, url: route.url, access: declared as RouteAccess });
  });
}

/**
 * Three gates, decided from the route that matched (never from the URL text, which can be
 * spelled many ways): the Host header must name this studio (DNS rebinding); an `admin`
 * route needs the token (Bearer) or a session; and a session-authenticated write or
 * WebSocket must come from the studio's own origin (CSRF). `play` and `publish` routes
 * check their stream's secret in the handler, once the stream is known.
 */
export function installAccessControl(app: FastifyInstance, access: AccessControl, hosts: HostGuard): void {
  // A callback hook, not an async one: it runs on every request, media reloads included, and decides without waiting.
  app.addHook('onRequest', (request, reply, done) => {
    const refusal = accessRefusal(request, access, hosts);
    if (refusal) void sendError(reply, ...refusal);
    else done();
  });
}

/** Why the matched route refuses this request (status, title, detail), or null to let it through. */
function accessRefusal(request: FastifyRequest, access: AccessControl, hosts: HostGuard): [number, string, string] | null {
  if (!hosts.allows(request.headers.host)) {
    return [403, 'Host not allowed', `"${request.headers.host ?? ''}" is not a name of this studio; add it to Settings → allowed hosts to use it`];
  }
  // No route matched: the not-found handler answers, and it gives nothing away.
  if (request.is404) return null;
  const level = request.routeOptions.config.access;
  const isWebSocket = request.headers.upgrade !== undefined && request.headers.upgrade.toLowerCase() === 'websocket';
  // The studio's only WebSockets are admin event feeds; any other route would accept the upgrade only to close it.
  if (isWebSocket && level !== 'admin') return [404, 'No WebSocket here', `${request.method} ${request.url} does not take WebSocket connections`];
  if (level === 'public' || level === 'play' || level === 'publish') return null;
  if (level !== 'admin') return [403, 'Forbidden', 'this route has no access level'];
  const session = access.session(request);
  if (!session.authenticated) {
    return [401, 'Not signed in', 'this call needs the admin token (Authorization: Bearer …) or a session from the login page'];
  }
  if (session.via === 'cookie' && (isWebSocket || !safeMethods.has(request.method)) && !access.sameOrigin(request)) {
    return [403, 'Cross-site request refused', 'a cookie-authenticated change must come from the studio’s own page (Origin mismatch)'];
  }
  return null;
}
