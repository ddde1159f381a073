import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorBody, PlaybackStatsBody, ViewerSession } from '../../contract/studio-api.js';
import { Problem } from '../../contract/problem.js';
import type { PlaybackStats } from '../../delivery/playback-stats.js';
import type { ViewerSessions } from '../../delivery/viewers/viewer-sessions.js';

/** The admin's view of playback: who watches what, ending a session, and serving figures. */
export function playbackRoutes(deps: { sessions: ViewerSessions; stats: PlaybackStats }) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { stream?: string } }>(
      '/api/sessions',
      { config: { access: 'admin' },
        schema: {
          tags: ['playback'],
          summary: 'Viewer sessions (one per IP, stream and protocol), optionally of one stream',
          querystring: Type.Object({ stream: Type.Optional(Type.String({ minLength: 1, maxLength: 400 })) }, { additionalProperties: false }),
          response: { 200: Type.Array(ViewerSession) },
        },
      },
      async (request) => deps.sessions.list(request.query.stream),
    );
    app.delete<{ Params: { id: string } }>(
      '/api/sessions/:id',
      { config: { access: 'admin' },
        schema: {
          tags: ['playback'],
          summary: 'End a viewer session: its open responses are cut and the viewer is refused for 30 s',
          params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
          response: { 404: ErrorBody },
        },
      },
      async (request, reply) => {
        if (!deps.sessions.end(request.params.id)) throw new Problem('not-found', 'Unknown session', `no viewer session ${request.params.id} (it may have expired)`);
        return reply.code(204).send();
      },
    );
    app.get(
      '/api/playback/stats',
      { config: { access: 'admin' }, schema: { tags: ['playback'], summary: 'Blocking-reload answer times and event-loop lag since the last reset', response: { 200: PlaybackStatsBody } } },
      async () => ({ ...deps.stats.summary(), viewers: deps.sessions.list().length }),
    );
    app.delete('/api/playback/stats', { config: { access: 'admin' }, schema: { tags: ['playback'], summary: 'Start the serving figures afresh' } }, async (_request, reply) => {
      deps.stats.reset();
      return reply.code(204).send();
    });
  };
}
