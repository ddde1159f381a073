import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

const gzip = promisify(zlib.gzip);
/** Below this a playlist goes as it is: compressing a few hundred bytes saves nothing. */
const compressFrom = 1024;

/** A playlist's text, with its compressed form once made (kept with it when the playlist is cached). */
export interface PlaylistBody {
  bytes: Buffer;
  gzipped?: Buffer;
}

/**
 * Sends a playlist with the headers every player and embedding page needs, compressed
 * when the client accepts gzip (a 24-hour DVR playlist shrinks about tenfold). The
 * compression runs on libuv's thread pool, so a big playlist does not stall the event loop.
 * A small or cached one goes at once, not through a promise: live viewers reload many times a second.
 */
export function sendPlaylist(request: FastifyRequest, reply: FastifyReply, playlist: string | PlaylistBody, cacheControl: string): FastifyReply | Promise<FastifyReply> {
  const body = typeof playlist === 'string' ? { bytes: Buffer.from(playlist) } : playlist;
  const { bytes } = body;
  reply
    .header('content-type', 'application/vnd.apple.mpegurl')
    .header('cache-control', cacheControl)
    // Anyone may embed playback; the admin API is another matter.
    .header('access-control-allow-origin', '*')
    .header('vary', 'accept-encoding');
  const accepts = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  if (!accepts || bytes.length < compressFrom) return reply.send(bytes);
  // Big playlists (a day of archive) favour speed over the last few percent of size.
  if (body.gzipped) return reply.header('content-encoding', 'gzip').send(body.gzipped);
  return gzip(bytes, { level: bytes.length > 1 << 20 ? 1 : 6 }).then((gzipped) => {
    body.gzipped = gzipped;
    return reply.header('content-encoding', 'gzip').send(gzipped);
  });
}
