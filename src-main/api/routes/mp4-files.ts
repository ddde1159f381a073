import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { Problem } from '../../contract/problem.js';
import type { StreamFileRoute } from '../../http/stream-files.js';
import { requireKnownStream, urlSeconds } from '../../delivery/archive-range.js';
import { answeringBusy, clientGone } from '../../http/client-gone.js';
import { parseRange } from '../../net/byte-range.js';
import type { MediaJobs } from '../../delivery/media-jobs.js';
import { SharedWork } from '../../delivery/shared-work.js';
import { planMp4Export, type Mp4ExportDeps, type Mp4ExportPlan } from '../../export/mp4-export.js';

export interface Mp4ExportRouteDeps extends Mp4ExportDeps {
  streamKnown: (name: string) => boolean;
  /** The exportMaxSeconds setting: longer ranges are refused. */
  maxSeconds: () => number;
  log: Logger;
  /** The studio's cap on plans and ffmpeg runs at once (mediaJobsMax); none when absent (a route tested alone). */
  jobs?: MediaJobs;
}

/** Headers a page on another origin may read (a download manager, a timeline that shows the gaps). */
const exposed = ['content-length', 'content-range', 'accept-ranges', 'content-disposition', 'etag', 'x-framehouse-gaps', 'x-framehouse-recorded', 'x-framehouse-ends-early'].join(', ');

/** Plans are kept this long after their last use: a <video> element's Range requests and HEAD + GET reuse them. */
const planTtlMs = 60_000;
const maxCachedPlans = 8;
/** A range that ended this long before it was planned will not grow: its plan may be reused. */
const settledMs = 15_000;

/** GET/HEAD /NAME/archive-FROM-DURATION.mp4[?precise=true][&inline=1]: a range of the archive as one progressive MP4. */
export function mp4ExportRoutes(deps: Mp4ExportRouteDeps): StreamFileRoute[] {
  const plans = new PlanCache();
  return answeringBusy([
    {
      // Loose on purpose: a negative or malformed FROM/DURATION gets a 400 that says so, not a 404.
      file: /^archive-(-?[^-]*)-(-?[^-]*)\.mp4$/,
      handle: (name, m, request, reply) => exportMp4(deps, plans, name, m![1]!, m![2]!, request, reply),
    },
  ]);
}

/** The archive's one URL-seconds rule, plus a plainer word for a negative FROM (this route's pattern admits the sign). */
function wholeSeconds(text: string, field: string): number {
  if (text.startsWith('-') && /^-\d{1,12}$/.test(text)) return -urlSeconds(text.slice(1), field);
  return urlSeconds(text, field);
}

const truthy = (value: unknown) => value === '1' || value === 'true' || value === '';

async function exportMp4(deps: Mp4ExportRouteDeps, plans: PlanCache, name: string, fromText: string, durationText: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  requireKnownStream(deps.streamKnown, name);
  const from = wholeSeconds(fromText, 'FROM');
  const duration = wholeSeconds(durationText, 'DURATION');
  if (from < 0) throw new Problem('invalid', 'Invalid time', 'FROM must be UTC seconds, not negative');
  if (duration <= 0) throw new Problem('invalid', 'Invalid range', 'DURATION must be at least 1 second');
  if (from > Date.now() / 1000) throw new Problem('invalid', 'Invalid range', 'FROM is in the future');
  const maxSeconds = deps.maxSeconds();
  if (duration > maxSeconds) throw new Problem('invalid', 'Range too long', `DURATION is over the export limit of ${maxSeconds} s (setting exportMaxSeconds); export shorter ranges`);
  const query = request.query as { precise?: unknown; inline?: unknown };
  const precise = truthy(query.precise);
  const fromMs = from * 1000;
  const durationMs = duration * 1000;
  // Planning is one query over the stored sample tables, but a precise cut runs ffmpeg: it
  // takes its turn among the studio's media jobs, and stops when every request waiting for it has gone.
  const plan = await plans.get(
    `${name}\n${fromMs}\n${durationMs}\n${precise}`,
    fromMs + durationMs,
    (signal) => {
      const make = (s: AbortSignal) => planMp4Export(deps, { stream: name, fromMs, durationMs, precise, maxDurationMs: maxSeconds * 1000, signal: s });
      return deps.jobs ? deps.jobs.run('mp4 export plan', make, { signal }) : make(signal);
    },
    clientGone(reply),
  );

  reply.headers({
    'content-type': 'video/mp4',
    'cache-control': 'private, max-age=60',
    'access-control-allow-origin': '*',
    'access-control-expose-headers': exposed,
    'accept-ranges': 'bytes',
    etag: plan.etag,
    'content-disposition': `${truthy(query.inline) ? 'inline' : 'attachment'}; filename="${plan.fileName}"`,
    'x-framehouse-gaps': String(plan.gaps),
    'x-framehouse-recorded': (plan.recordedMs / 1000).toFixed(3),
  });
  if (plan.endsEarly) reply.header('x-framehouse-ends-early', `${(plan.endsEarly.atMs / 1000).toFixed(3)}; ${plan.endsEarly.reason}`);
  if (request.headers['if-none-match'] === plan.etag) return reply.code(304).send();
  const ifRange = request.headers['if-range'];
  const range = ifRange === undefined || ifRange === plan.etag ? parseRange(request.headers.range, plan.size) : null;
  if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${plan.size}`).send();
  if (range) reply.header('content-range', `bytes ${range.start}-${range.end}/${plan.size}`);
  reply.header('content-length', range ? range.end - range.start + 1 : plan.size);

  // The body goes straight to the socket (not through a stream Fastify pipes): read buffers are
  // reused once the socket has them, which is what keeps the copy near disk speed.
  reply.hijack();
  const res = reply.raw;
  res.writeHead(range ? 206 : 200, reply.getHeaders() as OutgoingHttpHeaders);
  if (request.method === 'HEAD') {
    res.end();
    return reply;
  }
  const stop = new AbortController();
  res.once('close', () => stop.abort());
  plan.write(res, range ?? undefined, stop.signal).then(
    () => res.end(),
    (error: unknown) => {
      if (!stop.signal.aborted) deps.log.warn(`mp4 export of ${name} stopped: ${(error as Error).message}`);
      res.destroy(error as Error);
    },
  );
  return reply;
}

/**
 * Recent plans by request, shared by concurrent requests while planning (a plan whose
 * requests all left is aborted); expired ones are disposed. Bounded: in-flight plans are
 * bounded by the media jobs' line, finished ones by maxCachedPlans.
 */
class PlanCache {
  private readonly entries = new Map<string, { work: SharedWork<Mp4ExportPlan>; plannedAt: number; toMs: number; usedAt: number; planned: boolean }>();

  get(key: string, toMs: number, make: (signal: AbortSignal) => Promise<Mp4ExportPlan>, signal: AbortSignal): Promise<Mp4ExportPlan> {
    const now = Date.now();
    this.sweep(now);
    const entry = this.entries.get(key);
    // A range that was still being recorded when planned may have grown since.
    if (entry && !entry.work.abandoned && entry.toMs + settledMs <= entry.plannedAt) {
      entry.usedAt = now;
      return entry.work.follow(signal);
    }
    if (entry) this.drop(key);
    const work = new SharedWork(make);
    const added = { work, plannedAt: now, toMs, usedAt: now, planned: false };
    this.entries.set(key, added);
    work.done.then(
      () => {
        added.planned = true;
        this.trim();
      },
      () => {
        if (this.entries.get(key) === added) this.entries.delete(key);
      },
    );
    this.trim();
    return work.follow(signal);
  }

  /**
   * Over the limit, the oldest finished plans go. Plans still being made stay (their
   * requests are about to write them, and a disposed plan cannot be written); they are
   * bounded by the media jobs' line.
   */
  private trim(): void {
    let over = this.entries.size - maxCachedPlans;
    for (const [key, entry] of this.entries) {
      if (over <= 0) return;
      if (!entry.planned) continue;
      this.drop(key);
      over--;
    }
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.entries) if (now - entry.usedAt > planTtlMs) this.drop(key);
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    // Responses still writing keep their parts: dispose only forgets the plan's own reference.
    // In a later turn: requests that were just handed this plan start writing it first.
    entry?.work.done.then((p) => void setImmediate(() => void p.dispose()), () => undefined);
  }
}
