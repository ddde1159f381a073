import type { FastifyInstance } from 'fastify';
import { ErrorBody, LoginBody, SessionInfo } from '../../contract/studio-api.js';
import type { AccessControl } from '../auth/access-control.js';
import { sendError } from '../../http/problem-reply.js';

export function authRoutes(access: AccessControl) {
  return async (app: FastifyInstance) => {
    app.get(
      '/api/auth/session',
      { config: { access: 'public' }, schema: { tags: ['auth'], summary: 'Whether this client is signed in', response: { 200: SessionInfo } } },
      async (request) => access.session(request),
    );
    app.post<{ Body: LoginBody }>(
      '/api/auth/login',
      {
        config: { access: 'public' },
        schema: { tags: ['auth'], summary: 'Exchange the admin token for a session cookie', body: LoginBody, response: { 401: ErrorBody, 403: ErrorBody } },
      },
      async (request, reply) => {
        if (request.headers.origin && !access.sameOrigin(request)) return sendError(reply, 403, 'Cross-site request refused', 'sign in from the studio’s own page');
        if (!access.isAdminToken(request.body.token)) {
          request.log.warn({ ip: request.ip }, 'sign-in with a wrong admin token');
          return sendError(reply, 401, 'Wrong token', 'the admin token is in <data-dir>/admin-token and in the URL the studio printed at start');
        }
        return access.signIn(request, reply).code(204).send();
      },
    );
    app.post('/api/auth/logout', { config: { access: 'admin' }, schema: { tags: ['auth'], summary: 'End this browser’s session' } }, async (request, reply) =>
      access.signOut(request, reply).code(204).send(),
    );
  };
}
