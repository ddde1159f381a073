// Recording files (contract/recording-api.ts): admin only. Start and stop per stream or as
// a multicam session, list the files, download one, send one to the Library.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorBody } from '../../contract/studio-api.js';
import { LibraryFileRef, LibraryFolderName } from '../../contract/library-api.js';
import { Problem } from '../../contract/problem.js';
import { RecordingFile, RecordingSession, RecordingSessionStart, RecordingStatus, RecordStart } from '../../contract/recording-api.js';
import { streamNameProblem } from '../../contract/stream-name.js';
import type { RecordingService } from '../../recordings/recording-service.js';
import type { LibraryService } from '../../vod/library-service.js';
import { sendFile } from '../../http/send-file.js';
import { attachment } from './exports.js';

const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 400 }) });
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const SessionParams = Type.Object({ session: Type.String({ pattern: '^[0-9a-f]{12}$' }) });
const ListQuery = Type.Object(
  {
    stream: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    session: Type.Optional(Type.String({ pattern: '^[0-9a-f]{12}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
type ListQuery = { stream?: string; session?: string; limit?: number; offset?: number };
const types: Record<string, string> = { mp4: 'video/mp4', mkv: 'video/x-matroska', ts: 'video/mp2t' };

export function recordingRoutes(deps: { recordings: RecordingService; library: LibraryService }) {
  const checked = (name: string) => {
    const problem = streamNameProblem(name);
    if (problem) throw new Problem('invalid', 'Invalid stream name', problem);
    return name;
  };
  return async (app: FastifyInstance) => {
    app.post<{ Params: { name: string }; Body: RecordStart | undefined }>(
      '/api/streams/:name/record/start',
      { config: { access: 'admin' },
        schema: {
          tags: ['recordings'],
          summary: 'Record this stream to files (MP4, MKV or MPEG-TS) until stopped; while it is offline, a new file starts when it is back',
          params: NameParams,
          body: Type.Union([RecordStart, Type.Null()]),
          response: { 200: RecordingStatus, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 503: ErrorBody },
        },
      },
      async (request) => deps.recordings.start(checked(request.params.name), request.body ?? {}),
    );
    app.post<{ Params: { name: string } }>(
      '/api/streams/:name/record/stop',
      { config: { access: 'admin' }, schema: { tags: ['recordings'], summary: 'Stop recording this stream to files; the last file is finished in the background', params: NameParams, response: { 200: RecordingStatus, 400: ErrorBody, 409: ErrorBody } } },
      async (request) => deps.recordings.stop(checked(request.params.name)),
    );
    app.get<{ Params: { name: string } }>(
      '/api/streams/:name/record',
      { config: { access: 'admin' }, schema: { tags: ['recordings'], summary: 'Whether this stream records to files now, and the file being written', params: NameParams, response: { 200: RecordingStatus, 400: ErrorBody } } },
      async (request) => deps.recordings.status(checked(request.params.name)),
    );
    app.post<{ Body: RecordingSessionStart }>(
      '/api/recordings/sessions',
      { config: { access: 'admin' },
        schema: { tags: ['recordings'], summary: 'Record several streams as one session (a multicam shoot, to be mixed later): all start, or none', body: RecordingSessionStart, response: { 200: RecordingSession, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 503: ErrorBody } },
      },
      async (request) => {
        request.body.streams.forEach(checked);
        return deps.recordings.startSession(request.body);
      },
    );
    app.post<{ Params: { session: string } }>(
      '/api/recordings/sessions/:session/stop',
      { config: { access: 'admin' }, schema: { tags: ['recordings'], summary: 'Stop every stream of a session', params: SessionParams, response: { 200: Type.Array(RecordingStatus), 404: ErrorBody } } },
      async (request) => deps.recordings.stopSession(request.params.session),
    );
    app.get<{ Querystring: ListQuery }>(
      '/api/recordings',
      { config: { access: 'admin' },
        schema: {
          tags: ['recordings'],
          summary: 'Recording files, newest first (?stream=NAME, ?session=ID), and the streams recording now',
          querystring: ListQuery,
          response: { 200: Type.Object({ total: Type.Integer(), files: Type.Array(RecordingFile), active: Type.Array(RecordingStatus) }) },
        },
      },
      async (request) => {
        const { stream, session, limit = 100, offset = 0 } = request.query;
        return { ...deps.recordings.list({ ...(stream ? { stream } : {}), ...(session ? { session } : {}), limit, offset }), active: deps.recordings.statuses() };
      },
    );
    app.get<{ Params: { id: number } }>(
      '/api/recordings/:id/file',
      { config: { access: 'admin' }, schema: { tags: ['recordings'], summary: 'Download a finished recording file (Range requests work)', params: IdParams, response: { 404: ErrorBody } } },
      async (request, reply) => {
        const { file, meta } = deps.recordings.fileOf(request.params.id);
        if (!(await fsp.stat(file).catch(() => null))) throw new Problem('not-found', 'File gone', `${meta.path} was moved or deleted`);
        reply.header('content-disposition', attachment(path.basename(file)));
        return sendFile(request, reply, file, { type: types[path.extname(file).slice(1)] ?? 'application/octet-stream', cacheControl: 'private, no-cache' });
      },
    );
    app.post<{ Params: { id: number }; Body: { folder?: string } | undefined }>(
      '/api/recordings/:id/library',
      { config: { access: 'admin' },
        schema: {
          tags: ['recordings'],
          summary: 'Put a finished recording file into the library (FOLDER/Recordings/NAME; a hard link, no copy, when on one disk)',
          params: IdParams,
          body: Type.Union([Type.Object({ folder: Type.Optional(LibraryFolderName) }, { additionalProperties: false }), Type.Null()]),
          response: { 201: LibraryFileRef, 404: ErrorBody, 409: ErrorBody },
        },
      },
      async (request, reply) => {
        const { file } = deps.recordings.fileOf(request.params.id);
        return reply.code(201).send(await deps.library.importCopy(file, { folder: request.body?.folder ?? 'media', subfolder: 'Recordings' }));
      },
    );
  };
}
