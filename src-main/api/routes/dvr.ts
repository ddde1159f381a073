import { Type } from 'typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DvrLock, DvrLockRequest, DvrRetentionStatus, ErrorBody } from '../../contract/studio-api.js';
import { Problem } from '../../contract/problem.js';
import { gapToleranceMs, type DvrIndex, type RecordedRange } from '../../dvr/dvr-index.js';
import type { DvrService } from '../../dvr/dvr-service.js';
import { streamNameProblem } from '../../contract/stream-name.js';
import { Busy } from '../../delivery/busy.js';
import { sendBusy } from '../../http/client-gone.js';
import type { Listing, ListingBuilds, Pause } from '../../http/listing-builds.js';
import type { StreamFileRoute } from '../../http/stream-files.js';

export interface DvrRouteDeps {
  index: DvrIndex;
  dvr: DvrService;
  /** A stream is known when it is configured, live, or has recordings. */
  streamKnown: (name: string) => boolean;
  /** Files retention could not delete, and how its last pass went. */
  retentionStatus: () => DvrRetentionStatus;
}

const maxWindowSeconds = 400 * 24 * 3600;

/** UTC seconds from a query value; `now` where allowed. Plain-language 400s for everything else. */
export function utcSeconds(value: string | undefined, field: string, options: { allowNow?: boolean; fallback?: number } = {}): number {
  if (value === undefined || value === '') {
    if (options.fallback !== undefined) return options.fallback;
    throw new Problem('invalid', 'Invalid time', `${field} is required (UTC seconds)`);
  }
  if (value === 'now' && options.allowNow) return Date.now() / 1000;
  if (!/^\d+(\.\d+)?$/.test(value)) throw new Problem('invalid', 'Invalid time', `${field} must be UTC seconds${options.allowNow ? ' or "now"' : ''}, not "${value}"`);
  const seconds = Number(value);
  if (seconds > Date.now() / 1000 + 365 * 24 * 3600) throw new Problem('invalid', 'Invalid time', `${field} is more than a year in the future`);
  return seconds;
}

function window(query: { from?: string; to?: string }): { fromMs: number; toMs: number } {
  const from = utcSeconds(query.from, 'from', { fallback: 0 });
  const to = utcSeconds(query.to, 'to', { allowNow: true, fallback: Date.now() / 1000 });
  if (from > to) throw new Problem('invalid', 'Invalid range', `from (${from}) is after to (${to})`);
  return { fromMs: Math.round(from * 1000), toMs: Math.round(to * 1000) };
}

export function dvrRoutes(deps: DvrRouteDeps) {
  const known = (name: string) => {
    const problem = streamNameProblem(name);
    if (problem) throw new Problem('invalid', 'Invalid stream name', problem);
    if (!deps.streamKnown(name)) throw new Problem('not-found', 'Unknown stream', `no stream named ${name}`);
    return name;
  };
  const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 400 }) });

  return async (app: FastifyInstance) => {
    for (const action of ['enable', 'disable'] as const) {
      app.post<{ Params: { name: string } }>(
        `/api/streams/:name/dvr/${action}`,
        { config: { access: 'admin' }, schema: { tags: ['dvr'], summary: `${action === 'enable' ? 'Start' : 'Stop'} recording this stream now (on top of its setting)`, params: NameParams, response: { 400: ErrorBody, 404: ErrorBody } } },
        async (request) => {
          const name = known(request.params.name);
          deps.dvr.setEnabled(name, action === 'enable');
          return { stream: name, recording: deps.dvr.recording(name), enabled: deps.dvr.enabled(name) };
        },
      );
    }

    app.post<{ Body: DvrLockRequest }>(
      '/api/dvr/lock',
      { config: { access: 'admin' },
        schema: {
          tags: ['dvr'],
          summary: 'Protect a range from deletion by retention (UTC seconds); a range with nothing recorded yet protects what will be',
          body: DvrLockRequest,
          response: { 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (request, reply) => {
        const { stream, from, duration } = request.body;
        known(stream);
        const fromMs = Math.round(from * 1000);
        const toMs = Math.round((from + duration) * 1000);
        const id = deps.index.addLock(stream, fromMs, toMs);
        const recorded = deps.index.ranges(stream, fromMs, toMs).length > 0;
        return reply.code(201).send({
          lock: { id, stream, from, duration },
          recorded,
          note: recorded ? null : 'nothing is recorded in this range yet: the lock protects what will be recorded there',
        });
      },
    );

    app.post<{ Body: DvrLockRequest }>(
      '/api/dvr/unlock',
      { config: { access: 'admin' }, schema: { tags: ['dvr'], summary: 'Take a range out of the locks (locks across it are trimmed or split)', body: DvrLockRequest, response: { 400: ErrorBody, 404: ErrorBody } } },
      async (request) => {
        const { stream, from, duration } = request.body;
        known(stream);
        return { changed: deps.index.removeLockRange(stream, Math.round(from * 1000), Math.round((from + duration) * 1000)) };
      },
    );

    app.get<{ Querystring: { stream?: string } }>(
      '/api/dvr/locks',
      { config: { access: 'admin' }, schema: { tags: ['dvr'], summary: 'Locked ranges (UTC seconds), for one stream or all', querystring: Type.Object({ stream: Type.Optional(Type.String()) }), response: { 200: Type.Array(DvrLock) } } },
      async (request) =>
        deps.index.locks(request.query.stream).map((l) => ({ id: l.id, stream: l.stream, from: l.fromMs / 1000, duration: (l.toMs - l.fromMs) / 1000 })),
    );

    app.get(
      '/api/dvr/streams',
      { config: { access: 'admin' },
        schema: {
          tags: ['dvr'],
          summary: 'Every stream with a recording (also those no longer configured or live), with the recorded span in UTC seconds',
          response: { 200: Type.Array(Type.Object({ stream: Type.String(), from: Type.Number(), to: Type.Number() })) },
        },
      },
      async () => deps.index.recordedStreams().map((s) => ({ stream: s.stream, from: s.firstMs / 1000, to: s.lastEndMs / 1000 })),
    );

    app.get(
      '/api/dvr/retention',
      { config: { access: 'admin' },
        schema: {
          tags: ['dvr'],
          summary: 'Segments retention could not delete (kept in the archive and tried again about once a minute), and when it last ran',
          response: { 200: DvrRetentionStatus },
        },
      },
      async () => deps.retentionStatus(),
    );

    app.get<{ Params: { name: string }; Querystring: { from?: string; to?: string; step?: string } }>(
      '/api/streams/:name/dvr/summary',
      { config: { access: 'admin' },
        schema: {
          tags: ['dvr'],
          summary: 'Recorded share and bytes per step, for drawing a timeline (UTC seconds; step in seconds, default 60)',
          params: NameParams,
          querystring: Type.Object({ from: Type.Optional(Type.String()), to: Type.Optional(Type.String()), step: Type.Optional(Type.String()) }),
          response: { 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (request) => {
        const name = known(request.params.name);
        const { fromMs, toMs } = window(request.query);
        const step = request.query.step === undefined ? 60 : Number(request.query.step);
        if (!Number.isFinite(step) || step < 1) throw new Problem('invalid', 'Invalid step', `step must be a number of seconds ≥ 1, not "${request.query.step}"`);
        if ((toMs - fromMs) / 1000 / step > 100_000) throw new Problem('invalid', 'Too many steps', 'ask for at most 100 000 steps: widen step or narrow the window');
        if ((toMs - fromMs) / 1000 > maxWindowSeconds) throw new Problem('invalid', 'Window too wide', 'ask for at most 400 days at once');
        return deps.index.summary(name, fromMs, toMs, step * 1000).map((b) => ({ from: b.fromMs / 1000, coverage: b.coverage, bytes: b.bytes }));
      },
    );
  };
}

export interface RecordingStatusOptions {
  /** The playlistMaxHours setting: the longest window one answer covers. */
  maxHours: () => number;
  /** Shared with the DVR playlists: builds take turns on the event loop, identical requests share one. */
  listings: ListingBuilds;
}

/** Ranges in one answer at most (the newest): a day with a gap every other segment would be 21 600. */
const maxStatusRanges = 10_000;
/** Identical requests within this share one answer (a timeline polling, a roomful of players). */
const statusTtlMs = 1000;

/** The index is read five minutes at a time (well under a ms even with a gap every few seconds), pausing when the build's share of the loop is spent. */
const statusSliceMs = 300_000;

/** index.ranges() over [fromMs, toMs), a slice at a time, joined again where a range crosses a slice's end. */
async function slicedRanges(index: DvrIndex, name: string, fromMs: number, toMs: number, pause: Pause): Promise<RecordedRange[]> {
  const out: RecordedRange[] = [];
  for (let at = fromMs; at < toMs; at += statusSliceMs) {
    for (const range of index.ranges(name, at, Math.min(at + statusSliceMs, toMs))) {
      const last = out.at(-1);
      if (last && range.fromMs <= last.fromMs + last.durationMs + gapToleranceMs) {
        last.durationMs = Math.max(last.fromMs + last.durationMs, range.fromMs + range.durationMs) - last.fromMs;
      } else {
        out.push({ ...range });
      }
    }
    await pause();
  }
  return out;
}

/**
 * GET /NAME/recording_status.json: the shape Flussonic players and middleware read.
 * Bounded like the DVR playlists: a window longer than playlistMaxHours is clamped to
 * its newest part (from = to - limit, as a DVR depth would), at most 10 000 ranges (the
 * newest) are listed, and X-Framehouse-Clamped says when either happened. Built in
 * turn with the playlists (a few ms of work per turn of the event loop) and shared
 * for a second.
 */
export function recordingStatusRoute(deps: DvrRouteDeps, o: RecordingStatusOptions): StreamFileRoute {
  return { file: 'recording_status.json', handle: (name, _match, request, reply) => recordingStatus(deps, o, name, request, reply) };
}

async function recordingStatus(deps: DvrRouteDeps, o: RecordingStatusOptions, name: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (!deps.streamKnown(name)) throw new Problem('not-found', 'Unknown stream', `no stream named ${name}`);
  const query = request.query as { from?: string; to?: string; request?: string };
  const asked = window(query);
  const hours = o.maxHours();
  const toMs = asked.toMs;
  const fromMs = Math.max(asked.fromMs, toMs - hours * 3_600_000);
  const wanted = new Set((query.request ?? 'ranges').split(','));
  const withRanges = wanted.has('ranges');
  const withLocks = wanted.has('locks');
  const build = async (pause: Pause) => {
    const entry: Record<string, unknown> = { stream: name };
    const ranges = await slicedRanges(deps.index, name, fromMs, toMs, pause);
    const listed = ranges.slice(-maxStatusRanges);
    if (withRanges) entry.ranges = listed.map((r) => ({ from: Math.floor(r.fromMs / 1000), duration: Math.round(r.durationMs / 1000) }));
    if (withLocks) entry.locks = deps.index.locks(name, fromMs, toMs).map((l) => ({ from: Math.floor(l.fromMs / 1000), duration: Math.round((l.toMs - l.fromMs) / 1000) }));
    // An empty array means nothing is recorded (or locked) in the window, as Flussonic answers.
    const empty = ranges.length === 0 && !(Array.isArray(entry.locks) && entry.locks.length > 0);
    const note = withRanges && listed.length < ranges.length ? `ranges=${maxStatusRanges} newest of ${ranges.length}` : undefined;
    return { bytes: Buffer.from(JSON.stringify(empty ? [] : [entry])), note };
  };
  let status: Listing;
  try {
    // `to=now` moves every millisecond: whole seconds let repeated polls share one answer.
    status = await o.listings.get(`status\0${name}\0${Math.floor(fromMs / 1000)}\0${Math.floor(toMs / 1000)}\0${withRanges}\0${withLocks}`, statusTtlMs, build);
  } catch (error) {
    if (error instanceof Busy) return sendBusy(reply, error);
    throw error;
  }
  const clamped = [...(fromMs > asked.fromMs ? [`from=${Math.floor(fromMs / 1000)}; playlistMaxHours=${hours}`] : []), ...(status.note ? [status.note] : [])];
  if (clamped.length > 0) reply.header('x-framehouse-clamped', clamped.join('; ')).header('access-control-expose-headers', 'x-framehouse-clamped');
  return reply.type('application/json; charset=utf-8').header('cache-control', 'no-cache').send(status.bytes);
}
