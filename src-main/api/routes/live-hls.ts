import { performance } from 'node:perf_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../../contract/problem.js';
import type { StreamFileRoute } from '../../http/stream-files.js';
import { requireKnownStream } from '../../delivery/archive-range.js';
import { sendBytes } from '../../http/send-bytes.js';
import { sendPlaylist, type PlaylistBody } from '../../http/send-playlist.js';
import type { PlaybackStats } from '../../delivery/playback-stats.js';
import type { LivePackager } from '../../delivery/live/live-packager.js';
import { buildLivePlaylist } from '../../delivery/live/live-playlist.js';
import { buildMasterPlaylist, type Variant } from '../../delivery/hls/master-playlist.js';
import type { LiveWindow } from '../../delivery/live/live-window.js';

export interface LiveRoutesDeps {
  packager: LivePackager;
  stats: PlaybackStats;
  streamKnown: (name: string) => boolean;
  /** A stream's ABR variants (source first), or null when it has no ladder. */
  variants?: (name: string) => { variants: Variant[]; pending: number } | null;
}

/** A rendition's name in file names: 720p, or 720p-2500k for a second rung of the same height. */
const rendition = '(\\d{3,4}p(?:-\\d{1,6}k)?)';
/** How long the multivariant playlist waits for renditions still starting. */
const variantsWaitMs = 6_000;

// A live URL names a moment that passes: cached briefly, never for good.
const mediaCache = 'public, max-age=60';

/** Stands where a rendered playlist's URIs take their query: no URI or tag can hold a NUL. */
const queryMark = '\u0000';
/** Different queries (viewers' own auth-hook tokens) answered from one rendering of a window version, at most. */
const maxQueriesPerVersion = 256;

interface RenderedPlaylist {
  version: number;
  /** The playlist split where each URI's query goes: joined with a viewer's query, it is that viewer's playlist. */
  pieces: string[];
  bodies: Map<string, PlaylistBody>;
}

function count(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) throw new Problem('invalid', 'Invalid request', `${field} must be a whole number`);
  return Number(value);
}

/** Whether the window's playlist holds segment `msn` (complete), or part `part` of it or anything later. */
function reached(window: LiveWindow, msn: number, part: number | undefined): boolean {
  if (part === undefined) {
    const complete = window.newestCompleteMsn;
    return complete !== null && complete >= msn;
  }
  const newest = window.newestPart;
  return newest !== null && (newest.msn > msn || (newest.msn === msn && newest.part >= part));
}

function liveWindowOf(deps: LiveRoutesDeps, name: string, variant?: string): LiveWindow {
  requireKnownStream(deps.streamKnown, name);
  const window = deps.packager.window(name, variant);
  if (!window) {
    if (variant) throw new Problem('not-found', 'Not live', `${name} has no ${variant} rendition running now`);
    throw new Problem('not-found', 'Not live', `${name} is not live now; its archive plays from index-FROM-DURATION.m3u8 or rewind-SECONDS.m3u8`);
  }
  return window;
}

/** The variants once every rendition has started (or the wait is over): a player reads this list once. */
async function settledVariants(deps: LiveRoutesDeps, name: string): Promise<Variant[] | null> {
  const deadline = Date.now() + variantsWaitMs;
  for (;;) {
    const now = deps.variants?.(name) ?? null;
    if (!now || now.pending === 0 || Date.now() >= deadline) return now?.variants ?? null;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Live HLS from the in-memory window, low-latency for players that use it: the playlist
 * (with blocking reload by _HLS_msn/_HLS_part), its parts, whole segments and inits.
 */
export function liveRoutes(deps: LiveRoutesDeps): StreamFileRoute[] {
  const { packager } = deps;
  // Every viewer reloads the playlist at each part: it is written once per change of the window,
  // and a viewer with a token of its own gets that rendering with the token spliced in.
  const rendered = new WeakMap<LiveWindow, RenderedPlaylist>();
  const playlistOf = (window: LiveWindow, query: string, prefix: string): PlaylistBody => {
    let current = rendered.get(window);
    if (current?.version !== window.version) {
      current = { version: window.version, pieces: buildLivePlaylist(window, queryMark, prefix).split(queryMark), bodies: new Map() };
      rendered.set(window, current);
    }
    let body = current.bodies.get(query);
    if (!body) {
      if (current.bodies.size >= maxQueriesPerVersion) current.bodies.clear();
      body = { bytes: Buffer.from(current.pieces.join(query)) };
      current.bodies.set(query, body);
    }
    return body;
  };
  const waitMs = (window: LiveWindow) => window.targetDurationS * 3000;
  /** A media playlist (the source's, or a rendition's), with LL-HLS blocking reloads. */
  const mediaPlaylist = async (name: string, variant: string | undefined, request: FastifyRequest, reply: FastifyReply, query: string) => {
    const q = request.query as { _HLS_msn?: unknown; _HLS_part?: unknown };
    const msn = count(q._HLS_msn, '_HLS_msn');
    const part = count(q._HLS_part, '_HLS_part');
    if (part !== undefined && msn === undefined) throw new Problem('invalid', 'Invalid request', '_HLS_part needs _HLS_msn');
    const window = liveWindowOf(deps, name, variant);
    if (msn !== undefined) {
      const last = window.open?.msn ?? window.newestCompleteMsn;
      // The specification: a request more than two segments ahead of the playlist is a client error.
      if (last !== null && msn > last + 2) throw new Problem('invalid', 'Invalid request', `_HLS_msn ${msn} is more than two segments past the live edge (${last})`);
      const waited = !reached(window, msn, part);
      if (!(await window.waitFor(() => reached(window, msn, part), waitMs(window)))) {
        throw new Problem('unavailable', 'Not yet', `${name} did not reach segment ${msn}${part === undefined ? '' : ` part ${part}`} in time; is the source still sending?`);
      }
      if (waited) deps.stats.blockingReloadAnswered(performance.now() - window.newestPart!.readyAt);
    } else if (window.newestCompleteMsn === null && !(await window.waitFor(() => window.newestCompleteMsn !== null, waitMs(window)))) {
      // A viewer arriving first starts the window: the first segment completes at the next keyframe.
      throw new Problem('unavailable', 'Starting', window.problem ?? `${name} has not sent a keyframe yet`);
    }
    return sendPlaylist(request, reply, playlistOf(window, query, variant ? `${variant}_` : ''), 'no-cache');
  };
  return [
    {
      file: 'index.m3u8',
      playback: 'hls',
      handle: async (name, _m, request, reply, context) => {
        // A stream with a ladder answers with its variants; a player picks and switches among them.
        requireKnownStream(deps.streamKnown, name);
        const variants = deps.variants?.(name) ? await settledVariants(deps, name) : null;
        if (variants && variants.length > 0) {
          return sendPlaylist(request, reply, { bytes: Buffer.from(buildMasterPlaylist(variants, context.query)) }, 'no-cache');
        }
        return mediaPlaylist(name, undefined, request, reply, context.query);
      },
    },
    {
      file: 'source.m3u8',
      playback: 'hls',
      handle: (name, _m, request, reply, context) => mediaPlaylist(name, undefined, request, reply, context.query),
    },
    {
      file: new RegExp(`^${rendition}\\.m3u8$`),
      playback: 'hls',
      handle: (name, m, request, reply, context) => mediaPlaylist(name, m![1], request, reply, context.query),
    },
    {
      file: new RegExp(`^(?:${rendition}_)?l-(\\d{1,15})\\.(\\d{1,6})\\.m4s$`),
      playback: 'hls',
      handle: async (name, m, request, reply) => {
        const msn = Number(m![2]);
        const index = Number(m![3]);
        const window = packager.existing(name, m![1]);
        const partOf = () => window?.segment(msn)?.parts[index];
        // A preload hint names the next part before it exists: its request waits for it.
        const open = window?.open;
        const hinted = open !== undefined && open !== null && open.msn === msn && index === open.parts.length;
        if (window && !partOf() && hinted) await window.waitFor(() => partOf() !== undefined || window.segment(msn)?.complete === true, window.partTargetMs * 3 + 1000);
        const part = partOf();
        if (!part) throw new Problem('not-found', 'Not found', `part ${index} of segment ${msn} is not in the live window`);
        return sendBytes(request, reply, [part.bytes], { type: 'video/iso.segment', cacheControl: mediaCache });
      },
    },
    {
      file: new RegExp(`^(?:${rendition}_)?l-(\\d{1,15})\\.m4s$`),
      playback: 'hls',
      handle: async (name, m, request, reply) => {
        const msn = Number(m![2]);
        const window = packager.existing(name, m![1]);
        const segment = () => window?.segment(msn);
        if (window && segment() && !segment()!.complete) await window.waitFor(() => segment()?.complete !== false, waitMs(window));
        const found = segment();
        if (!found?.complete) throw new Problem('not-found', 'Not found', `segment ${msn} is not in the live window`);
        return sendBytes(request, reply, found.parts.map((p) => p.bytes), { type: 'video/iso.segment', cacheControl: mediaCache });
      },
    },
    {
      file: new RegExp(`^(?:${rendition}_)?l-init-(\\d{1,16})\\.mp4$`),
      playback: 'hls',
      handle: async (name, m, request, reply) => {
        const init = packager.existing(name, m![1])?.init(Number(m![2]));
        if (!init) throw new Problem('not-found', 'Not found', 'no such init segment in the live window');
        return sendBytes(request, reply, [init.bytes], { type: 'video/mp4', cacheControl: 'public, max-age=3600' });
      },
    },
  ];
}
