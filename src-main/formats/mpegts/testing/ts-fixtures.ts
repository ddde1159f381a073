// Test-only helpers for the MPEG-TS demuxer tests: run a demuxer over bytes, edit TS packets.
import type { Frame, Track } from '../../../media/frame.js';
import type { TsDemuxerLimits, TsDemuxerStats, TsErrorKind } from '../demuxer-types.js';
import { TsDemuxer } from '../ts-demuxer.js';

export interface DemuxResult {
  trackEvents: Track[][];
  frames: Frame[];
  errors: { kind: TsErrorKind; detail: string }[];
  stats: TsDemuxerStats;
}

/** Feeds `data` in the pieces `chunkSizes` yields (cycled), then end(). */
export function demux(data: Uint8Array, chunkSizes: () => number = () => data.length, limits: Partial<TsDemuxerLimits> = {}): DemuxResult {
  const result: DemuxResult = { trackEvents: [], frames: [], errors: [], stats: undefined as unknown as TsDemuxerStats };
  const demuxer = new TsDemuxer(
    {
      onTracks: (tracks) => result.trackEvents.push(tracks),
      onFrame: (frame) => result.frames.push(frame),
      onError: (kind, detail) => result.errors.push({ kind, detail }),
    },
    limits,
  );
  let at = 0;
  let clock = 0;
  while (at < data.length) {
    const size = Math.max(1, chunkSizes());
    demuxer.push(data.subarray(at, at + size), clock++);
    at += size;
  }
  demuxer.end();
  result.stats = { ...demuxer.stats };
  return result;
}

export const PACKET = 188;

export function packetPid(data: Uint8Array, offset: number): number {
  return ((data[offset + 1]! & 0x1f) << 8) | data[offset + 2]!;
}

/** The file with the packets `keep` rejects left out (the file must be packet-aligned). */
export function filterPackets(data: Uint8Array, keep: (offset: number, index: number) => boolean): Uint8Array {
  const kept: Uint8Array[] = [];
  for (let offset = 0, index = 0; offset + PACKET <= data.length; offset += PACKET, index++) {
    if (keep(offset, index)) kept.push(data.subarray(offset, offset + PACKET));
  }
  return Buffer.concat(kept);
}

/** A comparable digest of frames: everything but arrivedAt, with payloads as hex. */
export function frameDigest(frames: readonly Frame[]): string[] {
  return frames.map((f) => `${f.trackId} ${f.dts} ${f.pts} ${f.keyframe ? 'K' : '-'} ${Buffer.from(f.data).toString('hex')}`);
}
