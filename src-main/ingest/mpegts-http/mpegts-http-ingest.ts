import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { TsDemuxer } from '../../formats/mpegts/index.js';
import { sendError } from '../../api/http-error.js';
import type { SourceSession } from '../../streams/stream-hub.js';
import type { PublishGate } from '../publish-gate.js';

// A publisher that sends nothing for this long has stalled: its stream ends.
const idleTimeoutMs = 10_000;

/**
 * MPEG-TS pushed over HTTP: `ffmpeg … -f mpegts http://HOST:PORT/live/NAME/mpegts`
 * (POST or PUT, usually chunked). The body is demuxed as it arrives, never
 * buffered whole.
 */
export function mpegtsHttpIngest(deps: { gate: PublishGate; log: Logger }) {
  return async (app: FastifyInstance) => {
    // Raw bodies for this plugin only: the handler reads the request stream itself.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null));

    const handler = async (request: FastifyRequest<{ Params: { '*': string }; Querystring: { password?: string } }>, reply: FastifyReply) => {
      const path = request.params['*'];
      if (!path.endsWith('/mpegts')) return sendError(reply, 404, 'Not found', `No route for ${request.method} /${path}`);
      const name = path.slice(0, -'/mpegts'.length);
      const socket = request.raw.socket;
      const answer = deps.gate.requestPublish({
        name,
        protocol: 'mpegts-http',
        remoteAddress: request.ip,
        password: typeof request.query.password === 'string' ? request.query.password : null,
        kick: () => request.raw.destroy(),
      });
      if (!answer.ok) {
        request.raw.resume();
        return sendError(reply, answer.reason.includes('already being published') ? 409 : 403, 'Publish refused', answer.reason);
      }
      const session: SourceSession = answer.session;
      const demuxer = new TsDemuxer({
        onTracks: (tracks) => session.setTracks(tracks),
        onFrame: (frame) => session.pushFrame(frame),
        onError: (kind, detail) => {
          if (kind === 'continuity') session.countError('continuity');
          else deps.log.debug({ stream: name, kind }, `mpegts-http: ${detail}`);
        },
      });
      socket.setTimeout(idleTimeoutMs, () => request.raw.destroy(new Error(`no data for ${idleTimeoutMs / 1000} s`)));
      try {
        for await (const chunk of request.raw) demuxer.push(chunk as Buffer, Date.now());
        demuxer.end();
        session.end('the publisher finished', false);
        return reply.code(204).send();
      } catch (err) {
        const reason = session.active ? `connection lost: ${(err as Error).message}` : 'the publisher was stopped';
        deps.log.warn({ stream: name, remote: request.ip }, `mpegts-http: ${reason}`);
        session.end(reason, true);
        return reply;
      } finally {
        socket.setTimeout(0);
      }
    };
    app.post('/*', { schema: { hide: true } }, handler);
    app.put('/*', { schema: { hide: true } }, handler);
  };
}
