import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorBody, StreamConfigCreate, StreamConfigPatch, StreamInfo, type PublishUrls } from '../../contract/studio-api.js';
import { Problem } from '../../contract/problem.js';
import type { StreamRegistry } from '../../streams/stream-registry.js';
import { streamNameProblem } from '../../contract/stream-name.js';
import type { EncoderStatus } from '../../contract/studio-api.js';
import type { TranscodeConfig } from '../../contract/transcode-api.js';
import { checkTranscodeConfig } from '../../transcode/transcode-config.js';

const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 400 }) });
type NameParams = { name: string };

// Names contain "/", so clients URL-encode them (live%2Fcam1); the router hands them over decoded.
function checkedName(name: string): string {
  const problem = streamNameProblem(name);
  if (problem) throw new Problem('invalid', 'Invalid stream name', problem);
  return name;
}

export interface StreamsRouteDeps {
  registry: StreamRegistry;
  /** Publish URLs as seen from a client that reached the studio by `host`. */
  publishUrls: (name: string, host: string) => PublishUrls;
  /** Why a source URL can never work (unsupported scheme, a file path leaving the media folder), or null. */
  sourceProblem: (url: string) => string | null;
  /** The encoder probe's answer, to check a ladder's pinned encoder against. */
  encoders: () => Promise<readonly EncoderStatus[]>;
}

export function streamsRoutes(deps: StreamsRouteDeps) {
  const { registry } = deps;
  const checkedSources = (sources: { url: string }[] | undefined, playlist: boolean | undefined) => {
    for (const source of sources ?? []) {
      if (source.url.includes(':***@')) continue; // a masked URL sent back unchanged keeps the stored one
      const problem = deps.sourceProblem(source.url);
      if (problem) throw new Problem('invalid', 'Invalid source', problem);
      // A live source never ends, so the files after it would never play.
      if (playlist && !/^(file|library):\/\//i.test(source.url)) throw new Problem('invalid', 'Invalid playlist', `${source.url}: a playlist plays files (file:// or library://), one after another`);
    }
  };
  const checkedTranscode = async (transcode: TranscodeConfig | null | undefined) => {
    if (transcode) checkTranscodeConfig(transcode, await deps.encoders());
  };
  const found = (name: string) => {
    const info = registry.info(checkedName(name));
    if (!info) throw new Problem('not-found', 'Unknown stream', `no stream named ${name}`);
    return info;
  };
  return async (app: FastifyInstance) => {
    app.get('/api/streams', { config: { access: 'admin' }, schema: { tags: ['streams'], summary: 'Every stream, configured or published, with live stats', response: { 200: Type.Array(StreamInfo) } } }, async () =>
      registry.list(),
    );

    app.post<{ Body: StreamConfigCreate }>(
      '/api/streams',
      { config: { access: 'admin' }, schema: { tags: ['streams'], summary: 'Configure a stream (sources to pull, publishing rules)', body: StreamConfigCreate, response: { 201: StreamInfo, 400: ErrorBody, 409: ErrorBody } } },
      async (request, reply) => {
        checkedName(request.body.name);
        checkedSources(request.body.sources, request.body.playlist);
        await checkedTranscode(request.body.transcode);
        const created = registry.create(request.body);
        if (created === 'exists') throw new Problem('conflict', 'Stream exists', `a stream named ${request.body.name} is already configured; change it instead`);
        if ('conflict' in created) throw new Problem('conflict', 'Name taken in another case', created.conflict);
        return reply.code(201).send(found(created.name));
      },
    );

    app.get<{ Params: NameParams }>(
      '/api/streams/:name',
      { config: { access: 'admin' }, schema: { tags: ['streams'], params: NameParams, response: { 200: StreamInfo, 400: ErrorBody, 404: ErrorBody } } },
      async (request) => found(request.params.name),
    );

    app.put<{ Params: NameParams; Body: StreamConfigPatch }>(
      '/api/streams/:name',
      { config: { access: 'admin' },
        schema: {
          tags: ['streams'],
          summary: 'Change a configured stream; a stream that only exists because it is published gets a configuration',
          params: NameParams,
          body: StreamConfigPatch,
          response: { 200: StreamInfo, 201: StreamInfo, 400: ErrorBody, 409: ErrorBody },
        },
      },
      async (request, reply) => {
        const name = checkedName(request.params.name);
        checkedSources(request.body.sources, request.body.playlist);
        await checkedTranscode(request.body.transcode);
        const updated = await registry.update(name, request.body);
        if (updated) return found(name);
        const created = registry.create({ name, ...request.body });
        if (typeof created === 'object' && 'conflict' in created) throw new Problem('conflict', 'Name taken in another case', created.conflict);
        return reply.code(201).send(found(name));
      },
    );

    app.delete<{ Params: NameParams }>(
      '/api/streams/:name',
      { config: { access: 'admin' }, schema: { tags: ['streams'], summary: 'Remove a configured stream (its publisher or puller is stopped); refused while a play token protects its recordings', params: NameParams, response: { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody } } },
      async (request, reply) => {
        const removed = await registry.remove(checkedName(request.params.name));
        if (removed === 'unknown') throw new Problem('not-found', 'Unknown stream', `${request.params.name} is not a configured stream`);
        if (removed !== 'removed') throw new Problem('conflict', 'Protected recordings', removed.conflict);
        return reply.code(204).send();
      },
    );

    app.get<{ Params: NameParams }>(
      '/api/streams/:name/health',
      { config: { access: 'admin' },
        schema: {
          tags: ['streams'],
          summary: '200 while frames arrived in the last 2 s, 424 when the stream exists but is silent, 404 when unknown',
          params: NameParams,
          response: { 200: Type.Object({ ok: Type.Boolean(), lastFrameAgeMs: Type.Union([Type.Number(), Type.Null()]) }), 424: Type.Object({ ok: Type.Boolean(), lastFrameAgeMs: Type.Union([Type.Number(), Type.Null()]) }) },
        },
      },
      async (request, reply) => {
        const info = found(request.params.name);
        const ok = info.lastFrameAgeMs !== null && info.lastFrameAgeMs <= 2000 && info.state !== 'idle';
        return reply.code(ok ? 200 : 424).send({ ok, lastFrameAgeMs: info.lastFrameAgeMs });
      },
    );

    app.get<{ Params: NameParams }>(
      '/api/streams/:name/publish-urls',
      { config: { access: 'admin' }, schema: { tags: ['streams'], summary: 'Where to publish this stream to (RTMP server + key as OBS asks, SRT, MPEG-TS over HTTP)', params: NameParams } },
      async (request) => deps.publishUrls(checkedName(request.params.name), request.hostname.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')),
    );
  };
}
