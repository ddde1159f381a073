import { isLiveState } from '../../streams/stream-info.js';
import type { StreamInfo } from '../../contract/studio-api.js';
import type { MediaInfo, MediaInfoTrack } from '../../contract/stream-files.js';
import { Problem } from '../../contract/problem.js';
import type { StreamFileRoute } from '../../http/stream-files.js';
import type { DvrIndex } from '../../dvr/dvr-index.js';

interface ArchivedTrack {
  id: number;
  kind: 'video' | 'audio';
  codec: string;
  profile?: string;
  level?: string;
  width?: number;
  height?: number;
  declaredFps?: number | null;
  sampleRate?: number;
  channels?: number;
}

function liveTracks(info: StreamInfo): MediaInfoTrack[] {
  const tracks: MediaInfoTrack[] = [];
  const v = info.video;
  if (v) tracks.push({ track_id: tracks.length + 1, content: 'video', codec: v.codec, profile: v.profile, level: v.level, width: v.width, height: v.height, fps: v.fps || v.declaredFps || undefined });
  const a = info.audio;
  if (a) tracks.push({ track_id: tracks.length + 1, content: 'audio', codec: a.codec, profile: a.profile, sample_rate: a.sampleRate, channels: a.channels });
  return tracks;
}

function archivedTracks(json: string): MediaInfoTrack[] {
  return (JSON.parse(json) as ArchivedTrack[]).map((t) =>
    t.kind === 'video'
      ? { track_id: t.id + 1, content: 'video', codec: t.codec, profile: t.profile, level: t.level, width: t.width, height: t.height, fps: t.declaredFps ?? undefined }
      : { track_id: t.id + 1, content: 'audio', codec: t.codec, profile: t.profile, sample_rate: t.sampleRate, channels: t.channels },
  );
}

/** /NAME/media_info.json: what a player or middleware needs to know before playing (Flussonic's shape). */
export function mediaInfoRoute(deps: { info: (name: string) => StreamInfo | null; index: DvrIndex }): StreamFileRoute {
  return {
    file: 'media_info.json',
    handle: async (name, _m, _request, reply) => {
      const info = deps.info(name);
      const span = deps.index.span(name);
      const archive = span ? { from: Math.floor(span.firstMs / 1000), to: Math.ceil(span.lastEndMs / 1000) } : null;
      if (!info && !archive) throw new Problem('not-found', 'Unknown stream', `no stream named ${name}`);
      const live = info !== null && isLiveState(info.state) && (info.video !== null || info.audio !== null);
      const recorded = deps.index.newestTracksJson(name);
      const body: MediaInfo = {
        stream: name,
        title: info?.title ?? '',
        live,
        tracks: live ? liveTracks(info) : recorded ? archivedTracks(recorded) : [],
        bitrate: live ? Math.round(info.bitrate.last10s / 1000) : 0,
        archive,
      };
      return reply.header('cache-control', 'no-cache').header('access-control-allow-origin', '*').send(body);
    },
  };
}
