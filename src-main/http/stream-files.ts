import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError, sendNotFound } from './problem-reply.js';
import { streamNameProblem } from '../contract/stream-name.js';
import { admitByAuthHook, admitPlayToken } from './play-token.js';
import type { AuthHook } from '../events/auth-hook.js';
import type { PlaybackProtocol } from '../contract/studio-api.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ViewerSession } from '../delivery/viewers/viewer-sessions.js';

/** What the dispatcher learned about a request before handing it over. */
export interface StreamFileContext {
  /** The viewer session a playback request belongs to; null for other files. */
  viewer: ViewerSession | null;
  /** "?token=…" when the stream has a play token (playlists pass it on to every URI), else "". */
  query: string;
}

interface StreamFileRouteBase {
  /**
   * Set on URLs that deliver media to a viewer: the request is counted in a viewer session
   * of this protocol (bytes included). The play token is checked for every per-stream URL.
   */
  playback?: PlaybackProtocol;
  handle(name: string, match: RegExpExecArray | null, request: FastifyRequest, reply: FastifyReply, context: StreamFileContext): Promise<FastifyReply>;
}

/**
 * One kind of per-stream URL. `file`: /NAME/FILE, an exact file name or a pattern whose
 * match the handler reads. `suffix`: a pattern (starting with "/" and anchored with "$")
 * matched against the whole path, for URLs whose tail has slashes of its own
 * (/NAME/2026/11/21/10/15/03.jpg); the name is what precedes the match. File routes are
 * tried first, so a suffix route never takes a URL a file route answers.
 */
export type StreamFileRoute = StreamFileRouteBase & ({ file: string | RegExp; suffix?: never } | { suffix: RegExp; file?: never });

/**
 * Counts a playback request in a viewer session: the session, null when an admin ended
 * this viewer's session a moment ago, or 'unknown-stream' (delivery/viewers/viewer-sessions.ts).
 */
export interface ViewerAdmission {
  admit(stream: string, protocol: PlaybackProtocol, req: IncomingMessage, res: ServerResponse): ViewerSession | null | 'unknown-stream';
}

export interface PlaybackAccess {
  /** The stream's play token, or null when playback is open. */
  playToken(name: string): string | null;
  /** Whether the request is the studio's own admin (token or session): it needs no play token. */
  isAdmin(request: FastifyRequest): boolean;
  sessions: ViewerAdmission;
  /** Asked before a viewing opens (Settings → authHookUrl). */
  authHook?: AuthHook;
}

/** Valid stream names remembered by the dispatcher before it starts over. */
const validNamesKept = 1024;

/**
 * GET /NAME/FILE for every stream: names have any number of parts (live/cam1),
 * so one route takes the path apart and hands it to the route for FILE (or, failing
 * that, to the first suffix route whose pattern ends the path).
 */
export function streamFilesRoutes(routes: readonly StreamFileRoute[], access: PlaybackAccess) {
  const fileRoutes = routes.filter((r): r is StreamFileRoute & { file: string | RegExp } => r.file !== undefined);
  const suffixRoutes = routes.filter((r): r is StreamFileRoute & { suffix: RegExp } => r.suffix !== undefined);
  // Names that passed the check (viewers reload the same few many times a second); bounded, since URLs are anyone's to make up.
  const validNames = new Set<string>();
  return async (app: FastifyInstance) => {
    app.get('/*', { config: { access: 'play' }, schema: { hide: true } }, async (request, reply) => {
      const path = (request.params as { '*': string })['*'];
      const slash = path.lastIndexOf('/');
      if (slash <= 0) return sendNotFound(request, reply);
      const file = path.slice(slash + 1);
      let match: RegExpExecArray | null = null;
      let name = path.slice(0, slash);
      let route: StreamFileRoute | undefined = fileRoutes.find((r) => (typeof r.file === 'string' ? r.file === file : (match = r.file.exec(file)) !== null));
      if (!route) {
        route = suffixRoutes.find((r) => (match = r.suffix.exec(path)) !== null && match.index > 0);
        if (!route) return sendNotFound(request, reply);
        name = path.slice(0, match!.index);
      }
      if (!validNames.has(name)) {
        const problem = streamNameProblem(name);
        if (problem) return sendError(reply, 400, 'Invalid stream name', problem);
        if (validNames.size >= validNamesKept) validNames.clear();
        validNames.add(name);
      }
      // One rule for every per-stream URL (media, pages, descriptions, pictures, status):
      // a stream with a play token shows nothing of itself without it.
      const context: StreamFileContext = { viewer: null, query: '' };
      const token = access.playToken(name);
      if (token !== null) {
        const query = admitPlayToken(request, reply, { token, isAdmin: access.isAdmin, what: name });
        if (query === null) return reply;
        context.query = query;
      }
      // The auth hook decides on every per-stream URL, as the play token does (answers are cached);
      // the token it was shown goes on into the URIs a playlist names, so segments are asked about with it.
      const admitted = admitByAuthHook(request, reply, access.authHook, { stream: name, protocol: route.playback ?? 'file', isAdmin: access.isAdmin });
      const hooked = admitted === true ? true : await admitted;
      if (hooked === false) return reply;
      if (context.query === '' && hooked !== true) context.query = hooked;
      if (route.playback) {
        const session = access.sessions.admit(name, route.playback, request.raw, reply.raw);
        if (session === 'unknown-stream') return sendError(reply, 404, 'Unknown stream', `no stream named ${name}`);
        context.viewer = session;
        if (!context.viewer) {
          reply.header('access-control-allow-origin', '*');
          return sendError(reply, 403, 'Session ended', 'the studio ended this viewing session; try again in a little while');
        }
      }
      return route.handle(name, match, request, reply, context);
    });
  };
}
