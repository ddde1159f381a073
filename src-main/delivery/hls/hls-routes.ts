import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../../api/http-error.js';
import type { StreamFileRoute } from '../../api/routes/stream-files.js';
import type { DvrIndex, PlaylistSegment } from '../../dvr/dvr-index.js';
import { archiveRange, maxRangeSeconds, noRecording, requireKnownStream, urlSeconds } from '../archive-range.js';
import { sendFile } from '../http/send-file.js';
import { sendPlaylist } from '../http/send-playlist.js';
import { PlaylistCache } from './playlist-cache.js';
import { buildMediaPlaylist, type PlaylistKind } from './media-playlist.js';

export interface HlsDeps {
  index: DvrIndex;
  /** <data-dir>/dvr */
  root: string;
  streamKnown: (name: string) => boolean;
}

/** Segments in a live playlist: enough to ride out a slow reload, few enough to start near live. */
const liveWindow = 6;

const known = (deps: HlsDeps, name: string) => requireKnownStream(deps.streamKnown, name);
const seconds = urlSeconds;

const render = (kind: PlaylistKind, segments: readonly PlaylistSegment[], query: string) =>
  buildMediaPlaylist({ kind, segments, segmentUri: { prefix: 's-', suffix: `.m4s${query}` }, initUri: (id) => `i-${id}.mp4${query}` });

function playlist(request: FastifyRequest, reply: FastifyReply, kind: Exclude<PlaylistKind, 'vod'>, segments: readonly PlaylistSegment[], query: string, what: string): Promise<FastifyReply> {
  if (segments.length === 0) throw new HttpError(404, 'Nothing recorded', `${what}: no recording there`);
  return sendPlaylist(request, reply, { bytes: render(kind, segments, query) }, 'no-cache');
}

/** Once a range is this far in the past, every segment in it is written: its playlist can be kept. */
const settledMs = 60_000;

/** A sliding live-like window whose live edge is `edgeMs`: timeshifted playback. */
function windowEndingAt(deps: HlsDeps, name: string, edgeMs: number) {
  return deps.index.playlistSegments(name, edgeMs - 120_000, edgeMs, true).slice(-liveWindow);
}

/**
 * How far past FROM a timeshift_abs window's edge sits: players start about three
 * segments behind the edge, so this puts their first frame near FROM.
 */
const timeshiftLeadMs = 8000;

/** A segment or init never changes once written: cached for good. The file comes from the index, never from the URL. */
function sendArchiveFile(deps: HlsDeps, request: FastifyRequest, reply: FastifyReply, file: string, type: string): Promise<FastifyReply> {
  return sendFile(request, reply, path.join(deps.root, file), { type, cacheControl: 'public, max-age=31536000, immutable' });
}

/** HLS from the archive: live, DVR ranges, growing ranges, rewind windows, and the files they name. */
export function hlsRoutes(deps: HlsDeps): StreamFileRoute[] {
  const cache = new PlaylistCache();
  return [
    {
      file: /^(?:index|archive)-(\d+)-(\d+)\.m3u8$/,
      playback: 'hls',
      handle: async (name, m, request, reply, { query }) => {
        known(deps, name);
        const range = archiveRange(m![1]!, m![2]!);
        const build = () => {
          const segments = deps.index.playlistSegments(name, range.fromMs, range.toMs);
          if (segments.length === 0) throw noRecording(name, range);
          return render('vod', segments, query);
        };
        const settled = range.toMs < Date.now() - settledMs;
        const body = settled ? cache.get(`${name}\0${range.fromMs}\0${range.toMs}\0${query}`, build) : { bytes: build() };
        return sendPlaylist(request, reply, body, 'public, max-age=60');
      },
    },
    {
      file: /^index-(\d+)-now\.m3u8$/,
      playback: 'hls',
      handle: async (name, m, request, reply, { query }) => {
        known(deps, name);
        const from = seconds(m![1]!, 'FROM');
        if (from > Date.now() / 1000) throw new HttpError(400, 'Invalid range', 'FROM is in the future');
        return playlist(request, reply, 'event', deps.index.playlistSegments(name, from * 1000, Date.now() + 60_000), query, `${name} since ${from}`);
      },
    },
    {
      file: /^rewind-(\d+)\.m3u8$/,
      playback: 'hls',
      handle: async (name, m, request, reply, { query }) => {
        known(deps, name);
        const window = seconds(m![1]!, 'SECONDS');
        if (window < 1 || window > maxRangeSeconds) throw new HttpError(400, 'Invalid range', `SECONDS must be 1 to ${maxRangeSeconds}`);
        return playlist(request, reply, 'live', deps.index.playlistSegments(name, Date.now() - window * 1000, Date.now() + 60_000, true), query, `${name} last ${window} s`);
      },
    },
    {
      // Live, delayed by SECONDS: the same sliding window, ending that long ago.
      file: /^timeshift_rel-(\d+)\.m3u8$/,
      playback: 'hls',
      handle: async (name, m, request, reply, { query }) => {
        known(deps, name);
        const delay = seconds(m![1]!, 'SECONDS');
        if (delay > maxRangeSeconds * 31) throw new HttpError(400, 'Invalid delay', 'SECONDS reaches further back than a month');
        return playlist(request, reply, 'live', windowEndingAt(deps, name, Date.now() - delay * 1000), query, `${name} ${delay} s ago (beyond the archive?)`);
      },
    },
    {
      // Live from FROM on: each viewer keeps the delay it had when it first asked, so its playback advances in real time.
      file: /^timeshift_abs-(\d+)\.m3u8$/,
      playback: 'hls',
      handle: async (name, m, request, reply, { query, viewer }) => {
        known(deps, name);
        const from = seconds(m![1]!, 'FROM');
        if (from > Date.now() / 1000) throw new HttpError(400, 'Invalid time', 'FROM is in the future');
        const first = deps.index.span(name)?.firstMs ?? null;
        if (first === null || from * 1000 < first - 60_000) {
          throw new HttpError(404, 'Beyond the archive', first === null ? `${name} has no recording` : `${name}'s archive starts at ${new Date(first).toISOString()}`);
        }
        const starts = viewer!.timeshiftStarts;
        if (!starts.has(from)) starts.set(from, Date.now());
        return playlist(request, reply, 'live', windowEndingAt(deps, name, from * 1000 + (Date.now() - starts.get(from)!) + timeshiftLeadMs), query, `${name} from ${from}`);
      },
    },
    {
      file: /^s-(\d{10,16})\.m4s$/,
      playback: 'hls',
      handle: async (name, m, request, reply) => {
        const segment = deps.index.segmentAt(name, Number(m![1]));
        if (!segment) throw new HttpError(404, 'Not found', 'no such segment (deleted by retention?)');
        return sendArchiveFile(deps, request, reply, segment.file, 'video/iso.segment');
      },
    },
    {
      file: /^i-(\d+)\.mp4$/,
      playback: 'hls',
      handle: async (name, m, request, reply) => {
        const file = deps.index.initFile(Number(m![1]));
        // An init id from another stream is not this stream's to serve.
        if (!file || !file.startsWith(`${name}/init/`)) throw new HttpError(404, 'Not found', 'no such init segment');
        return sendArchiveFile(deps, request, reply, file, 'video/mp4');
      },
    },
  ];
}
