import fs from 'node:fs';
import { promisify } from 'node:util';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../contract/problem.js';
import { parseRange } from '../net/byte-range.js';
import type { ImmutableFileCache } from './immutable-file-cache.js';
import { sendBytes } from './send-bytes.js';

export interface SendFileOptions {
  type: string;
  cacheControl: string;
  /** For files that never change once written: kept in memory and answered from there. */
  cache?: ImmutableFileCache;
}

const etagOf = (size: number, mtime: Date) => `"${size.toString(16)}-${Math.floor(mtime.getTime()).toString(16)}"`;

/**
 * Read-ahead per stream: a 2 MB segment goes out in two reads instead of thirty-two 64 KB
 * ones, which is most of the difference to a sendfile() server; memory per response
 * stays bounded however big the file.
 */
const chunkBytes = 1 << 20;

const notOnDisk = (err: unknown) =>
  (err as NodeJS.ErrnoException).code === 'ENOENT' ? new Problem('not-found', 'Not found', 'the file is not on disk (deleted by retention?)') : err;

const open = promisify(fs.open);
const fstat = promisify(fs.fstat);

/**
 * Streams a file from disk with the headers a media server owes: Content-Length, a single
 * byte Range (206/416), an ETag and Last-Modified (304 on a match), and open CORS. The
 * path must already be checked: it comes from the archive index, never from the URL.
 */
export async function sendFile(request: FastifyRequest, reply: FastifyReply, file: string, o: SendFileOptions): Promise<FastifyReply> {
  const cached = o.cache ? await o.cache.get(file).catch((err: unknown) => Promise.reject(notOnDisk(err))) : null;
  if (cached) {
    const etag = etagOf(cached.size, cached.mtime);
    reply.header('etag', etag).header('last-modified', cached.mtime.toUTCString());
    if (request.headers['if-none-match'] === etag) return reply.code(304).header('cache-control', o.cacheControl).header('access-control-allow-origin', '*').send();
    return sendBytes(request, reply, [cached.bytes], o);
  }
  let fd: number;
  try {
    fd = await open(file, 'r');
  } catch (err) {
    throw notOnDisk(err);
  }
  // A plain descriptor and fs.ReadStream: FileHandle's promise-based reads cost noticeably more per request.
  const release = () => fs.close(fd, () => undefined);
  try {
    const stat = await fstat(fd);
    const etag = etagOf(stat.size, stat.mtime);
    reply
      .header('content-type', o.type)
      .header('cache-control', o.cacheControl)
      .header('access-control-allow-origin', '*')
      .header('accept-ranges', 'bytes')
      .header('etag', etag)
      .header('last-modified', stat.mtime.toUTCString());
    const range = parseRange(request.headers.range, stat.size);
    if (request.headers['if-none-match'] === etag || range === 'unsatisfiable' || request.method === 'HEAD' || stat.size === 0) {
      release();
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${stat.size}`).send();
      return reply.header('content-length', stat.size).send();
    }
    const start = range ? range.start : 0;
    const end = range ? range.end : stat.size - 1;
    if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${stat.size}`);
    reply.header('content-length', end - start + 1);
    // The stream owns the descriptor from here and closes it when done or when the client goes.
    return reply.send(fs.createReadStream('', { fd, start, end, highWaterMark: chunkBytes, autoClose: true }));
  } catch (err) {
    release();
    throw err;
  }
}
