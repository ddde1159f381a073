// One rule for everything that plays with a token (a protected stream, a private library
// folder): the right ?token=, or the studio's own admin; anything else is a 403 that says
// what to add. The token goes on into every URI a playlist names.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sameSecret } from '../net/same-secret.js';
import { sendError } from './problem-reply.js';

/** "?token=…" to hand on when admitted; null after the 403 has been sent. */
export function admitPlayToken(request: FastifyRequest, reply: FastifyReply, o: { token: string; isAdmin: (request: FastifyRequest) => boolean; what: string }): string | null {
  const given = (request.query as { token?: unknown }).token;
  const admitted = typeof given === 'string' ? sameSecret(given, o.token) : o.isAdmin(request);
  if (!admitted) {
    reply.header('access-control-allow-origin', '*');
    sendError(reply, 403, 'Play token needed', `${o.what} plays only with its token: add ?token=… to the URL (${given === undefined ? 'none was given' : 'the one given is wrong'})`);
    return null;
  }
  return `?token=${encodeURIComponent(o.token)}`;
}
