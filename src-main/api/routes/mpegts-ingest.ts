import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { TsDemuxer } from '../../formats/mpegts/index.js';
import { Fmp4ParseError } from '../../formats/fmp4/index.js';
import { sendError } from '../../http/problem-reply.js';
import type { SourceSession } from '../../streams/stream-hub.js';
import { publishSecret, type PublishGate } from '../../ingest/publish-gate.js';
import { IngestLimitError, defaultIngestLimits, type IngestLimits } from '../../ingest/ingest-limits.js';
import type { WhipServer } from '../../ingest/webrtc/whip-server.js';
import { whipHandlers, whipPath } from './whip.js';
import { FragmentedMp4Ingest, smoothIngestPath } from '../../ingest/fmp4/fragmented-ingest.js';
import type { SmoothRenditions } from '../../ingest/fmp4/smooth-renditions.js';
import { Problem } from '../../contract/problem.js';
import { sameSecret } from '../../net/same-secret.js';
import type { IngestProtocol } from '../../contract/studio-api.js';

// A refused publisher gets its answer, then this long before its connection is cut, whatever it still sends.
const refusedGraceMs = 1000;

/**
 * Whether a browser sent the request for a web page: browsers send Origin on every POST/PUT
 * (no-cors too) and Sec-Fetch-Site to loopback; encoders send neither. (Not Sec-Fetch-Mode:
 * Node's own fetch sends that one.)
 */
const fromWebPage = (request: FastifyRequest) => request.headers.origin !== undefined || request.headers['sec-fetch-site'] !== undefined;

/**
 * MPEG-TS pushed over HTTP: `ffmpeg … -f mpegts http://HOST:PORT/live/NAME/mpegts`
 * (POST or PUT, usually chunked). The body is demuxed as it arrives, never
 * buffered whole.
 */
export function mpegtsHttpIngest(deps: { gate: PublishGate; log: Logger; limits?: () => Pick<IngestLimits, 'idleMs'>; whip?: WhipServer; smooth?: SmoothRenditions }) {
  const whip = deps.whip ? whipHandlers(deps.whip) : null;
  /** Smooth streams live now: the Streams(ID) and address of the POST that publishes each (further IDs from there join as bitrates). */
  const smoothMains = new Map<string, { id: string; ip: string; secret: string | null; post: object }>();
  const limits = deps.limits ?? (() => defaultIngestLimits);
  return async (app: FastifyInstance) => {
    // Raw bodies for this plugin only: the handler reads the request stream itself.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null));

    const handler = async (request: FastifyRequest<{ Params: { '*': string }; Querystring: { password?: string } }>, reply: FastifyReply) => {
      const path = request.params['*'];
      // WebRTC publishers (WHIP) share the publish URLs: /live/NAME/whip.
      const webrtc = whipPath(path);
      if (whip && webrtc && webrtc.id === null && request.method === 'POST') return whip.offer(request, reply, webrtc.name);
      const smooth = smoothIngestPath(path);
      if (!path.endsWith('/mpegts') && !smooth) return refuse(request, reply, 404, 'Not found', `No route for ${request.method} /${path}`);
      const name = smooth ? smooth.name : path.slice(0, -'/mpegts'.length);
      const protocol: IngestProtocol = smooth ? 'fmp4-http' : 'mpegts-http';
      // Any page the operator opens can POST to 127.0.0.1 (a simple request, no preflight), and this
      // machine publishes without a key: that exemption is for encoders, never for web pages.
      if (fromWebPage(request)) {
        const reason = 'a web page may not publish (the request came from a browser); use an encoder';
        deps.gate.reportRefused({ name, protocol, remoteAddress: request.ip }, reason);
        return refuse(request, reply, 403, 'Publish refused', reason);
      }
      const socket = request.raw.socket;
      const secret = publishSecret(new URL(request.url, 'http://studio').searchParams);
      const hookSays = (await deps.gate.authorize?.({ name, protocol, remoteAddress: request.ip, password: secret })) ?? null;
      if (hookSays !== null) return refuse(request, reply, 403, 'Publish refused', hookSays);
      const main = smooth ? smoothMains.get(name) : undefined;
      if (smooth && deps.smooth && main && main.id !== smooth.id) {
        // A further bitrate of a live Smooth stream: only from the encoder that publishes it.
        if (main.ip !== request.ip) return refuse(request, reply, 409, 'Publish refused', `${name} is published from another address`);
        // The same key or password as the stream's own POST (it passed the publish rules with it).
        if ((main.secret === null) !== (secret === null) || (main.secret !== null && secret !== null && !sameSecret(main.secret, secret))) {
          return refuse(request, reply, 403, 'Publish refused', `a further bitrate of ${name} needs the same key as its first`);
        }
        return receiveBitrate(request, reply, deps.smooth.join(name, smooth.id, request.ip, () => request.raw.destroy()), name, smooth.id);
      }
      const answer = deps.gate.requestPublish({
        name,
        protocol,
        remoteAddress: request.ip,
        password: secret,
        kick: () => request.raw.destroy(),
      });
      if (!answer.ok) return refuse(request, reply, answer.reason.includes('already being published') ? 409 : 403, 'Publish refused', answer.reason);
      const session: SourceSession = answer.session;
      const thisPost = {};
      if (smooth) smoothMains.set(name, { id: smooth.id, ip: request.ip, secret, post: thisPost });
      const demuxer = smooth
        ? new FragmentedMp4Ingest(session)
        : new TsDemuxer({
            onTracks: (tracks) => session.setTracks(tracks),
            onFrame: (frame) => session.pushFrame(frame),
            onError: (kind, detail) => {
              if (kind === 'continuity') session.countError('continuity');
              else deps.log.debug({ stream: name, kind }, `mpegts-http: ${detail}`);
            },
          });
      // A stalled publisher ends its stream; the setting in force when it came applies.
      const { idleMs } = limits();
      socket.setTimeout(idleMs, () => request.raw.destroy(new IngestLimitError('ingestIdleSeconds', `no data for ${idleMs / 1000} s`)));
      try {
        for await (const chunk of request.raw) demuxer.push(chunk as Buffer, Date.now());
        if (demuxer instanceof TsDemuxer) demuxer.end();
        session.end('the publisher finished', false);
        return reply.code(204).send();
      } catch (err) {
        if (err instanceof Fmp4ParseError) {
          // Not fragmented MP4 (or broken): the publisher is told why, and its stream ends.
          const reason = `not a fragmented MP4 stream: ${err.message}`;
          deps.log.warn({ stream: name, remote: request.ip }, `${protocol}: ${reason}`);
          session.end(reason, true);
          return refuse(request, reply, 400, 'Bad stream', reason);
        }
        const reason = session.active ? `connection lost: ${(err as Error).message}` : 'the publisher was stopped';
        deps.log.warn({ stream: name, remote: request.ip }, `${protocol}: ${reason}`);
        session.end(reason, true);
        return reply;
      } finally {
        socket.setTimeout(0);
        if (smooth && smoothMains.get(name)?.post === thisPost) {
          smoothMains.delete(name);
          deps.smooth?.endAll(name, 'the stream ended');
        }
      }
    };

    /** One further bitrate's POST, until it ends or its stream does. */
    const receiveBitrate = async (request: FastifyRequest, reply: FastifyReply, session: ReturnType<SmoothRenditions['join']>, name: string, id: string) => {
      const ingest = new FragmentedMp4Ingest(session);
      const socket = request.raw.socket;
      const { idleMs } = limits();
      socket.setTimeout(idleMs, () => request.raw.destroy(new IngestLimitError('ingestIdleSeconds', `no data for ${idleMs / 1000} s`)));
      try {
        for await (const chunk of request.raw) {
          if (!session.active) break;
          ingest.push(chunk as Buffer, Date.now());
        }
        session.end('the publisher finished', false);
        return reply.code(204).send();
      } catch (err) {
        session.end(`Streams(${id}) stopped: ${(err as Error).message}`, true);
        if (err instanceof Problem || err instanceof Fmp4ParseError) {
          deps.log.warn({ stream: name }, `fmp4-http: Streams(${id}): ${err.message}`);
          return refuse(request, reply, err instanceof Problem ? (err.kind === 'too-large' ? 413 : 422) : 400, 'Bitrate refused', err.message);
        }
        return reply;
      } finally {
        socket.setTimeout(0);
      }
    };
    app.post('/*', { config: { access: 'publish' }, schema: { hide: true } }, handler);
    app.put('/*', { config: { access: 'publish' }, schema: { hide: true } }, handler);
    if (whip) {
      // A WHIP session's own URL: whoever holds it (its id is the capability) may trickle to it or end it.
      const session = (act: 'trickle' | 'end') => async (request: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply) => {
        const target = whipPath(request.params['*']);
        if (!target?.id) return sendError(reply, 404, 'Not found', `No route for ${request.method} /${request.params['*']}`);
        return whip[act](request, reply, target.name, target.id);
      };
      app.patch('/*', { config: { access: 'publish' }, schema: { hide: true } }, session('trickle'));
      app.delete('/*', { config: { access: 'publish' }, schema: { hide: true } }, session('end'));
    }
  };
}

/**
 * Answers a publisher we will not take and closes its connection: its body (an endless
 * chunked upload, typically) is read and dropped only for a moment, so the answer is not
 * lost to a reset, and is never drained to its end.
 */
function refuse(request: FastifyRequest, reply: FastifyReply, statusCode: number, error: string, detail: string): FastifyReply {
  const socket = request.raw.socket as typeof request.raw.socket | null;
  reply.header('connection', 'close');
  request.raw.resume();
  // The body's reading may have ended the request already (a bad stream found mid-body): nothing left to cut.
  if (socket) {
    const cut = setTimeout(() => socket.destroy(), refusedGraceMs);
    cut.unref();
    socket.once('close', () => clearTimeout(cut));
  }
  return sendError(reply, statusCode, error, detail);
}
