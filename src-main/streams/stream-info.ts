import type { StreamConfig, StreamConfigView, StreamInfo } from '../contract/studio-api.js';
import { maskPushUrl } from '../contract/restream-api.js';
import { maskCredentials } from '../contract/mask-credentials.js';
import type { StreamHub } from './stream-hub.js';

/** A source is feeding the stream now (published or pulled). */
export const isLiveState = (state: StreamInfo['state']) => state === 'publishing' || state === 'pulling';

export function streamWarnings(info: Pick<StreamInfo, 'keyframeInterval' | 'state'>, segmentTargetSeconds: number): string[] {
  const warnings: string[] = [];
  const { average, irregular } = info.keyframeInterval;
  if (average !== null && average > segmentTargetSeconds * 1.05) {
    warnings.push(
      `Keyframes every ${average.toFixed(1)} s, longer than the ${segmentTargetSeconds} s segment target: DVR cuts and low-latency playback get coarser. Set the encoder's keyframe interval to ${segmentTargetSeconds} s.`,
    );
  }
  if (irregular) warnings.push('Keyframe interval is irregular: set a fixed keyframe interval in the encoder so segments have even lengths.');
  return warnings;
}

export function describeStream(
  hub: StreamHub | undefined,
  name: string,
  config: StreamConfig | null,
  dvr: StreamInfo['dvr'] = { recording: false, error: null },
  now = Date.now(),
  segmentTargetSeconds = 2,
): StreamInfo {
  const video = hub?.tracks?.find((t) => t.kind === 'video');
  const audio = hub?.tracks?.find((t) => t.kind === 'audio');
  const stats = hub?.stats;
  const keyframeInterval = stats?.keyframeInterval() ?? { last: null, average: null, irregular: false };
  const state = hub?.state ?? 'idle';
  return {
    name,
    title: config?.title ?? '',
    configured: config !== null,
    state,
    reason: hub?.reason ?? null,
    protocol: hub?.source?.protocol ?? null,
    remoteAddress: hub?.source?.remoteAddress ?? null,
    sourceUrl: hub?.source?.sourceUrl ?? null,
    startedAt: hub?.source && hub.startedAt ? new Date(hub.startedAt).toISOString() : null,
    uptime: hub?.source && hub.startedAt ? (now - hub.startedAt) / 1000 : 0,
    video:
      video && video.kind === 'video'
        ? {
            codec: video.codec,
            profile: video.profile,
            level: video.level,
            width: video.width,
            height: video.height,
            fps: Math.round((stats?.fps(now) ?? 0) * 100) / 100,
            declaredFps: video.declaredFps,
            bFrames: stats?.bFrames ?? false,
          }
        : null,
    audio: audio && audio.kind === 'audio' ? { codec: audio.codec, profile: audio.profile, sampleRate: audio.sampleRate, channels: audio.channels } : null,
    bitrate: stats?.bitrate(now) ?? { last1s: 0, last10s: 0 },
    keyframeInterval,
    framesIn: stats?.framesIn ?? 0,
    bytesIn: stats?.bytesIn ?? 0,
    lastFrameAgeMs: stats?.lastFrameAt ? now - stats.lastFrameAt : null,
    errors: { ...(stats?.errors ?? { continuity: 0, timestampJumps: 0, droppedFrames: 0 }) },
    warnings: streamWarnings({ keyframeInterval, state }, segmentTargetSeconds),
    viewers: 0,
    bitrateHistory: stats?.bitrateHistory(now) ?? [],
    keyframes: stats?.keyframes ?? 0,
    dvr,
    config: config ? configView(config) : null,
  };
}

/** What the API shows of a configuration: never the password, never credentials in URLs. */
export function configView(config: StreamConfig): StreamConfigView {
  return {
    name: config.name,
    title: config.title,
    sources: config.sources.map((s) => ({ url: maskCredentials(s.url), priority: s.priority })),
    publishEnabled: config.publishEnabled,
    publishPasswordSet: config.publishPassword !== null,
    takeover: config.takeover,
    loop: config.loop,
    playlist: config.playlist,
    dvr: config.dvr,
    dvrDepth: config.dvrDepth,
    dvrMaxSize: config.dvrMaxSize,
    playToken: config.playToken,
    transcode: config.transcode,
    recordFiles: config.recordFiles,
    push: config.push.map((t) => ({ id: t.id ?? '', url: maskPushUrl(t.url), enabled: t.enabled !== false, label: t.label ?? '', rendition: t.rendition ?? null })),
  };
}
