import type { FastifyInstance } from 'fastify';
import { ErrorBody, LoginBody, SessionInfo } from '../contract.js';
import { sameSecret } from '../auth/admin-token.js';
import { sessionCookieName, type AccessControl } from '../auth/access-control.js';
import { sendError } from '../http-error.js';

export const sessionCookieOptions = { path: '/', httpOnly: true, sameSite: 'strict', maxAge: 400 * 24 * 3600 } as const;

export function authRoutes(access: AccessControl) {
  return async (app: FastifyInstance) => {
    app.get(
      '/api/auth/session',
      { config: { public: true }, schema: { tags: ['auth'], summary: 'Whether this client is signed in', response: { 200: SessionInfo } } },
      async (request) => access.session(request),
    );
    app.post<{ Body: LoginBody }>(
      '/api/auth/login',
      {
        config: { public: true },
        schema: { tags: ['auth'], summary: 'Exchange the admin token for a session cookie', body: LoginBody, response: { 401: ErrorBody, 403: ErrorBody } },
      },
      async (request, reply) => {
        if (request.headers.origin && !access.sameOrigin(request)) return sendError(reply, 403, 'Cross-site request refused', 'sign in from the studio’s own page');
        if (!sameSecret(request.body.token, access.token)) {
          request.log.warn({ ip: request.ip }, 'sign-in with a wrong admin token');
          return sendError(reply, 401, 'Wrong token', 'the admin token is in <data-dir>/admin-token and in the URL the studio printed at start');
        }
        return reply.setCookie(sessionCookieName, access.sessionValue, sessionCookieOptions).code(204).send();
      },
    );
    app.post('/api/auth/logout', { schema: { tags: ['auth'], summary: 'End this browser’s session' } }, async (_request, reply) =>
      reply.clearCookie(sessionCookieName, { path: '/' }).code(204).send(),
    );
  };
}
