// WHIP (RFC 9725): publishing over WebRTC by HTTP.
//   POST   /live/NAME/whip          an SDP offer → 201, Location of the session, the SDP answer
//   PATCH  /live/NAME/whip/ID       trickled ICE candidates (application/trickle-ice-sdpfrag) → 204
//   DELETE /live/NAME/whip/ID       the end of the session → 200
// The publish policy is RTMP's: the stream's password or the studio publish key, as a
// Bearer token (what OBS sends) or ?key=; loopback publishes without one. The session URL
// is a capability (128 random bits), as the RFC intends.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../../contract/problem.js';
import { readBoundedBody } from '../../http/read-body.js';
import { publishSecret } from '../../ingest/publish-gate.js';
import { maxOfferBytes, type WhipServer } from '../../ingest/webrtc/whip-server.js';

/** Trickle fragments are a few candidates; larger is not one. */
const maxFragmentBytes = 16 << 10;

function secret(request: FastifyRequest): string | null {
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim() || null;
  return publishSecret(new URL(request.url, 'http://studio').searchParams);
}

export function whipHandlers(whip: WhipServer) {
  return {
    /** POST …/NAME/whip */
    async offer(request: FastifyRequest, reply: FastifyReply, name: string): Promise<FastifyReply> {
      if (!String(request.headers['content-type'] ?? '').startsWith('application/sdp')) throw new Problem('unsupported', 'Not an SDP offer', 'send the offer as Content-Type: application/sdp');
      const sdp = await readBoundedBody(request, maxOfferBytes);
      const { id, answer } = await whip.offer({ name, sdp, remoteAddress: request.ip, password: secret(request) });
      return reply
        .code(201)
        .header('content-type', 'application/sdp')
        .header('location', `/${name}/whip/${id}`)
        .header('access-control-expose-headers', 'Location')
        .send(answer);
    },

    /** PATCH …/NAME/whip/ID */
    async trickle(request: FastifyRequest, reply: FastifyReply, name: string, id: string): Promise<FastifyReply> {
      if (!String(request.headers['content-type'] ?? '').startsWith('application/trickle-ice-sdpfrag')) throw new Problem('unsupported', 'Not a trickle fragment', 'send candidates as Content-Type: application/trickle-ice-sdpfrag');
      await whip.trickle(name, id, await readBoundedBody(request, maxFragmentBytes));
      return reply.code(204).send();
    },

    /** DELETE …/NAME/whip/ID */
    async end(_request: FastifyRequest, reply: FastifyReply, name: string, id: string): Promise<FastifyReply> {
      await whip.end(name, id);
      return reply.code(200).send();
    },
  };
}

/** NAME and the session id from a path below /: "live/cam/whip" or "live/cam/whip/ID". */
export function whipPath(path: string): { name: string; id: string | null } | null {
  const m = /^(.+)\/whip(?:\/([0-9a-f]{32}))?$/.exec(path);
  return m ? { name: m[1]!, id: m[2] ?? null } : null;
}
