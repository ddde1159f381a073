// The multivariant playlist of a stream with an ABR ladder (RFC 8216bis 4.4.6): the
// source as it comes, and each rendition, with what a player needs to choose between
// them before loading any: peak and average bandwidth, picture size, codecs, frame rate.
import { codecString, CodecParseError } from '../../media/codecs/index.js';
import type { Track } from '../../media/index.js';

export interface Variant {
  /** Relative URI of the variant's media playlist. */
  uri: string;
  /** Peak bits per second (BANDWIDTH) and the average (AVERAGE-BANDWIDTH). */
  bandwidth: number;
  averageBandwidth: number;
  tracks: readonly Track[];
  frameRate: number | null;
}

/** The CODECS attribute of a track list; null when a configuration cannot say (the variant is then left out). */
export function codecsOf(tracks: readonly Track[]): string | null {
  try {
    return tracks.map(codecString).join(',');
  } catch (error) {
    if (error instanceof CodecParseError) return null;
    throw error;
  }
}

export function buildMasterPlaylist(variants: readonly Variant[], query = ''): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const v of variants) {
    const codecs = codecsOf(v.tracks);
    if (codecs === null) continue;
    const video = v.tracks.find((t) => t.kind === 'video');
    const attributes = [
      `BANDWIDTH=${Math.round(v.bandwidth)}`,
      `AVERAGE-BANDWIDTH=${Math.round(v.averageBandwidth)}`,
      ...(video?.kind === 'video' ? [`RESOLUTION=${video.width}x${video.height}`] : []),
      `CODECS="${codecs}"`,
      ...(v.frameRate ? [`FRAME-RATE=${v.frameRate.toFixed(3)}`] : []),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attributes.join(',')}`, `${v.uri}${query}`);
  }
  return `${lines.join('\n')}\n`;
}
