import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../../http/problem-reply.js';
import { Problem } from '../../contract/problem.js';
import type { StreamFileRoute } from '../../http/stream-files.js';
import { archiveRange, requireKnownStream } from '../../delivery/archive-range.js';
import { answeringBusy, clientGone } from '../../http/client-gone.js';
import { sendBytes } from '../../http/send-bytes.js';
import { maxSpriteTiles } from '../../delivery/thumbs/sprite-sheet.js';
import type { SpriteMap } from '../../contract/stream-files.js';
import { isSettled, type ThumbService } from '../../delivery/thumbs/thumb-service.js';

export interface ThumbRouteDeps {
  thumbs: ThumbService;
  streamKnown: (name: string) => boolean;
  /** How long the first request for a sprite waits for it to be made (default 10 s); then 503 with Retry-After. */
  spriteWaitMs?: number;
}

const immutable = 'public, max-age=31536000, immutable';

/** A whole number from the query within [min, max], the fallback when absent; a 400 naming the field otherwise. */
function queryInt(request: FastifyRequest, field: string, fallback: number, min: number, max: number): number {
  const value = (request.query as Record<string, unknown>)[field];
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new Problem('invalid', `Invalid ${field}`, `${field} must be a whole number from ${min} to ${max}, not "${String(value)}"`);
  return n;
}

/** UTC time from the path's YYYY/MM/DD/HH/MM/SS: a real calendar second, not in the future. */
export function pathTimeMs(parts: readonly string[]): number {
  const [y, mo, d, h, mi, s] = parts.map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  const text = `${parts[0]}/${parts[1]}/${parts[2]} ${parts[3]}:${parts[4]}:${parts[5]}`;
  if (y < 1970 || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) {
    throw new Problem('invalid', 'Invalid time', `${text} is not a UTC date and time (YYYY/MM/DD/HH/MM/SS)`);
  }
  if (ms > Date.now()) throw new Problem('invalid', 'Invalid time', `${text} UTC is in the future`);
  return ms;
}

function sendJpeg(request: FastifyRequest, reply: FastifyReply, jpeg: Buffer, settled: boolean): FastifyReply {
  return sendBytes(request, reply, [jpeg], { type: 'image/jpeg', cacheControl: settled ? immutable : 'no-cache' });
}

/**
 * Thumbnails from the archive: /NAME/YYYY/MM/DD/HH/MM/SS.jpg (the keyframe nearest that
 * second, UTC), …SS-preview.jpg (the picture on screen at that second), both `?w=` wide;
 * /NAME/sprite-FROM-DURATION.jpg?tiles=N and its map, sprite-FROM-DURATION.json.
 */
export function thumbRoutes(deps: ThumbRouteDeps): StreamFileRoute[] {
  return answeringBusy([
    {
      suffix: /\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/(\d{2})\/(\d{2})(-preview)?\.jpg$/,
      handle: async (name, m, request, reply) => {
        requireKnownStream(deps.streamKnown, name);
        const tMs = pathTimeMs(m!.slice(1, 7));
        const width = queryInt(request, 'w', 320, 16, 1920);
        const jpeg = await deps.thumbs.thumbnail(name, tMs, { exact: m![7] !== undefined, width }, clientGone(reply));
        return sendJpeg(request, reply, jpeg, isSettled(tMs));
      },
    },
    {
      file: /^sprite-(\d+)-(\d+)\.(jpg|json)$/,
      handle: async (name, m, request, reply, { query }) => {
        requireKnownStream(deps.streamKnown, name);
        const range = archiveRange(m![1]!, m![2]!);
        const tiles = queryInt(request, 'tiles', 100, 1, maxSpriteTiles);
        const width = queryInt(request, 'w', 160, 16, 320);
        const sprite = await deps.thumbs.sprite(name, range, tiles, width, deps.spriteWaitMs ?? 10_000, clientGone(reply));
        if (!sprite) {
          reply.header('retry-after', '2').header('access-control-allow-origin', '*');
          return sendError(reply, 503, 'Not ready yet', `the sprite of ${name} is being made; ask again in a few seconds`);
        }
        const settled = isSettled(range.toMs);
        if (m![3] === 'jpg') return sendJpeg(request, reply, sprite.jpeg, settled);
        const own = new URLSearchParams({ tiles: String(tiles), ...((request.query as { w?: string }).w ? { w: String(width) } : {}) }).toString();
        const token = query ? `&${query.slice(1)}` : '';
        const map: SpriteMap = { url: `/${name}/sprite-${m![1]}-${m![2]}.jpg?${own}${token}`, ...sprite.layout };
        return reply
          .type('application/json; charset=utf-8')
          .header('cache-control', settled ? immutable : 'no-cache')
          .header('access-control-allow-origin', '*')
          .send(map);
      },
    },
  ]);
}
