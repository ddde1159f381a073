import type { StreamInfo } from '../../contract/studio-api.js';
import type { StreamFileRoute } from '../../http/stream-files.js';
import { sendError } from '../../http/problem-reply.js';

export interface PreviewRouteDeps {
  info: (name: string) => StreamInfo | null;
  ffmpegPath: () => string | null;
  /** The newest keyframe as JPEG, or null before the stream sent one. */
  jpeg: (name: string) => Promise<Uint8Array | null>;
}

/** GET /NAME/preview.jpg: the live picture the Monitor's tiles show. */
export function previewRoute(deps: PreviewRouteDeps): StreamFileRoute {
  return {
    file: 'preview.jpg',
    handle: async (name, _match, _request, reply) => {
      if (!deps.info(name)) return sendError(reply, 404, 'Unknown stream', `no stream named ${name}`);
      if (!deps.ffmpegPath()) return sendError(reply, 503, 'No ffmpeg', 'previews need ffmpeg: set FFMPEG_PATH or the ffmpeg path in Settings');
      const jpeg = await deps.jpeg(name);
      if (!jpeg) return sendError(reply, 404, 'No picture yet', `${name} has not sent a video keyframe`);
      return reply.type('image/jpeg').header('cache-control', 'no-cache').send(jpeg);
    },
  };
}
