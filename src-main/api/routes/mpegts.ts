import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { Problem } from '../../contract/problem.js';
import type { StreamFileRoute } from '../../http/stream-files.js';
import type { ArchiveStore } from '../../dvr/archive-store.js';
import type { DvrIndex } from '../../dvr/dvr-index.js';
import { TsMuxError, TsMuxer } from '../../formats/mpegts/index.js';
import type { StreamHub } from '../../streams/stream-hub.js';
import { archiveRange, recordedSegments, requireKnownStream } from '../../delivery/archive-range.js';
import { archiveTs } from '../../delivery/mpegts/archive-ts-stream.js';
import { defaultLiveTsOptions, LiveTsStream } from '../../delivery/mpegts/live-ts-sink.js';

export interface MpegtsDeps {
  hub: (name: string) => StreamHub | null;
  index: DvrIndex;
  archive: ArchiveStore;
  streamKnown: (name: string) => boolean;
  log: Logger;
  /** Live: end the response when nothing came for this long (default 30 s). */
  idleMs?: number;
}

const commonHeaders = {
  'content-type': 'video/mp2t',
  // Anyone may embed playback, as with HLS.
  'access-control-allow-origin': '*',
};

let viewerCount = 0;

/** MPEG-TS over HTTP, as Flussonic names it: /NAME/mpegts (live) and /NAME/archive-FROM-DURATION.ts (DVR). */
export function mpegtsRoutes(deps: MpegtsDeps): StreamFileRoute[] {
  return [
    {
      file: 'mpegts',
      playback: 'mpegts',
      handle: (name, _m, request, reply) => live(deps, name, request, reply),
    },
    {
      file: /^archive-(\d+)-(\d+)\.ts$/,
      playback: 'mpegts',
      handle: (name, m, request, reply) => archive(deps, name, m![1]!, m![2]!, request, reply),
    },
  ];
}

async function live(deps: MpegtsDeps, name: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const hub = deps.hub(name);
  if (!hub) requireKnownStream(deps.streamKnown, name);
  // A stream between publisher reconnects (or a puller retrying) is worth waiting for; an ended one is not.
  if (!hub || hub.state === 'idle' || hub.state === 'failed') {
    throw new Problem('not-found', 'Not live', `${name} is not receiving anything now${hub?.reason ? ` (${hub.reason})` : ''}; its recording plays as archive-FROM-DURATION.ts`);
  }
  if (hub.tracks) refuseUnsupported(hub.tracks, name);
  reply.headers({ ...commonHeaders, 'cache-control': 'no-cache' });
  if (request.method === 'HEAD') return reply.send();
  const stream = new LiveTsStream(hub, {
    label: `mpegts viewer ${++viewerCount} (${request.ip})`,
    log: deps.log,
    idleMs: deps.idleMs ?? defaultLiveTsOptions.idleMs,
    highWaterMark: defaultLiveTsOptions.highWaterMark,
  });
  // An admin ending the session destroys the socket: the sink must let go of the hub then, too.
  reply.raw.once('close', () => stream.close('client went away'));
  return reply.send(stream.output);
}

async function archive(deps: MpegtsDeps, name: string, fromText: string, durationText: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  requireKnownStream(deps.streamKnown, name);
  const range = archiveRange(fromText, durationText);
  const segments = recordedSegments(deps.index, name, range);
  const headers = {
    ...commonHeaders,
    'cache-control': 'public, max-age=60',
    'content-disposition': `inline; filename="${name.replaceAll('/', '_')}-${fromText}-${durationText}.ts"`,
  };
  if (request.method === 'HEAD') return reply.headers(headers).send();
  const chunks = archiveTs({ archive: deps.archive, segments, range, log: deps.log });
  // The first chunk before the headers: a range whose files are gone, or whose codecs TS cannot carry, is still an HTTP error.
  let first: IteratorResult<Uint8Array, void>;
  try {
    first = await chunks.next();
  } catch (error) {
    if (error instanceof TsMuxError) throw new Problem('unsupported', 'Not available as MPEG-TS', error.message);
    throw error;
  }
  if (first.done) throw new Problem('not-found', 'Nothing recorded', `the recording of ${name} in that range is no longer on disk`);
  const body = Readable.from(continueWith(first.value, chunks), { objectMode: false });
  reply.raw.once('close', () => body.destroy());
  return reply.headers(headers).send(body);
}

async function* continueWith(first: Uint8Array, rest: AsyncGenerator<Uint8Array, void, undefined>): AsyncGenerator<Uint8Array, void, undefined> {
  try {
    yield first;
    yield* rest;
  } finally {
    await rest.return();
  }
}

/** 415 when none of the live tracks can go into MPEG-TS (AV1, Opus): better said now than after the headers. */
function refuseUnsupported(tracks: NonNullable<StreamHub['tracks']>, name: string): void {
  try {
    new TsMuxer(tracks);
  } catch (error) {
    if (error instanceof TsMuxError) throw new Problem('unsupported', 'Not available as MPEG-TS', `${name}: ${error.message}`);
    throw error;
  }
}
