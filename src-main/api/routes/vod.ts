// The VOD library over HTTP: the admin's listing and folders (/api/library…), and every
// library file playable by URL (/vod/FOLDER/PATH…), Flussonic style:
//   /vod/F/P                    the file as it is (Range, ETag)
//   /vod/F/P/index.m3u8         the variants: the original remuxed when browsers take it, and sizes up to its own
//   /vod/F/P/720p/index.m3u8    one variant; …/720p/N.ts its segments, made on first request and cached
//   /vod/F/P/source/init.mp4    an fMP4 variant's init (HEVC, AV1, Opus originals); its segments are N.m4s
//   /vod/F/P/poster.jpg         a picture from the file
// A shared folder plays for anyone on the LAN; a private one needs ?token= (or the admin).
import crypto from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Problem } from '../../contract/problem.js';
import { ErrorBody } from '../../contract/studio-api.js';
import { LibraryImport, PublicLibraryFile, PublicLibraryQuery, LibraryFileMove, LibraryFileRef, LibraryFolder, LibraryFolderName, LibraryFolderPatch, LibraryFolderRequest, LibraryListing, LibraryQuery } from '../../contract/library-api.js';
import { admitPlayToken } from '../../http/play-token.js';
import { sendError } from '../../http/problem-reply.js';
import { sendFile } from '../../http/send-file.js';
import { sendPlaylist } from '../../http/send-playlist.js';
import type { LibraryService } from '../../vod/library-service.js';
import type { VodService } from '../../vod/vod-service.js';
import { uploadsPath, type LibraryUploads } from '../../http/library-uploads.js';

export interface VodRouteDeps {
  library: LibraryService;
  vod: VodService;
  uploads: LibraryUploads;
  /** A finished export's file, by job id; null when there is no such finished job. */
  exportFile: (id: string) => string | null;
  isAdmin: (request: FastifyRequest) => boolean;
}

const contentTypes: Record<string, string> = {
  mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime', mkv: 'video/x-matroska', webm: 'video/webm', ts: 'video/mp2t', mts: 'video/mp2t', m2ts: 'video/mp2t',
  mpg: 'video/mpeg', mpeg: 'video/mpeg', avi: 'video/x-msvideo', mp3: 'audio/mpeg', m4a: 'audio/mp4', wav: 'audio/wav', flac: 'audio/flac', ogg: 'audio/ogg', opus: 'audio/ogg',
};

/** A variant's name in a URL: source, audio, or a size like 720p. */
const variantName = /^(?:source|audio|\d{3,4}p)$/;

type Target =
  | { kind: 'file'; path: string }
  | { kind: 'master'; path: string }
  | { kind: 'media'; path: string; variant: string }
  | { kind: 'segment'; path: string; variant: string; index: number; extension: string }
  | { kind: 'init'; path: string; variant: string }
  | { kind: 'poster'; path: string }
  | { kind: 'preview'; path: string }
  | { kind: 'sprite'; path: string }
  | { kind: 'sprite-map'; path: string }
  | { kind: 'subtitle-list'; path: string; index: number }
  | { kind: 'subtitles'; path: string; index: number };

/** What a URL below /vod/FOLDER/ asks for: the longest prefix naming a library file wins, the rest says which part of it. */
function targetOf(library: LibraryService, folder: string, parts: string[]): Target | null {
  const isFile = (n: number) => n > 0 && library.has(folder, parts.slice(0, n).join('/'));
  const n = parts.length;
  if (isFile(n)) return { kind: 'file', path: parts.join('/') };
  const last = parts[n - 1]!;
  if (n >= 2 && last === 'index.m3u8' && isFile(n - 1)) return { kind: 'master', path: parts.slice(0, n - 1).join('/') };
  if (n >= 2 && last === 'poster.jpg' && isFile(n - 1)) return { kind: 'poster', path: parts.slice(0, n - 1).join('/') };
  if (n >= 2 && last === 'preview.jpg' && isFile(n - 1)) return { kind: 'preview', path: parts.slice(0, n - 1).join('/') };
  if (n >= 2 && last === 'sprite.jpg' && isFile(n - 1)) return { kind: 'sprite', path: parts.slice(0, n - 1).join('/') };
  if (n >= 2 && last === 'sprite.json' && isFile(n - 1)) return { kind: 'sprite-map', path: parts.slice(0, n - 1).join('/') };
  if (n >= 4 && parts[n - 3] === 'subs' && /^\d{1,2}$/.test(parts[n - 2]!) && isFile(n - 3)) {
    const file = parts.slice(0, n - 3).join('/');
    const index = Number(parts[n - 2]);
    if (last === 'index.m3u8') return { kind: 'subtitle-list', path: file, index };
    if (last === 'subtitles.vtt') return { kind: 'subtitles', path: file, index };
  }
  if (n >= 3 && variantName.test(parts[n - 2]!) && isFile(n - 2)) {
    const file = parts.slice(0, n - 2).join('/');
    if (last === 'index.m3u8') return { kind: 'media', path: file, variant: parts[n - 2]! };
    if (last === 'init.mp4') return { kind: 'init', path: file, variant: parts[n - 2]! };
    const segment = /^(\d{1,6})\.(ts|m4s)$/.exec(last);
    if (segment) return { kind: 'segment', path: file, variant: parts[n - 2]!, index: Number(segment[1]), extension: segment[2]! };
  }
  return null;
}

export function vodRoutes(deps: VodRouteDeps) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { '*': string } }>('/vod/*', { config: { access: 'play' }, schema: { hide: true } }, async (request, reply) => {
      const raw = request.params['*'];
      const parts = raw.split('/');
      if (raw.length > 4096 || parts.length > 64 || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\0'))) {
        return sendError(reply, 404, 'Not found', 'no such library file');
      }
      const [folderName, ...rest] = parts;
      const folder = deps.library.folder(folderName!);
      if (!folder || rest.length === 0) return sendError(reply, 404, 'Not found', `no library folder ${folderName ?? ''}`);
      // A private folder shows nothing of itself without its token, not even whether a file exists.
      let query = '';
      if (!folder.shared) {
        // A private folder without a token (made before tokens were required) plays for the admin only.
        const admitted = admitPlayToken(request, reply, { token: folder.playToken ?? crypto.randomBytes(24).toString('hex'), isAdmin: deps.isAdmin, what: `library folder ${folder.name}` });
        if (admitted === null) return reply;
        if ((request.query as { token?: unknown }).token !== undefined) query = admitted;
      }
      const target = targetOf(deps.library, folder.name, rest);
      if (!target) return sendError(reply, 404, 'Not found', 'no such library file, rendition or segment');
      const file = { folder: folder.name, path: target.path };
      return serve(request, reply, target, file, query);
    });

    const serve = async (request: FastifyRequest, reply: FastifyReply, target: Target, file: { folder: string; path: string }, query: string) => {
      switch (target.kind) {
        case 'file': {
          const resolved = await deps.library.openable(file.folder, file.path);
          const ext = path.extname(file.path).slice(1).toLowerCase();
          return sendFile(request, reply, resolved.file, { type: contentTypes[ext] ?? 'application/octet-stream', cacheControl: 'public, max-age=60' });
        }
        case 'master':
          return sendPlaylist(request, reply, await deps.vod.master(file, query), 'public, max-age=10');
        case 'media':
          return sendPlaylist(request, reply, await deps.vod.media(file, target.variant, query), 'public, max-age=60');
        case 'segment':
          return sendFile(request, reply, await deps.vod.segment(file, target.variant, target.index, target.extension), { type: target.extension === 'ts' ? 'video/mp2t' : 'video/iso.segment', cacheControl: 'public, max-age=300' });
        case 'init':
          return sendFile(request, reply, await deps.vod.init(file, target.variant), { type: 'video/mp4', cacheControl: 'public, max-age=300' });
        case 'poster':
          return sendFile(request, reply, await deps.vod.poster(file), { type: 'image/jpeg', cacheControl: 'public, max-age=300' });
        case 'preview': {
          const q = request.query as { t?: string; w?: string };
          const t = Number(q.t ?? 0);
          const w = q.w === undefined ? 320 : Number(q.w);
          if (!Number.isFinite(t) || !Number.isInteger(w)) throw new Problem('invalid', 'Invalid picture', 't is seconds into the file; w a width (160, 320, 640 or 1280)');
          return sendFile(request, reply, await deps.vod.preview(file, t, w), { type: 'image/jpeg', cacheControl: 'public, max-age=300' });
        }
        case 'sprite':
          return sendFile(request, reply, await deps.vod.sprite(file), { type: 'image/jpeg', cacheControl: 'public, max-age=300' });
        case 'sprite-map':
          return reply.header('cache-control', 'public, max-age=60').header('access-control-allow-origin', '*').send(deps.vod.spriteMap(file));
        case 'subtitle-list':
          return sendPlaylist(request, reply, deps.vod.subtitleList(file, target.index, query), 'public, max-age=60');
        case 'subtitles':
          return sendFile(request, reply, await deps.vod.subtitles(file, target.index), { type: 'text/vtt; charset=utf-8', cacheControl: 'public, max-age=300' });
      }
    };

    // tus (resumable uploads): the protocol's own handler reads the body as it streams in.
    app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
    for (const url of [uploadsPath, `${uploadsPath}/:id`]) {
      app.route({
        method: ['POST', 'PATCH', 'HEAD', 'DELETE'],
        url,
        config: { access: 'admin' },
        schema: { tags: ['library'], summary: 'Resumable upload into the library (tus 1.0: Upload-Metadata filename, folder)' },
        handler: async (request, reply) => {
          reply.hijack();
          await deps.uploads.handle(request.raw, reply.raw);
        },
      });
    }

    app.get<{ Querystring: LibraryQuery }>(
      '/api/library',
      { config: { access: 'admin' }, schema: { tags: ['library'], summary: 'Files of the library folders, with what ffprobe found and how each plays', querystring: LibraryQuery, response: { 200: LibraryListing, 401: ErrorBody } } },
      // Written as text by the library (see listJson): the schema documents it, the serializer is not run on it.
      async (request, reply) => reply.type('application/json; charset=utf-8').serializer((payload) => payload as string).send(deps.library.listJson(request.query)),
    );
    app.put<{ Body: LibraryFileMove }>(
      '/api/library/files',
      { config: { access: 'admin' }, schema: { tags: ['library'], summary: 'Rename a file, or move it to another folder or sub-folder (never over another file)', body: LibraryFileMove, response: { 204: Type.Null(), 400: ErrorBody, 404: ErrorBody, 409: ErrorBody } } },
      async (request, reply) => {
        const { folder, path: from, toFolder, toPath } = request.body;
        await deps.library.move({ folder, path: from }, { folder: toFolder ?? folder, path: toPath });
        return reply.code(204).send();
      },
    );
    app.post<{ Params: { id: string }; Body: { folder?: string } }>(
      '/api/library/from-export/:id',
      { config: { access: 'admin' },
        schema: {
          tags: ['library'],
          summary: 'Put a finished DVR export into the library (folder/DVR exports/NAME.mp4; a hard link, no copy, when on one disk)',
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          body: Type.Object({ folder: Type.Optional(LibraryFolderName) }, { additionalProperties: false }),
          response: { 201: LibraryFileRef, 404: ErrorBody },
        },
      },
      async (request, reply) => {
        const file = deps.exportFile(request.params.id);
        if (!file) throw new Problem('not-found', 'No finished export', `export ${request.params.id} is not finished (or was removed)`);
        return reply.code(201).send(await deps.library.importCopy(file, { folder: request.body?.folder ?? 'media', subfolder: 'DVR exports' }));
      },
    );
    app.post<{ Body: LibraryImport }>(
      '/api/library/imports',
      { config: { access: 'admin' }, schema: { tags: ['library'], summary: 'Bring a file of this machine into the library: copied, or used in place', body: LibraryImport, response: { 201: LibraryFileRef, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody } } },
      async (request, reply) => reply.code(201).send(await deps.library.importLocal(request.body.path, request.body.mode, request.body.folder ?? 'media')),
    );
    app.delete<{ Querystring: LibraryFileRef }>(
      '/api/library/files',
      { config: { access: 'admin' }, schema: { tags: ['library'], summary: 'Delete a file from disk and from the library', querystring: LibraryFileRef, response: { 204: Type.Null(), 404: ErrorBody } } },
      async (request, reply) => {
        await deps.library.remove(request.query);
        return reply.code(204).send();
      },
    );
    app.get<{ Querystring: PublicLibraryQuery }>(
      '/api/public/library',
      {
        config: { access: 'public' },
        schema: {
          tags: ['playback'],
          summary: 'Library files anyone on the LAN may play (shared folders, playable ones), newest first',
          security: [],
          querystring: PublicLibraryQuery,
          response: { 200: Type.Object({ total: Type.Integer(), files: Type.Array(PublicLibraryFile) }) },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return deps.library.publicList(request.query);
      },
    );
    app.get('/api/library/folders', { config: { access: 'admin' }, schema: { tags: ['library'], summary: 'Library folders: the media folder and any added', response: { 200: Type.Array(LibraryFolder) } } }, async () => deps.library.folders());
    app.post<{ Body: LibraryFolderRequest }>(
      '/api/library/folders',
      { config: { access: 'admin' }, schema: { tags: ['library'], summary: 'Add a folder of this machine to the library (scanned, then watched)', body: LibraryFolderRequest, response: { 201: LibraryFolder, 400: ErrorBody, 409: ErrorBody } } },
      async (request, reply) => reply.code(201).send(await deps.library.addFolder(request.body)),
    );
    app.put<{ Params: { name: string }; Body: LibraryFolderPatch }>(
      '/api/library/folders/:name',
      { config: { access: 'admin' }, schema: { tags: ['library'], summary: 'Share a folder on the LAN, or make it private with a play token', params: Type.Object({ name: LibraryFolderName }), body: LibraryFolderPatch, response: { 200: LibraryFolder, 400: ErrorBody, 404: ErrorBody } } },
      async (request) => deps.library.updateFolder(request.params.name, request.body),
    );
    app.delete<{ Params: { name: string } }>(
      '/api/library/folders/:name',
      { config: { access: 'admin' }, schema: { tags: ['library'], summary: 'Remove a folder from the library (its files stay on disk)', params: Type.Object({ name: LibraryFolderName }), response: { 204: Type.Null(), 404: ErrorBody, 409: ErrorBody } } },
      async (request, reply) => {
        await deps.library.removeFolder(request.params.name);
        return reply.code(204).send();
      },
    );
    app.post<{ Params: { name: string } }>(
      '/api/library/folders/:name/rescan',
      { config: { access: 'admin' }, schema: { tags: ['library'], summary: 'Read a folder again from disk', params: Type.Object({ name: LibraryFolderName }), response: { 204: Type.Null(), 404: ErrorBody } } },
      async (request, reply) => {
        if (!deps.library.folder(request.params.name)) throw new Problem('not-found', 'No such folder', `no library folder called ${request.params.name}`);
        await deps.library.rescan(request.params.name);
        return reply.code(204).send();
      },
    );
  };
}
