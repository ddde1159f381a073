import { isLiveState } from '../../streams/stream-info.js';
import type { FastifyInstance } from 'fastify';
import type { StreamInfo } from '../../contract/studio-api.js';
import { PublicStreamList, type PublicStream } from '../../contract/public-api.js';

export interface WatchRouteDeps {
  list: () => StreamInfo[];
  /** The archive's extent for one stream, UTC ms; nulls when nothing is recorded. */
  archive: (name: string) => { firstMs: number | null; lastMs: number | null };
}

/**
 * Picks the viewer-safe fields field by field (never a spread), so a field added to
 * StreamInfo later cannot reach anonymous visitors by accident.
 */
export function publicStream(info: StreamInfo, archive: { firstMs: number | null; lastMs: number | null }): PublicStream {
  return {
    name: info.name,
    title: info.title,
    live: isLiveState(info.state),
    video: info.video ? { codec: info.video.codec, width: info.video.width, height: info.video.height } : null,
    audio: info.audio ? { codec: info.audio.codec } : null,
    locked: typeof info.config?.playToken === 'string' && info.config.playToken.length > 0,
    archive: archive.firstMs !== null && archive.lastMs !== null ? { firstMs: archive.firstMs, lastMs: archive.lastMs } : null,
  };
}

/** The watch page's list: public, for anyone who can reach the studio (the LAN when it listens there). */
export function watchRoutes(deps: WatchRouteDeps) {
  return async (app: FastifyInstance) => {
    app.get(
      '/api/public/streams',
      {
        config: { access: 'public' },
        schema: {
          tags: ['playback'],
          summary: 'Streams anyone may watch: name, title, live or not, codecs, whether a play token is needed, archive extent',
          security: [],
          response: { 200: PublicStreamList },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        return deps.list().map((info) => publicStream(info, deps.archive(info.name)));
      },
    );
  };
}
