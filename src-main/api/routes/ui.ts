import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { AccessControl } from '../auth/access-control.js';
import { sendError } from '../../http/problem-reply.js';

// The studio page loads only its own scripts; styles may be inline (React style props).
export const uiContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'self'",
  "form-action 'self'",
].join('; ');

/**
 * Serves the built renderer. `/?token=…` is the login link the CLI prints (as
 * Jupyter does): it sets the session cookie and redirects so the token leaves the
 * address bar and the history.
 */
export function uiRoutes(deps: { rendererDir: string; access: AccessControl }) {
  return async (app: FastifyInstance) => {
    const indexFile = path.join(deps.rendererDir, 'index.html');
    app.get<{ Querystring: Record<string, string | string[] | undefined> }>('/', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      const { token, ...rest } = request.query;
      if (token !== undefined) {
        const params = new URLSearchParams(Object.entries(rest).filter((e): e is [string, string] => typeof e[1] === 'string'));
        // ?token=a&token=b arrives as an array: a wrong token, not a hash of something that is not text.
        if (typeof token !== 'string' || !deps.access.isAdminToken(token)) {
          params.set('auth', 'invalid');
          return reply.redirect(`/?${params}`, 302);
        }
        deps.access.signIn(request, reply);
        const query = params.toString();
        return reply.redirect(query ? `/?${query}` : '/', 302);
      }
      let html: string;
      try {
        html = await fs.readFile(indexFile, 'utf8');
      } catch {
        return sendError(reply, 503, 'The studio UI is not built', 'run `npm run build` (npm install does it once) and reload');
      }
      return reply
        .header('content-security-policy', uiContentSecurityPolicy)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'same-origin')
        .header('cache-control', 'no-cache')
        .type('text/html; charset=utf-8')
        .send(html);
    });
    // Only the built assets are files here: every other GET path belongs to streams (/NAME/...).
    await app.register(fastifyStatic, {
      root: path.join(deps.rendererDir, 'assets'),
      prefix: '/assets/',
      index: false,
      // Files are looked up per request, so a rebuilt UI is served without a restart.
      wildcard: true,
      decorateReply: false,
      // Vite puts content hashes in asset names, so they never change under a URL.
      setHeaders(reply) {
        reply.header('cache-control', 'public, max-age=31536000, immutable');
      },
    });
    app.get('/favicon.svg', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
      const svg = await fs.readFile(path.join(deps.rendererDir, 'favicon.svg')).catch(() => null);
      if (!svg) return sendError(reply, 404, 'Not found', 'no favicon in the built UI');
      return reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(svg);
    });
  };
}
