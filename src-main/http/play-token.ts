// One rule for everything that plays with a token (a protected stream, a private library
// folder): the right ?token=, or the studio's own admin; anything else is a 403 that says
// what to add. The token goes on into every URI a playlist names.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sameSecret } from '../net/same-secret.js';
import { sendError } from './problem-reply.js';
import type { AuthHook } from '../events/auth-hook.js';

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

/**
 * The auth hook's word on a viewer (Settings → authHookUrl): true when it may play (and no
 * token is to be handed on), "?token=…" when it may and showed a token to hand on into a
 * playlist's URIs, false after the 403 with the hook's reason. Answers come from the hook's
 * cache while they last. Without a hook (the usual case) the answer is immediate, not a
 * promise: every playlist reload passes here.
 */
export function admitByAuthHook(request: FastifyRequest, reply: FastifyReply, hook: AuthHook | undefined, o: { stream: string; protocol: string; isAdmin: (request: FastifyRequest) => boolean }): true | Promise<true | string | false> {
  if (!hook?.enabled || o.isAdmin(request)) return true;
  return askAuthHook(request, reply, hook, o);
}

async function askAuthHook(request: FastifyRequest, reply: FastifyReply, hook: AuthHook, o: { stream: string; protocol: string }): Promise<true | string | false> {
  const token = (request.query as { token?: unknown }).token;
  const given = typeof token === 'string' && token.length <= 200 ? token : null;
  const refused = await hook.check({ action: 'play', stream: o.stream, protocol: o.protocol, ip: request.ip, key: given });
  if (refused === null) return given === null ? true : `?token=${encodeURIComponent(given)}`;
  reply.header('access-control-allow-origin', '*');
  sendError(reply, 403, 'Play refused', refused);
  return false;
}
