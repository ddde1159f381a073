import { Type } from 'typebox';
import fsp from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { ErrorBody } from '../../contract/studio-api.js';
import { ExportJob, ExportRequest } from '../../contract/export-api.js';
import { Problem } from '../../contract/problem.js';
import type { ExportJobs } from '../../export/export-jobs.js';
import { sendFile } from '../../http/send-file.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** Content-Disposition for a download: an ASCII fallback name and the real one (RFC 6266, RFC 8187). */
export function attachment(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** Saved exports: POST starts a job, GET lists and follows them, DELETE cancels or forgets, /file downloads the result. */
export function exportsRoutes(deps: { jobs: ExportJobs }) {
  const find = (id: string) => {
    const job = deps.jobs.get(id);
    if (!job) throw new Problem('not-found', 'Unknown export', `no export job ${id} (finished jobs are kept until 50 newer ones finish)`);
    return job;
  };

  return async (app: FastifyInstance) => {
    app.post<{ Body: ExportRequest }>(
      '/api/exports',
      { config: { access: 'admin' },
        schema: {
          tags: ['exports'],
          summary: 'Export a range of a stream as an MP4 file into the exports folder (or an absolute folder chosen in the desktop app), as a job',
          body: ExportRequest,
          response: { 202: ExportJob, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (request, reply) => reply.code(202).send(await deps.jobs.create(request.body)),
    );

    app.get('/api/exports', { config: { access: 'admin' }, schema: { tags: ['exports'], summary: 'Running and queued exports, then the last 50 finished', response: { 200: Type.Array(ExportJob) } } }, async () => deps.jobs.list());

    app.get<{ Params: { id: string } }>(
      '/api/exports/:id',
      { config: { access: 'admin' }, schema: { tags: ['exports'], summary: 'One export job', params: IdParams, response: { 200: ExportJob, 404: ErrorBody } } },
      async (request) => find(request.params.id),
    );

    app.delete<{ Params: { id: string } }>(
      '/api/exports/:id',
      { config: { access: 'admin' },
        schema: {
          tags: ['exports'],
          summary: 'Cancel a queued or running export (its partial file is removed), or forget a finished one (its file stays)',
          params: IdParams,
          response: { 200: ExportJob, 404: ErrorBody },
        },
      },
      async (request) => {
        const result = await deps.jobs.cancel(request.params.id);
        if (!result) find(request.params.id);
        return result!.job;
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/exports/:id/file',
      { config: { access: 'admin' }, schema: { tags: ['exports'], summary: 'Download a finished export (Range requests work)', params: IdParams, response: { 404: ErrorBody, 409: ErrorBody } } },
      async (request, reply) => {
        const job = find(request.params.id);
        const file = deps.jobs.file(job.id);
        if (!file) throw new Problem('conflict', 'Not finished', job.state === 'failed' ? `the export failed: ${job.error}` : `the export is ${job.state}; its file is there once it is done`);
        if (!(await fsp.stat(file.path).catch(() => null))) throw new Problem('not-found', 'File gone', `${file.path} was moved or deleted`);
        reply.header('content-disposition', attachment(file.fileName));
        return sendFile(request, reply, file.path, { type: 'video/mp4', cacheControl: 'private, no-cache' });
      },
    );
  };
}
