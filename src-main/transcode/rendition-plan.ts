// From the ladder a user asked for to the renditions a job encodes: bitrates parsed,
// names given, and rungs taller than the source left out (upscaling only costs bits).
import { Problem } from '../contract/problem.js';
import type { RenditionSpec, VideoCodecName } from '../contract/transcode-api.js';

export interface RenditionPlan {
  /** `720p`: the variant's name in URLs and playlists. */
  name: string;
  height: number;
  codec: VideoCodecName;
  bitrate: number;
  maxRate: number;
  bufSize: number;
  profile: 'baseline' | 'main' | 'high';
  fps: number | null;
}

export interface SourcePicture {
  height: number;
}

/** 1200k, 2.5M or plain bits per second → bits per second; a clear Problem otherwise. */
export function parseBitrate(text: string, field: string): number {
  const match = /^(\d{1,9}(?:\.\d{1,3})?)([kKmM]?)$/.exec(text.trim());
  const scale = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 } as const;
  const value = match ? Math.round(Number(match[1]) * scale[match[2] as keyof typeof scale]) : NaN;
  if (!Number.isFinite(value) || value < 64_000 || value > 200_000_000) {
    throw new Problem('invalid', 'Invalid bitrate', `${field} must be between 64k and 200M (e.g. 1200k or 2.5M), not "${text}"`);
  }
  return value;
}

// Apple's HLS authoring guide: peak within 110% of the average for constrained VBR.
const peakOverAverage = 1.07;

export function planRenditions(specs: readonly RenditionSpec[], source: SourcePicture | null, codec: VideoCodecName = 'h264'): { renditions: RenditionPlan[]; skipped: { name: string; reason: string }[] } {
  const renditions: RenditionPlan[] = [];
  const skipped: { name: string; reason: string }[] = [];
  const names = new Set<string>();
  specs.forEach((spec, i) => {
    const bitrate = parseBitrate(spec.videoBitrate, `renditions[${i}].videoBitrate`);
    const maxRate = spec.maxRate === undefined ? Math.round(bitrate * peakOverAverage) : parseBitrate(spec.maxRate, `renditions[${i}].maxRate`);
    if (maxRate < bitrate) throw new Problem('invalid', 'Invalid bitrate', `renditions[${i}].maxRate (${spec.maxRate}) is below its videoBitrate (${spec.videoBitrate})`);
    let name = `${spec.height}p`;
    if (names.has(name)) name = `${spec.height}p-${Math.round(bitrate / 1000)}k`;
    if (names.has(name)) throw new Problem('invalid', 'Duplicate rendition', `renditions[${i}] repeats ${name} at the same bitrate`);
    names.add(name);
    // Taller than the source only upscales; the same height at a lower bitrate is a real rung.
    if (source && spec.height > source.height) {
      skipped.push({ name, reason: `the source is ${source.height} lines: a ${spec.height}-line rendition would only upscale it` });
      return;
    }
    renditions.push({
      name,
      height: spec.height,
      codec,
      bitrate,
      maxRate,
      // Two seconds of peak rate: room for a keyframe without starving the next GOP.
      bufSize: maxRate * 2,
      profile: spec.profile ?? (codec === 'h264' ? 'high' : 'main'),
      fps: spec.fps ?? null,
    });
  });
  return { renditions, skipped };
}
