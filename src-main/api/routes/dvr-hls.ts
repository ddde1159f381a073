import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../../contract/problem.js';
import type { StreamFileRoute } from '../../http/stream-files.js';
import type { ArchiveStore } from '../../dvr/archive-store.js';
import type { DvrIndex, PlaylistSegment } from '../../dvr/dvr-index.js';
import { archiveRange, maxRangeSeconds, noRecording, requireKnownStream, urlSeconds } from '../../delivery/archive-range.js';
import { sendFile } from '../../http/send-file.js';
import type { ImmutableFileCache } from '../../http/immutable-file-cache.js';
import { answeringBusy } from '../../http/client-gone.js';
import { ListingBuilds, type Pause } from '../../http/listing-builds.js';
import { sendPlaylist } from '../../http/send-playlist.js';
import { buildMediaPlaylist, MediaPlaylistWriter, type PlaylistKind } from '../../delivery/hls/media-playlist.js';
import { buildMasterPlaylist } from '../../delivery/hls/master-playlist.js';
import { archiveVariants } from '../../delivery/hls/archive-variants.js';

export interface HlsDeps {
  index: DvrIndex;
  archive: ArchiveStore;
  streamKnown: (name: string) => boolean;
  /** The playlistMaxHours setting (24 when absent). */
  maxHours?: () => number;
  /** Where archive playlists are built and kept; one of its own when absent. */
  listings?: ListingBuilds;
  /** Recent segments and inits in memory; read from disk each time when absent. */
  archiveFiles?: ImmutableFileCache;
}

/** Segments in a live playlist: enough to ride out a slow reload, few enough to start near live. */
const liveWindow = 6;
/** How long a playlist ending now is shared by the requests that ask for it: less than a segment. */
const nowTtlMs = 1000;
/** timeshift_abs starts one viewer session remembers; a client inventing FROMs only pushes out its own oldest. */
const maxTimeshiftStarts = 16;

const known = (deps: HlsDeps, name: string) => requireKnownStream(deps.streamKnown, name);
const seconds = urlSeconds;

const render = (kind: PlaylistKind, segments: readonly PlaylistSegment[], query: string) =>
  buildMediaPlaylist({ kind, segments, segmentUri: { prefix: 's-', suffix: `.m4s${query}` }, initUri: (id) => `i-${id}.mp4${query}` });

function playlist(request: FastifyRequest, reply: FastifyReply, kind: Exclude<PlaylistKind, 'vod'>, segments: readonly PlaylistSegment[], query: string, what: string): FastifyReply | Promise<FastifyReply> {
  if (segments.length === 0) throw new Problem('not-found', 'Nothing recorded', `${what}: no recording there`);
  return sendPlaylist(request, reply, { bytes: render(kind, segments, query) }, 'no-cache');
}

/** The index is read and written five minutes at a time (150 two-second segments, a fraction of a ms), pausing when the build's share of the loop is spent. */
const sliceMs = 300_000;

/**
 * The playlist of [fromMs, toMs), read from the index and written a slice at a time with
 * a pause between slices; null when it holds no segment. Sequence numbers for live kinds.
 */
async function slicedPlaylist(deps: HlsDeps, name: string, kind: PlaylistKind, range: { fromMs: number; toMs: number }, query: string, pause: Pause): Promise<Buffer | null> {
  // About one segment per 2 s (the default target): one allocation for the text in the usual case.
  const expected = Math.min(Math.ceil((range.toMs - range.fromMs) / 2000), 200_000);
  const writer = new MediaPlaylistWriter({ kind, segmentUri: { prefix: 's-', suffix: `.m4s${query}` }, initUri: (id) => `i-${id}.mp4${query}` }, expected);
  let lastStart = -Infinity;
  for (let at = range.fromMs; at < range.toMs; at += sliceMs) {
    // A segment across a slice boundary overlaps both slices: it is written once.
    const slice = deps.index.playlistSegments(name, at, Math.min(at + sliceMs, range.toMs), kind === 'live').filter((s) => s.startMs > lastStart);
    writer.add(slice);
    if (slice.length > 0) lastStart = slice.at(-1)!.startMs;
    await pause();
  }
  return writer.count === 0 ? null : writer.done();
}

/** A listing that holds no segment is a 404 (thrown inside the build, so requests sharing it share the answer). */
async function rendered(deps: HlsDeps, name: string, kind: PlaylistKind, range: { fromMs: number; toMs: number }, query: string, pause: Pause, what: string): Promise<Buffer> {
  const bytes = await slicedPlaylist(deps, name, kind, range, query, pause);
  if (!bytes) throw new Problem('not-found', 'Nothing recorded', `${what}: no recording there`);
  return bytes;
}

/**
 * The multivariant playlist of a range: the source's media playlist `file` and the same
 * file of each rendition recorded there; a 404 when none of them holds a segment.
 */
async function variantsPlaylist(deps: HlsDeps, name: string, range: { fromMs: number; toMs: number }, file: string, query: string): Promise<Buffer> {
  const variants = await archiveVariants(deps, name, range, file);
  if (variants.length === 0) throw noRecording(name, range);
  return Buffer.from(buildMasterPlaylist(variants, query));
}

/** Says that the answer covers less than asked, and why; readable by players on other origins. */
function markClamped(reply: FastifyReply, fromMs: number, maxHours: number): void {
  reply.header('x-framehouse-clamped', `from=${Math.floor(fromMs / 1000)}; playlistMaxHours=${maxHours}`).header('access-control-expose-headers', 'x-framehouse-clamped');
}

/** Once a range is this far in the past, every segment in it is written: its playlist can be kept. */
const settledMs = 60_000;
/** As long as the playlist's own Cache-Control lets anyone keep it. */
const settledTtlMs = 60_000;

/** A sliding live-like window whose live edge is `edgeMs`: timeshifted playback. */
function windowEndingAt(deps: HlsDeps, name: string, edgeMs: number) {
  return deps.index.playlistSegments(name, edgeMs - 120_000, edgeMs, true).slice(-liveWindow);
}

/**
 * How far past FROM a timeshift_abs window's edge sits: players start about three
 * segments behind the edge, so this puts their first frame near FROM.
 */
const timeshiftLeadMs = 8000;

/** A segment or init never changes once written: cached for good. The file comes from the archive store, never from the URL. */
function sendArchiveFile(deps: HlsDeps, request: FastifyRequest, reply: FastifyReply, file: string, type: string): Promise<FastifyReply> {
  return sendFile(request, reply, file, { type, cacheControl: 'public, max-age=31536000, immutable', cache: deps.archiveFiles });
}

/**
 * HLS from the archive: live, DVR ranges, growing ranges, rewind windows, and the files they name.
 *
 * The longest playlist is the playlistMaxHours setting (a day: 43 200 two-second
 * segments, 4 MB of text). Playlists are built from the index on the event loop, so no
 * request may ask for a month of them (125 MB). As Flussonic and Nimble behave:
 * - index-FROM-DURATION (and archive-…): a DURATION over the limit is a 400 naming the
 *   setting. The client asked for an exact range; quietly serving less would look like
 *   the recording ended.
 * - index-FROM-now: when FROM lies further back than the limit, the newest limit's worth
 *   is served as a sliding window (a live playlist with media sequence numbers, which may
 *   drop its head as time goes on; an EVENT playlist never may).
 * - rewind-SECONDS: SECONDS over the limit is clamped to it.
 * - timeshift windows are six segments long whatever their FROM.
 * A clamped playlist says so in X-Framehouse-Clamped. Every listing goes through
 * ListingBuilds: one build per turn of the event loop, shared and kept briefly.
 */
export function hlsRoutes(deps: HlsDeps): StreamFileRoute[] {
  const listings = deps.listings ?? new ListingBuilds();
  const maxHours = () => deps.maxHours?.() ?? 24;
  return answeringBusy([
    {
      file: /^(?:index|archive)-(\d+)-(\d+)\.m3u8$/,
      playback: 'hls',
      handle: async (name, m, request, reply, { query }) => {
        known(deps, name);
        const hours = maxHours();
        const range = archiveRange(m![1]!, m![2]!, { seconds: hours * 3600, setting: `playlistMaxHours = ${hours}` });
        const build = async (pause: Pause) => {
          const bytes = await slicedPlaylist(deps, name, 'vod', range, query, pause);
          if (!bytes) throw noRecording(name, range);
          return bytes;
        };
        const settled = range.toMs < Date.now() - settledMs;
        const body = await listings.get(`vod\0${name}\0${range.fromMs}\0${range.toMs}\0${query}`, settled ? settledTtlMs : nowTtlMs, build);
        return sendPlaylist(request, reply, body, 'public, max-age=60');
      },
    },
    {
      // The same range as a multivariant playlist: the source and every rendition recorded in it, for players that switch.
      file: /^abr-(\d+)-(\d+)\.m3u8$/,
      playback: 'hls',
      handle: async (name, m, request, reply, { query }) => {
        known(deps, name);
        const hours = maxHours();
        const range = archiveRange(m![1]!, m![2]!, { seconds: hours * 3600, setting: `playlistMaxHours = ${hours}` });
        const settled = range.toMs < Date.now() - settledMs;
        const file = `index-${m![1]!}-${m![2]!}.m3u8`;
        const body = await listings.get(`abr\0${name}\0${range.fromMs}\0${range.toMs}\0${query}`, settled ? settledTtlMs : nowTtlMs, () => variantsPlaylist(deps, name, range, file, query));
        return sendPlaylist(request, reply, body, settled ? 'public, max-age=60' : 'no-cache');
      },
    },
    {
      file: /^abr-(\d+)-now\.m3u8$/,
      playback: 'hls',
      handle: async (name, m, request, reply, { query }) => {
        known(deps, name);
        const from = seconds(m![1]!, 'FROM');
        if (from > Date.now() / 1000) throw new Problem('invalid', 'Invalid range', 'FROM is in the future');
        // Measured over what index-FROM-now serves: at most the newest playlistMaxHours.
        const body = await listings.get(`abr-now\0${name}\0${from}\0${query}`, nowTtlMs, () => {
          const now = Date.now();
          const range = { fromMs: Math.max(from * 1000, now - maxHours() * 3_600_000), toMs: now + 60_000 };
          return variantsPlaylist(deps, name, range, `index-${from}-now.m3u8`, query);
        });
        return sendPlaylist(request, reply, body, 'no-cache');
      },
    },
    {
      file: /^index-(\d+)-now\.m3u8$/,
      playback: 'hls',
      handle: async (name, m, request, reply, { query }) => {
        known(deps, name);
        const from = seconds(m![1]!, 'FROM');
        const now = Date.now();
        if (from > now / 1000) throw new Problem('invalid', 'Invalid range', 'FROM is in the future');
        const hours = maxHours();
        const oldest = now - hours * 3_600_000;
        if (from * 1000 >= oldest) {
          const body = await listings.get(`event\0${name}\0${from}\0${query}`, nowTtlMs, (pause) =>
            rendered(deps, name, 'event', { fromMs: from * 1000, toMs: Date.now() + 60_000 }, query, pause, `${name} since ${from}`),
          );
          return sendPlaylist(request, reply, body, 'no-cache');
        }
        // Every FROM beyond the limit asks for the same window: one key, one build per second.
        const body = await listings.get(`newest\0${name}\0${hours}\0${query}`, nowTtlMs, (pause) => {
          const at = Date.now();
          return rendered(deps, name, 'live', { fromMs: at - hours * 3_600_000, toMs: at + 60_000 }, query, pause, `${name} since ${from}`);
        });
        markClamped(reply, oldest, hours);
        return sendPlaylist(request, reply, body, 'no-cache');
      },
    },
    {
      file: /^rewind-(\d+)\.m3u8$/,
      playback: 'hls',
      handle: async (name, m, request, reply, { query }) => {
        known(deps, name);
        const asked = seconds(m![1]!, 'SECONDS');
        if (asked < 1) throw new Problem('invalid', 'Invalid range', 'SECONDS must be at least 1');
        const hours = maxHours();
        const window = Math.min(asked, hours * 3600);
        const body = await listings.get(`rewind\0${name}\0${window}\0${query}`, nowTtlMs, (pause) => {
          const at = Date.now();
          return rendered(deps, name, 'live', { fromMs: at - window * 1000, toMs: at + 60_000 }, query, pause, `${name} last ${window} s`);
        });
        if (window < asked) markClamped(reply, Date.now() - window * 1000, hours);
        return sendPlaylist(request, reply, body, 'no-cache');
      },
    },
    {
      // Live, delayed by SECONDS: the same sliding window, ending that long ago.
      file: /^timeshift_rel-(\d+)\.m3u8$/,
      playback: 'hls',
      handle: async (name, m, request, reply, { query }) => {
        known(deps, name);
        const delay = seconds(m![1]!, 'SECONDS');
        if (delay > maxRangeSeconds * 31) throw new Problem('invalid', 'Invalid delay', 'SECONDS reaches further back than a month');
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
        if (from > Date.now() / 1000) throw new Problem('invalid', 'Invalid time', 'FROM is in the future');
        const first = deps.index.span(name)?.firstMs ?? null;
        if (first === null || from * 1000 < first - 60_000) {
          throw new Problem('not-found', 'Beyond the archive', first === null ? `${name} has no recording` : `${name}'s archive starts at ${new Date(first).toISOString()}`);
        }
        const starts = viewer!.timeshiftStarts;
        if (!starts.has(from)) {
          if (starts.size >= maxTimeshiftStarts) starts.delete(starts.keys().next().value!);
          starts.set(from, Date.now());
        }
        return playlist(request, reply, 'live', windowEndingAt(deps, name, from * 1000 + (Date.now() - starts.get(from)!) + timeshiftLeadMs), query, `${name} from ${from}`);
      },
    },
    {
      file: /^s-(\d{10,16})\.m4s$/,
      playback: 'hls',
      handle: async (name, m, request, reply) => {
        const segment = deps.archive.segmentAt(name, Number(m![1]));
        if (!segment) throw new Problem('not-found', 'Not found', 'no such segment (deleted by retention?)');
        return sendArchiveFile(deps, request, reply, deps.archive.segmentPath(segment), 'video/iso.segment');
      },
    },
    {
      file: /^i-(\d+)\.mp4$/,
      playback: 'hls',
      handle: async (name, m, request, reply) => {
        // An init id from another stream is not this stream's to serve.
        const file = deps.archive.initPath(name, Number(m![1]));
        if (!file) throw new Problem('not-found', 'Not found', 'no such init segment');
        return sendArchiveFile(deps, request, reply, file, 'video/mp4');
      },
    },
  ]);
}
