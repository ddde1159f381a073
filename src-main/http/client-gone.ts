import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError, statusOf } from './problem-reply.js';
import type { StreamFileRoute } from './stream-files.js';
import { Busy } from '../delivery/busy.js';

/** Why work done for a request stopped: its client closed the connection before the answer was complete. */
export class ClientGone extends Error {
  constructor() {
    super('the client went away');
    this.name = 'AbortError';
  }
}

/**
 * Aborted when the client closes its connection before its response is finished: the
 * export plan or ffmpeg run made only for it can stop (the work under way, or its
 * place in a queue).
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const res = reply.raw;
  if (res.destroyed) controller.abort(new ClientGone());
  else res.once('close', () => {
    if (!res.writableFinished) controller.abort(new ClientGone());
  });
  return controller.signal;
}

/** 503 with Retry-After: the queue is full, which is the server's state and not the client's fault. */
export function sendBusy(reply: FastifyReply, busy: Busy): FastifyReply {
  reply.header('retry-after', String(busy.retryAfterSeconds)).header('access-control-allow-origin', '*');
  return sendError(reply, statusOf[busy.kind], busy.title, busy.detail);
}

/**
 * Wraps handlers: Busy becomes its 503, and a handler that failed because its own client
 * left answers nothing (there is nobody to answer, and it is not a server error to log).
 */
export function answeringBusy(routes: StreamFileRoute[]): StreamFileRoute[] {
  return routes.map((route) => ({
    ...route,
    handle: async (name, match, request, reply, context) => {
      try {
        return await route.handle(name, match, request, reply, context);
      } catch (error) {
        if (error instanceof Busy) return sendBusy(reply, error);
        if (error instanceof ClientGone || reply.raw.destroyed) return dropped(request, reply, error);
        throw error;
      }
    },
  }));
}

function dropped(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  request.log.debug({ err: error }, `${request.url.split('?')[0]}: the client left before the answer`);
  if (!reply.sent) reply.hijack();
  return reply;
}
