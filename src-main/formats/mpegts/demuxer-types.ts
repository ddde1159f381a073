import type { Frame, Track } from '../../media/frame.js';

/** What kind of trouble the demuxer recovered from. */
export type TsErrorKind =
  /** bytes skipped to find packet sync, or input ending inside a packet */
  | 'sync'
  /** continuity_counter gap: packets were lost; the PES in progress is dropped */
  | 'continuity'
  /** malformed PES or PSI section (PAT/PMT), or a PES over the size cap; dropped */
  | 'pes'
  /** a parameter set or ADTS stream that does not parse; the stream keeps its last good config */
  | 'codec'
  /** missing PTS, or a timestamp jump the timeline was shifted across */
  | 'timestamp'
  /** a stream type, scrambling or codec feature the demuxer skips (reported once each) */
  | 'unsupported';

export interface TsDemuxerHandlers {
  /**
   * All tracks, once each elementary stream has given its configuration (SPS/PPS[/VPS],
   * first ADTS header), or after ~2 s of stream time with the ones that have; again
   * whenever a configuration changes or a late stream becomes ready.
   */
  onTracks(tracks: Track[]): void;
  onFrame(frame: Frame): void;
  /** Recoverable trouble; the demuxer goes on. */
  onError(kind: TsErrorKind, detail: string): void;
}

export interface TsDemuxerStats {
  /** 188-byte packets read */
  packets: number;
  continuityErrors: number;
  /** times sync was (re)acquired after skipping bytes */
  syncLosses: number;
  skippedBytes: number;
  /** packets with transport_error_indicator set, skipped */
  transportErrors: number;
  /** PES packets dropped: damaged, malformed, or over the cap */
  droppedPes: number;
  /** frames handed to onFrame */
  frames: number;
}

/** Bounds on what one demuxer holds, whatever the input. */
export interface TsDemuxerLimits {
  /** Largest video PES (one access unit) kept; beyond it the PES is dropped. */
  maxVideoPesBytes: number;
  maxAudioPesBytes: number;
  /** Frames held while waiting for every stream's configuration; beyond this the ready tracks are announced. */
  maxPendingBytes: number;
  /** Stream time (90 kHz) to wait for every stream's configuration before announcing the ready ones. */
  announceAfterTicks: number;
  /** Supported elementary streams demuxed per program; more are reported unsupported. */
  maxStreams: number;
}

export const defaultTsDemuxerLimits: Readonly<TsDemuxerLimits> = {
  maxVideoPesBytes: 8 << 20,
  maxAudioPesBytes: 1 << 20,
  maxPendingBytes: 32 << 20,
  announceAfterTicks: 2 * 90_000,
  maxStreams: 8,
};

/** How an elementary stream reports to the demuxer. */
export interface StreamOutput {
  /** This stream's track is new or changed: announce it before its next frame. */
  trackChanged(): void;
  frame(frame: Frame): void;
  error(kind: TsErrorKind, detail: string): void;
}

/** One PID's codec handling: PES payloads in, track config and frames out. */
export interface ElementaryStream {
  readonly pid: number;
  readonly trackId: number;
  /** null until the stream has given its configuration */
  readonly track: Track | null;
  /** Typical frame duration (90 kHz), to continue the timeline after a discontinuity. */
  readonly frameDuration: number;
  /**
   * One complete PES payload (a view valid during the call only); pts/dts already on the
   * program timeline, null when the PES carried none; `bounded` when it had a
   * PES_packet_length.
   */
  pes(payload: Uint8Array, pts: number | null, dts: number | null, arrivedAt: number, bounded: boolean): void;
  /** A PES of this stream was lost: drop what would continue across it. */
  lost(): void;
  /** Input ended: finish or forget partial data. */
  end(): void;
}
