import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError, sendNotFound } from '../http-error.js';
import { streamNameProblem } from '../../streams/stream-name.js';

/** Serves one kind of per-stream URL: /NAME/<file>. */
export type StreamFileHandler = (name: string, request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

/**
 * GET /NAME/FILE for every stream: names have any number of parts (live/cam1),
 * so one route takes the path apart and hands it to the handler for FILE.
 */
export function streamFilesRoutes(handlers: Record<string, StreamFileHandler>) {
  return async (app: FastifyInstance) => {
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const path = (request.params as { '*': string })['*'];
      const slash = path.lastIndexOf('/');
      const handler = slash > 0 ? handlers[path.slice(slash + 1)] : undefined;
      if (!handler) return sendNotFound(request, reply);
      const name = path.slice(0, slash);
      const problem = streamNameProblem(name);
      if (problem) return sendError(reply, 400, 'Invalid stream name', problem);
      return handler(name, request, reply);
    });
  };
}
