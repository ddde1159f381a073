import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError, sendNotFound } from '../http-error.js';
import { streamNameProblem } from '../../streams/stream-name.js';

export type PlaybackProtocol = 'hls' | 'mpegts';

/** One kind of per-stream URL, /NAME/FILE: an exact file name, or a pattern whose match the handler reads. */
export interface StreamFileRoute {
  file: string | RegExp;
  /**
   * Set on URLs that deliver media to a viewer: the stream's play token is checked first
   * and the request is counted in a viewer session of this protocol (bytes included).
   */
  playback?: PlaybackProtocol;
  handle(name: string, match: RegExpExecArray | null, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
}

/**
 * GET /NAME/FILE for every stream: names have any number of parts (live/cam1),
 * so one route takes the path apart and hands it to the route for FILE.
 */
export function streamFilesRoutes(routes: readonly StreamFileRoute[]) {
  return async (app: FastifyInstance) => {
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const path = (request.params as { '*': string })['*'];
      const slash = path.lastIndexOf('/');
      if (slash <= 0) return sendNotFound(request, reply);
      const file = path.slice(slash + 1);
      let match: RegExpExecArray | null = null;
      const route = routes.find((r) => (typeof r.file === 'string' ? r.file === file : (match = r.file.exec(file)) !== null));
      if (!route) return sendNotFound(request, reply);
      const name = path.slice(0, slash);
      const problem = streamNameProblem(name);
      if (problem) return sendError(reply, 400, 'Invalid stream name', problem);
      return route.handle(name, match, request, reply);
    });
  };
}
