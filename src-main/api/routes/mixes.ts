// The live mixer's API: a mix is a stream made from others (contract/mixer-api.ts).
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { ExportJob } from '../../contract/export-api.js';
import { MixCreate, MixLayout, MixRenderRequest, MixScenes, MixStatus, type MixScene } from '../../contract/mixer-api.js';
import { ErrorBody } from '../../contract/studio-api.js';
import type { ExportJobs } from '../../export/export-jobs.js';
import type { MixService } from '../../ingest/mix/mix-service.js';

// Names contain "/": clients URL-encode them (live%2Fshow); the router hands them over decoded.
const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 400 }) });
type NameParams = { name: string };

export function mixRoutes(mixes: MixService, jobs: Pick<ExportJobs, 'createMix'>) {
  return async (app: FastifyInstance) => {
    app.post<{ Body: MixRenderRequest }>(
      '/api/mixes/render',
      {
        config: { access: 'admin' },
        schema: {
          tags: ['mixer'],
          summary: 'Render an offline mix of recordings to an MP4: a saved export job (see /api/exports), cameras in step by their recorded wall-clock time',
          body: MixRenderRequest,
          response: { 201: ExportJob, 400: ErrorBody, 404: ErrorBody, 503: ErrorBody },
        },
      },
      async (request, reply) => reply.code(201).send(await jobs.createMix(request.body)),
    );
    app.get('/api/mixes', { config: { access: 'admin' }, schema: { tags: ['mixer'], summary: 'The live mixes, their layouts and inputs', response: { 200: Type.Array(MixStatus) } } }, async () => mixes.list());
    app.post<{ Body: MixCreate }>(
      '/api/mixes',
      { config: { access: 'admin' }, schema: { tags: ['mixer'], summary: 'Start a live mix: a stream composed from others', body: MixCreate, response: { 201: MixStatus, 400: ErrorBody, 409: ErrorBody, 503: ErrorBody } } },
      async (request, reply) => reply.code(201).send(await mixes.create(request.body)),
    );
    app.get<{ Params: NameParams }>(
      '/api/mixes/:name',
      { config: { access: 'admin' }, schema: { tags: ['mixer'], params: NameParams, response: { 200: MixStatus, 404: ErrorBody } } },
      async (request) => mixes.get(request.params.name),
    );
    app.put<{ Params: NameParams; Body: MixLayout }>(
      '/api/mixes/:name',
      { config: { access: 'admin' }, schema: { tags: ['mixer'], summary: 'Apply a new layout live (same canvas size and rate): no restart, no gap', params: NameParams, body: MixLayout, response: { 200: MixStatus, 400: ErrorBody, 404: ErrorBody } } },
      async (request) => mixes.update(request.params.name, request.body),
    );
    app.put<{ Params: NameParams; Body: MixScene[] }>(
      '/api/mixes/:name/scenes',
      { config: { access: 'admin' }, schema: { tags: ['mixer'], summary: "Replace the mix's saved layouts (scenes); take one with PUT /api/mixes/{name}", params: NameParams, body: MixScenes, response: { 200: MixStatus, 400: ErrorBody, 404: ErrorBody } } },
      async (request) => mixes.setScenes(request.params.name, request.body),
    );
    app.delete<{ Params: NameParams }>(
      '/api/mixes/:name',
      { config: { access: 'admin' }, schema: { tags: ['mixer'], summary: 'Stop a mix; its stream ends (its recording stays)', params: NameParams, response: { 404: ErrorBody } } },
      async (request, reply) => {
        await mixes.remove(request.params.name);
        return reply.code(204).send();
      },
    );
  };
}
