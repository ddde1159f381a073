// WHEP (draft-ietf-wish-whep): watching any live stream over WebRTC.
//   POST   /live/NAME/whep        an SDP offer (recvonly) → 201, Location of the session, the SDP answer
//   DELETE /live/NAME/whep/ID     the end of the session
// Who may watch is the stream's play rule, as for HLS: open on the LAN, or ?token= for a
// protected stream. Stream names have several parts, so the routes are declared for names
// of one to six parts (live/cam, live/cam/720p …).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../../contract/problem.js';
import { streamNameProblem } from '../../contract/stream-name.js';
import type { WhepServer } from '../../delivery/webrtc/whep-server.js';
import { admitByAuthHook, admitPlayToken } from '../../http/play-token.js';
import type { AuthHook } from '../../events/auth-hook.js';
import { maxOfferBytes } from '../../ingest/webrtc/whip-server.js';
import { readBoundedBody } from '../../http/read-body.js';

export interface WhepRouteDeps {
  whep: WhepServer;
  playToken: (name: string) => string | null;
  isAdmin: (request: FastifyRequest) => boolean;
  authHook?: AuthHook;
}

const depths = [1, 2, 3, 4, 5, 6];
const namePattern = (depth: number) => depths.slice(0, depth).map((i) => `:p${i}`).join('/');
const nameOf = (params: Record<string, string>) => depths.map((i) => params[`p${i}`]).filter((p): p is string => p !== undefined).join('/');

export function whepRoutes(deps: WhepRouteDeps) {
  return async (app: FastifyInstance) => {
    // The body is read (bounded) by the handler.
    app.addContentTypeParser('application/sdp', (_request, _payload, done) => done(null));

    /** The stream's name, checked, and whether this viewer may watch it (the 403 is sent when not). */
    const admitted = (request: FastifyRequest, reply: FastifyReply): string | null => {
      const name = nameOf(request.params as Record<string, string>);
      const problem = streamNameProblem(name);
      if (problem) throw new Problem('invalid', 'Invalid stream name', problem);
      const token = deps.playToken(name);
      if (token !== null && admitPlayToken(request, reply, { token, isAdmin: deps.isAdmin, what: name }) === null) return null;
      return name;
    };

    for (const depth of depths) {
      app.post(`/${namePattern(depth)}/whep`, { config: { access: 'play' }, schema: { hide: true } }, async (request, reply) => {
        const name = admitted(request, reply);
        if (name === null) return reply;
        if ((await admitByAuthHook(request, reply, deps.authHook, { stream: name, protocol: 'webrtc', isAdmin: deps.isAdmin })) === false) return reply;
        if (!String(request.headers['content-type'] ?? '').startsWith('application/sdp')) throw new Problem('unsupported', 'Not an SDP offer', 'send the offer as Content-Type: application/sdp');
        const sdp = await readBoundedBody(request, maxOfferBytes);
        // The studio's own preview (the Monitor) is not a viewer; only the admin may say so.
        const preview = request.headers['x-framehouse-preview'] === '1' && deps.isAdmin(request);
        const { id, answer } = await deps.whep.offer(name, sdp, request.ip, String(request.headers['user-agent'] ?? ''), preview);
        return reply.code(201).header('content-type', 'application/sdp').header('location', `/${name}/whep/${id}`).send(answer);
      });
      app.delete(`/${namePattern(depth)}/whep/:id`, { config: { access: 'play' }, schema: { hide: true } }, async (request, reply) => {
        const name = admitted(request, reply);
        if (name === null) return reply;
        const id = (request.params as { id: string }).id;
        if (!/^[0-9a-f]{32}$/.test(id)) throw new Problem('not-found', 'No such WHEP session', 'session ids are 32 hex digits');
        await deps.whep.end(name, id);
        return reply.code(200).send();
      });
    }
  };
}
