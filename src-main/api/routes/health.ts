import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { Health } from '../../contract/studio-api.js';

export function healthRoutes(deps: { version: string; uptime: () => number; httpsPort: () => number | null }) {
  return async (app: FastifyInstance) => {
    app.get(
      '/api/health',
      { config: { access: 'public' }, schema: { tags: ['system'], summary: 'Liveness: the server answers', response: { 200: Health } } },
      async () => ({ ok: true, version: deps.version, uptime: deps.uptime(), httpsPort: deps.httpsPort() }),
    );
    app.get('/api/version', { config: { access: 'public' }, schema: { tags: ['system'], response: { 200: Type.Object({ version: Type.String() }) } } }, async () => ({
      version: deps.version,
    }));
  };
}
