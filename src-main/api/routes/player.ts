import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Problem } from '../../contract/problem.js';
import { appRoot } from '../../version.js';
import type { StreamFileRoute } from '../../http/stream-files.js';
import type { DvrIndex } from '../../dvr/dvr-index.js';

// The player page runs only the studio's own scripts, and may be framed by any page.
const embedPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:; img-src 'self' data:; object-src 'none'; frame-ancestors *";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Where scripts/build.mjs copies hls.js and its licence: hls.js is a build-time dependency
 * (the renderer bundles its own), so the installed app has no node_modules/hls.js to resolve.
 */
export const playerBuildDir = path.join(appRoot, 'dist', 'player');

/** The scripts the player page loads, served by the studio itself: a LAN without internet still plays. */
export function playerAssetRoutes(resourcesDir: string, builtDir: string = playerBuildDir) {
  const script = 'text/javascript; charset=utf-8';
  const files: Record<string, { file: string; type: string }> = {
    '/player/hls.min.js': { file: path.join(builtDir, 'hls.min.js'), type: script },
    // Apache-2.0 asks that whoever receives hls.js can have its licence: beside the script.
    '/player/hls.js-LICENSE.txt': { file: path.join(builtDir, 'hls.js-LICENSE.txt'), type: 'text/plain; charset=utf-8' },
    '/player/embed.js': { file: path.join(resourcesDir, 'player', 'embed.js'), type: script },
  };
  return async (app: FastifyInstance) => {
    for (const [url, { file, type }] of Object.entries(files)) {
      app.get(url, { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
        const data = await fs.readFile(file).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') throw new Problem('unavailable', 'Player file missing', `${file} is not there: run npm run build`);
          throw err;
        });
        return reply.type(type).header('cache-control', 'public, max-age=3600').header('access-control-allow-origin', '*').send(data);
      });
    }
  };
}

interface EmbedQuery {
  autoplay?: string;
  muted?: string;
  dvr?: string;
  from?: string;
  to?: string;
  lowlatency?: string;
  webrtc?: string;
}

const flag = (v: string | undefined) => v === '1' || v === 'true' || v === '';

/** /NAME/embed.html?autoplay&muted&dvr=true&from&to&lowlatency&webrtc: a page that plays the stream by URL alone (webrtc: WHEP, HLS when that fails). */
export function embedRoute(deps: { index: DvrIndex; streamKnown: (name: string) => boolean }): StreamFileRoute {
  return {
    file: 'embed.html',
    handle: async (name, _m, request, reply, { query }) => {
      if (!deps.streamKnown(name)) throw new Problem('not-found', 'Unknown stream', `no stream named ${name}`);
      const q = request.query as EmbedQuery;
      let src = 'index.m3u8';
      if (q.from !== undefined) {
        const from = Number(q.from);
        const to = q.to === undefined || q.to === 'now' ? null : Number(q.to);
        if (!Number.isSafeInteger(from) || from < 0 || (to !== null && (!Number.isSafeInteger(to) || to <= from))) {
          throw new Problem('invalid', 'Invalid range', 'from and to are whole UTC seconds, with to after from');
        }
        // Multivariant: renditions recorded beside the source appear in the quality menu.
        src = to === null ? `abr-${from}-now.m3u8` : `abr-${from}-${to - from}.m3u8`;
      } else if (q.dvr === 'true' || q.dvr === '1') {
        // The whole archive up to live, growing: the seek bar spans everything recorded.
        const first = deps.index.span(name)?.firstMs ?? null;
        if (first !== null) src = `abr-${Math.floor(first / 1000)}-now.m3u8`;
      }
      src += query;
      const title = escapeHtml(name);
      const attrs = [flag(q.autoplay) ? 'autoplay' : '', flag(q.muted) || flag(q.autoplay) ? 'muted' : '', 'controls', 'playsinline'].filter(Boolean).join(' ');
      const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Framehouse</title>
<style>
  html, body { margin: 0; height: 100%; background: #000; color: #d7dce5; font: 13px system-ui, sans-serif; }
  #player { position: relative; height: 100%; }
  video { width: 100%; height: 100%; object-fit: contain; background: #000; }
  .clock { position: absolute; top: 8px; right: 10px; padding: 2px 6px; background: rgb(0 0 0 / 0.55); border-radius: 3px; font-variant-numeric: tabular-nums; pointer-events: none; }
  .clock:empty { display: none; }
  .notice { position: absolute; inset: auto 0 45% 0; text-align: center; }
  .quality { position: absolute; top: 8px; left: 10px; padding: 2px 4px; background: rgb(0 0 0 / 0.55); color: inherit; border: 1px solid rgb(255 255 255 / 0.2); border-radius: 3px; font: inherit; }
  .quality[hidden] { display: none; }
</style></head>
<body><div id="player" data-src="${escapeHtml(src)}" data-lowlatency="${flag(q.lowlatency) ? '1' : '0'}" data-whep="${flag(q.webrtc) && src.startsWith('index.m3u8') ? escapeHtml(`whep${query}`) : ''}">
<video ${attrs}></video><div class="clock" aria-live="off"></div><div class="notice" hidden></div>
<select class="quality" aria-label="Quality" title="Quality (Auto follows the connection)" hidden></select>
</div>
<script src="/player/hls.min.js"></script><script src="/player/embed.js"></script>
</body></html>
`;
      return reply.type('text/html; charset=utf-8').header('content-security-policy', embedPolicy).header('cache-control', 'no-cache').send(html);
    },
  };
}
