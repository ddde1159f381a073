// MPEG-TS muxing (H.222.0): the studio's tracks and frames in, whole 188-byte packets out.
// One program: PAT, PMT, and one PID per elementary stream (H.264, HEVC, AAC as ADTS, MP3).
import type { AudioTrack, Frame, Track, VideoTrack } from '../../media/frame.js';
import { CodecParseError, aacSampleRates, parseAudioSpecificConfig, parseAvcC, parseHvcC } from '../../media/codecs/index.js';
import { crc32Mpeg } from './psi.js';
import { PACKET_SIZE, PAT_PID, StreamType, SYNC_BYTE } from './ts-packet.js';

/** What setTracks throws when none of the tracks can be carried in MPEG-TS here. */
export class TsMuxError extends Error {
  override name = 'TsMuxError';
}

export interface TsMuxerOptions {
  /** 90 kHz DTS given to the first frame; the output timeline starts here. */
  startTicks: number;
  /**
   * Keep the source's own times (plus startTicks, so B-frames never go negative) instead
   * of starting at startTicks: two muxers fed from the same source then agree, which a
   * transcoder restarted on the same stream needs to continue its timeline.
   */
  sourceTime: boolean;
  /** PCR runs this far behind the DTS of the frame it travels with: the decoder's buffering headroom. */
  pcrDelayTicks: number;
  /** PAT and PMT go out at least this often (stream time), besides before every video keyframe. */
  psiIntervalTicks: number;
  /** A frame on another PID carries a PCR-only packet when the last PCR is older than this (slow video, audio-only gaps). */
  pcrIntervalTicks: number;
  /** Output is cut from slabs of this size; a chunk handed out is never written again. */
  slabBytes: number;
}

export const defaultTsMuxerOptions: Readonly<TsMuxerOptions> = {
  startTicks: 90_000,
  sourceTime: false,
  pcrDelayTicks: 36_000,
  psiIntervalTicks: 9_000,
  pcrIntervalTicks: 3_600,
  slabBytes: 256 << 10,
};

export interface TsMuxerStats {
  frames: number;
  packets: number;
  /** Frames not written: their track is not carried, their NAL lengths do not tile, or their time ran backwards. */
  droppedFrames: number;
  /** Times the output timeline was re-anchored (explicit discontinuity(), new tracks, a clock that jumped back). */
  discontinuities: number;
}

export interface SkippedTrack {
  track: Track;
  reason: string;
}

type EsKind = 'h264' | 'hevc' | 'aac' | 'mp3';

interface ElementaryStream {
  track: Track;
  kind: EsKind;
  pid: number;
  streamId: number;
  streamType: number;
  /** Parameter sets in Annex B (each behind a 4-byte start code), put before keyframes that lack their own. */
  parameterSets: Uint8Array;
  /** ADTS header bytes 2 and 3 as far as they are fixed (profile, sampling_frequency_index, channel_configuration), as one u16. */
  adtsFixed: number;
  /** DTS (output ticks) of the last frame written, to keep each PID monotonic. */
  lastDts: number;
  /** The next packet of this PID carries discontinuity_indicator. */
  discontinuity: boolean;
}

const PAYLOAD_SIZE = PACKET_SIZE - 4;
/** H.222.0 2.4.4: program 1 on PID 0x1000, elementary streams from 0x100, as ffmpeg lays them out. */
const PROGRAM_NUMBER = 1;
const PMT_PID = 0x1000;
const FIRST_ES_PID = 0x100;
const TRANSPORT_STREAM_ID = 1;
/** PTS/DTS and the PCR base are 33-bit counts of the 90 kHz clock. */
const WRAP = 2 ** 33;
const TWO_POW_30 = 2 ** 30;
const TICKS = 90_000;
/** Where a new timeline continues after a discontinuity: this far past the latest DTS written. */
const DISCONTINUITY_STEP = 9_000;
/** A PID whose DTS steps back further than this has a new clock (a restarted source), not a reordering. */
const BACKWARD_RESYNC = 45_000;
const ADTS_HEADER_SIZE = 7;
const MAX_ADTS_FRAME = 0x1fff;

// Adaptation field flags (2.4.3.5).
const AF_DISCONTINUITY = 0x80;
const AF_RANDOM_ACCESS = 0x40;
const AF_PCR = 0x10;

// Access unit delimiters: H.264 primary_pic_type 7 (any slice type); HEVC pic_type 2 (any).
const H264_AUD = Uint8Array.of(0, 0, 0, 1, 0x09, 0xf0);
const HEVC_AUD = Uint8Array.of(0, 0, 0, 1, 0x46, 0x01, 0x50);
const EMPTY = new Uint8Array(0);

/**
 * Frames in, MPEG-TS out, one chunk of whole packets per frame: a PES per frame (video
 * in Annex B with an AUD and, before keyframes, the parameter sets; AAC behind an ADTS
 * header), PAT/PMT before video keyframes and every ~100 ms, PCR on the video PID (the
 * audio one without video). Times are converted to 90 kHz from each track's timescale
 * by absolute value, so nothing drifts, and rebased so the output starts at `startTicks`
 * and never steps back. Chunks are views into slabs the muxer never rewrites: they may
 * be kept (queued on a socket) as long as needed.
 */
export class TsMuxer {
  readonly stats: Readonly<TsMuxerStats>;
  /** Tracks left out of the program (codecs MPEG-TS does not carry here), with why. */
  skipped: SkippedTrack[] = [];
  private readonly counters: TsMuxerStats = { frames: 0, packets: 0, droppedFrames: 0, discontinuities: 0 };
  private readonly options: TsMuxerOptions;
  private byTrack: (ElementaryStream | undefined)[] = [];
  private streams: ElementaryStream[] = [];
  private pcrStream: ElementaryStream | null = null;
  /** continuity_counter per PID, kept across setTracks so a PID's packets keep counting. */
  private readonly cc = new Uint8Array(0x2000);
  private readonly pat: Uint8Array;
  private pmt: Uint8Array = EMPTY;
  private pmtVersion = 0;
  private programSignature = '';
  /** Output ticks minus source ticks; null until the next frame anchors the timeline. */
  private offset: number | null = null;
  /** Where the next anchored frame's DTS lands. */
  private anchorAt: number;
  /** Latest DTS written on any PID. */
  private maxDts = -Infinity;
  private lastPcr = -Infinity;
  private lastPsi = -Infinity;
  /** Allocated on the first frame: a muxer made only to check tracks costs nothing. */
  private slab: Uint8Array = EMPTY;
  private slabAt = 0;

  constructor(tracks: readonly Track[], options: Partial<TsMuxerOptions> = {}) {
    this.options = { ...defaultTsMuxerOptions, ...options };
    this.stats = this.counters;
    this.anchorAt = this.options.startTicks;
    this.pat = patSection();
    this.setTracks(tracks);
  }

  /**
   * A new set of tracks (a new source session or codec configuration): a discontinuity
   * once anything was written. Tracks of codecs this muxer cannot carry are left out
   * (listed in `skipped`); TsMuxError when none is left.
   */
  setTracks(tracks: readonly Track[]): void {
    const streams: ElementaryStream[] = [];
    const skipped: SkippedTrack[] = [];
    for (const track of tracks) {
      try {
        streams.push(describeStream(track, FIRST_ES_PID + streams.length, streams));
      } catch (error) {
        if (!(error instanceof TsMuxError || error instanceof CodecParseError)) throw error;
        skipped.push({ track, reason: error.message });
      }
    }
    if (streams.length === 0) {
      throw new TsMuxError(skipped.length > 0 ? `nothing to send as MPEG-TS: ${skipped.map((s) => s.reason).join('; ')}` : 'nothing to send as MPEG-TS: no tracks');
    }
    if (this.maxDts > -Infinity) {
      // A PID keeps its place on the timeline across a reconfiguration: its times must not step back.
      for (const stream of streams) stream.lastDts = this.streams.find((s) => s.pid === stream.pid)?.lastDts ?? -Infinity;
    }
    this.streams = streams;
    this.skipped = skipped;
    this.byTrack = [];
    for (const stream of streams) this.byTrack[stream.track.id] = stream;
    this.pcrStream = streams.find((s) => s.track.kind === 'video') ?? streams[0]!;
    const signature = `${this.pcrStream.pid};${streams.map((s) => `${s.pid}:${s.streamType}`).join(',')}`;
    if (signature !== this.programSignature) {
      if (this.programSignature !== '') this.pmtVersion = (this.pmtVersion + 1) & 0x1f;
      this.programSignature = signature;
      this.pmt = pmtSection(this.pmtVersion, this.pcrStream.pid, streams);
    }
    if (this.maxDts > -Infinity) this.discontinuity();
  }

  /**
   * From the next frame on, times belong to a new timeline (a gap in a recording, a new
   * source): output continues just after the latest DTS, and each PID's next packet
   * carries discontinuity_indicator.
   */
  discontinuity(): void {
    for (const stream of this.streams) stream.discontinuity = true;
    this.lastPsi = -Infinity;
    if (this.offset === null) return;
    this.offset = null;
    this.anchorAt = this.maxDts + DISCONTINUITY_STEP;
    this.counters.discontinuities++;
  }

  /**
   * The packets of one frame (with PAT/PMT and PCR as due), or an empty array when the
   * frame is not written (see stats.droppedFrames). The chunk stays valid for good.
   */
  mux(frame: Frame): Uint8Array {
    const stream = this.byTrack[frame.trackId];
    if (!stream) return this.drop();
    const scale = stream.track.timescale;
    const sourceDts = toTicks(frame.dts, scale);
    if (this.offset === null) this.offset = this.options.sourceTime ? this.options.startTicks : this.anchorAt - sourceDts;
    let dts = sourceDts + this.offset;
    if (dts < stream.lastDts) {
      if (stream.lastDts - dts < BACKWARD_RESYNC) return this.drop();
      this.discontinuity();
      this.offset = this.anchorAt - sourceDts;
      dts = sourceDts + this.offset;
    }
    const pts = Math.max(dts, toTicks(frame.pts, scale) + this.offset);

    let esLength: number;
    let prefix: Uint8Array = EMPTY;
    let parameterSets: Uint8Array = EMPTY;
    if (stream.kind === 'h264' || stream.kind === 'hevc') {
      const scan = scanNals(frame.data, stream.kind === 'hevc');
      if (scan === null) return this.drop();
      if (!(scan & NalScan.StartsWithAud)) prefix = stream.kind === 'h264' ? H264_AUD : HEVC_AUD;
      if (frame.keyframe && !(scan & NalScan.HasParameterSets)) parameterSets = stream.parameterSets;
      esLength = prefix.length + parameterSets.length + frame.data.length;
    } else if (stream.kind === 'aac') {
      esLength = ADTS_HEADER_SIZE + frame.data.length;
      if (esLength > MAX_ADTS_FRAME) return this.drop();
    } else {
      esLength = frame.data.length;
    }
    const withDts = pts !== dts;
    const pesHeaderLength = 9 + (withDts ? 10 : 5);
    const pesLength = pesHeaderLength + esLength;

    const isVideo = stream.track.kind === 'video';
    const isPcrStream = stream === this.pcrStream;
    const psi = (isPcrStream && isVideo && frame.keyframe) || dts - this.lastPsi >= this.options.psiIntervalTicks;
    const pcrValue = Math.max(this.lastPcr, dts - this.options.pcrDelayTicks);
    const pcrOnly = !isPcrStream && pcrValue - this.lastPcr >= this.options.pcrIntervalTicks;
    const randomAccess = frame.keyframe && (isVideo || this.pcrStream!.track.kind === 'audio');

    // The first packet's adaptation field: PCR (6 bytes), or just the flags byte for the indicators.
    const flags = (stream.discontinuity ? AF_DISCONTINUITY : 0) | (randomAccess ? AF_RANDOM_ACCESS : 0) | (isPcrStream ? AF_PCR : 0);
    const firstField = isPcrStream ? 8 : flags !== 0 ? 2 : 0;
    const firstCapacity = PAYLOAD_SIZE - firstField;
    const pesPackets = pesLength <= firstCapacity ? 1 : 1 + Math.ceil((pesLength - firstCapacity) / PAYLOAD_SIZE);
    const total = ((psi ? 2 : 0) + (pcrOnly ? 1 : 0) + pesPackets) * PACKET_SIZE;

    const out = this.reserve(total);
    const start = this.slabAt;
    let at = start;
    if (psi) {
      at = this.writeSection(out, at, PAT_PID, this.pat);
      at = this.writeSection(out, at, PMT_PID, this.pmt);
      this.lastPsi = dts;
    }
    if (pcrOnly) at = this.writePcrOnly(out, at, this.pcrStream!, pcrValue);
    if (isPcrStream || pcrOnly) this.lastPcr = pcrValue;

    // The PES is staged at the end of the room it will take, then spread forward into packets in place:
    // every packet header lands before the bytes still to be moved, so nothing is overwritten early.
    const pesStart = at;
    let stage = start + total - pesLength;
    stage = writePesHeader(out, stage, stream.streamId, pesLength, pts, withDts ? dts : null);
    if (stream.kind === 'aac') {
      stage = writeAdtsHeader(out, stage, stream.adtsFixed, esLength);
      out.set(frame.data, stage);
    } else if (stream.kind === 'mp3') {
      out.set(frame.data, stage);
    } else {
      out.set(prefix, stage);
      stage += prefix.length;
      out.set(parameterSets, stage);
      stage += parameterSets.length;
      out.set(frame.data, stage);
      toAnnexB(out, stage, frame.data);
    }
    at = this.spreadPes(out, pesStart, start + total - pesLength, pesLength, pesPackets, stream.pid, flags, firstField, isPcrStream ? pcrValue : -1);
    if (at !== start + total) throw new Error(`ts muxer: wrote ${at - start} of ${total} bytes`);

    stream.discontinuity = false;
    stream.lastDts = dts;
    if (dts > this.maxDts) this.maxDts = dts;
    this.slabAt = at;
    this.counters.frames++;
    this.counters.packets += total / PACKET_SIZE;
    return out.subarray(start, at);
  }

  private drop(): Uint8Array {
    this.counters.droppedFrames++;
    return EMPTY;
  }

  /** The slab with `bytes` free at slabAt; a fresh one when the current is full (its chunks live on where they went). */
  private reserve(bytes: number): Uint8Array {
    if (this.slabAt + bytes > this.slab.length) {
      this.slab = new Uint8Array(Math.max(this.options.slabBytes, bytes));
      this.slabAt = 0;
    }
    return this.slab;
  }

  private nextCc(pid: number): number {
    const cc = this.cc[pid]!;
    this.cc[pid] = (cc + 1) & 0x0f;
    return cc;
  }

  /** One PSI section in one packet: pointer_field 0, the section, 0xFF stuffing (2.4.4.2). */
  private writeSection(out: Uint8Array, at: number, pid: number, section: Uint8Array): number {
    out[at] = SYNC_BYTE;
    out[at + 1] = 0x40 | (pid >> 8); // payload_unit_start_indicator
    out[at + 2] = pid & 0xff;
    out[at + 3] = 0x10 | this.nextCc(pid); // payload only
    out[at + 4] = 0; // pointer_field
    out.set(section, at + 5);
    out.fill(0xff, at + 5 + section.length, at + PACKET_SIZE);
    return at + PACKET_SIZE;
  }

  /** A packet of adaptation field only, carrying a PCR: the continuity_counter does not advance (2.4.3.3). */
  private writePcrOnly(out: Uint8Array, at: number, stream: ElementaryStream, pcr: number): number {
    const pid = stream.pid;
    out[at] = SYNC_BYTE;
    out[at + 1] = pid >> 8;
    out[at + 2] = pid & 0xff;
    out[at + 3] = 0x20 | this.cc[pid]!; // adaptation field only: the counter stays
    out[at + 4] = PAYLOAD_SIZE - 1; // adaptation_field_length
    out[at + 5] = AF_PCR | (stream.discontinuity ? AF_DISCONTINUITY : 0);
    stream.discontinuity = false;
    writePcr(out, at + 6, pcr);
    out.fill(0xff, at + 12, at + PACKET_SIZE);
    return at + PACKET_SIZE;
  }

  /**
   * Moves the PES staged at `stage` into packets from `at`: the first packet starts the unit
   * and carries the adaptation field (`firstField` bytes: flags and PCR), the last one is
   * padded with adaptation-field stuffing.
   */
  private spreadPes(out: Uint8Array, at: number, stage: number, length: number, packets: number, pid: number, flags: number, firstField: number, pcr: number): number {
    let source = stage;
    let remaining = length;
    for (let i = 0; i < packets; i++) {
      const field = i === 0 ? firstField : 0;
      const capacity = PAYLOAD_SIZE - field;
      const take = remaining < capacity ? remaining : capacity;
      const stuffing = capacity - take;
      out[at] = SYNC_BYTE;
      out[at + 1] = (i === 0 ? 0x40 : 0) | (pid >> 8);
      out[at + 2] = pid & 0xff;
      const cc = this.nextCc(pid);
      if (field + stuffing === 0) {
        out[at + 3] = 0x10 | cc;
      } else {
        out[at + 3] = 0x30 | cc; // adaptation field and payload
        out[at + 4] = field + stuffing - 1; // adaptation_field_length
        if (field + stuffing > 1) {
          out[at + 5] = i === 0 ? flags : 0;
          let end = at + 6;
          if (i === 0 && pcr >= 0) {
            writePcr(out, at + 6, pcr);
            end = at + 12;
          }
          out.fill(0xff, end, at + 4 + field + stuffing);
        }
      }
      const payloadAt = at + 4 + field + stuffing;
      out.copyWithin(payloadAt, source, source + take);
      source += take;
      remaining -= take;
      at += PACKET_SIZE;
    }
    return at;
  }
}

/** Source ticks at `timescale` → 90 kHz, from the absolute value (whole seconds apart), so rounding never accumulates. */
export function toTicks(time: number, timescale: number): number {
  if (timescale === TICKS) return time;
  if (timescale === 1000) return time * 90;
  const seconds = Math.floor(time / timescale);
  return seconds * TICKS + Math.round(((time - seconds * timescale) * TICKS) / timescale);
}

function describeStream(track: Track, pid: number, earlier: readonly ElementaryStream[]): ElementaryStream {
  const index = earlier.filter((s) => s.track.kind === track.kind).length;
  const base = { track, pid, lastDts: -Infinity, discontinuity: false, parameterSets: EMPTY, adtsFixed: 0 };
  if (track.kind === 'video') {
    if (index >= 16) throw new TsMuxError(`track ${track.id}: more than 16 video streams`);
    return describeVideo(track, { ...base, streamId: 0xe0 + index });
  }
  if (index >= 32) throw new TsMuxError(`track ${track.id}: more than 32 audio streams`);
  return describeAudio(track, { ...base, streamId: 0xc0 + index });
}

type StreamBase = Omit<ElementaryStream, 'kind' | 'streamType'>;

function describeVideo(track: VideoTrack, base: StreamBase): ElementaryStream {
  switch (track.codec) {
    case 'h264': {
      const config = parseAvcC(track.config);
      return { ...base, kind: 'h264', streamType: StreamType.H264, parameterSets: annexB([...config.sps, ...config.pps]) };
    }
    case 'hevc': {
      const config = parseHvcC(track.config);
      return { ...base, kind: 'hevc', streamType: StreamType.HEVC, parameterSets: annexB([...config.vps, ...config.sps, ...config.pps]) };
    }
    default:
      throw new TsMuxError(`track ${track.id}: ${track.codec} video cannot be sent as MPEG-TS (H.264 and HEVC only)`);
  }
}

function describeAudio(track: AudioTrack, base: StreamBase): ElementaryStream {
  switch (track.codec) {
    case 'aac': {
      const info = parseAudioSpecificConfig(track.config);
      // ADTS can only name the core coder (profile = object type - 1, two bits); SBR/PS stay implicit in the payload.
      if (info.coreObjectType < 1 || info.coreObjectType > 4) throw new TsMuxError(`track ${track.id}: AAC object type ${info.coreObjectType} has no ADTS form`);
      const rateIndex = aacSampleRates.indexOf(info.coreSampleRate);
      if (rateIndex < 0) throw new TsMuxError(`track ${track.id}: AAC at ${info.coreSampleRate} Hz has no ADTS sampling_frequency_index`);
      if (info.channelConfig === 0 || info.channelConfig > 7) throw new TsMuxError(`track ${track.id}: AAC channel configuration ${info.channelConfig} has no ADTS form`);
      const channels = info.channelConfig;
      const adtsFixed = ((((info.coreObjectType - 1) << 6) | (rateIndex << 2) | (channels >> 2)) << 8) | ((channels & 0x03) << 6);
      return { ...base, kind: 'aac', streamType: StreamType.AAC_ADTS, adtsFixed };
    }
    case 'mp3':
      // MPEG-2 audio (0x04) for the half rates, as ffmpeg signals it.
      return { ...base, kind: 'mp3', streamType: track.sampleRate > 0 && track.sampleRate < 32_000 ? 0x04 : 0x03 };
    default:
      throw new TsMuxError(`track ${track.id}: ${track.codec} audio cannot be sent as MPEG-TS here (AAC and MP3 only)`);
  }
}

/** NAL units behind 4-byte start codes. */
function annexB(nals: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(nals.reduce((n, nal) => n + 4 + nal.length, 0));
  let at = 0;
  for (const nal of nals) {
    out[at + 3] = 1;
    out.set(nal, at + 4);
    at += 4 + nal.length;
  }
  return out;
}

const enum NalScan {
  Valid = 1,
  StartsWithAud = 2,
  HasParameterSets = 4,
}

/** Walks the 4-byte NAL lengths: null when they do not tile the frame, else what the frame already carries. */
function scanNals(data: Uint8Array, hevc: boolean): number | null {
  let result: number = NalScan.Valid;
  let at = 0;
  while (at < data.length) {
    if (at + 5 > data.length) return null;
    const length = ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;
    if (length === 0 || length > data.length - at - 4) return null;
    const header = data[at + 4]!;
    const type = hevc ? (header >> 1) & 0x3f : header & 0x1f;
    if (at === 0 && type === (hevc ? 35 : 9)) result |= NalScan.StartsWithAud; // AUD_NUT / access unit delimiter
    if (hevc ? type === 32 || type === 33 : type === 7) result |= NalScan.HasParameterSets; // VPS/SPS, SPS
    at += 4 + length;
  }
  return result;
}

/** The length fields of `source` (copied to out[at…]) become start codes: both are 4 bytes, so nothing moves. */
function toAnnexB(out: Uint8Array, at: number, source: Uint8Array): void {
  for (let i = 0; i < source.length; ) {
    const length = ((source[i]! << 24) | (source[i + 1]! << 16) | (source[i + 2]! << 8) | source[i + 3]!) >>> 0;
    out[at + i] = 0;
    out[at + i + 1] = 0;
    out[at + i + 2] = 0;
    out[at + i + 3] = 1;
    i += 4 + length;
  }
}

/** PES header (2.4.3.6) with PTS, or PTS and DTS. */
function writePesHeader(out: Uint8Array, at: number, streamId: number, pesLength: number, pts: number, dts: number | null): number {
  // Video PES go unbounded (length 0), as ffmpeg writes them: a bounded one may be read as part of a split access unit, costing a frame of latency.
  const packetLength = streamId >= 0xe0 || pesLength - 6 > 0xffff ? 0 : pesLength - 6;
  out[at] = 0;
  out[at + 1] = 0;
  out[at + 2] = 1;
  out[at + 3] = streamId;
  out[at + 4] = packetLength >> 8;
  out[at + 5] = packetLength & 0xff;
  out[at + 6] = 0x84; // '10', not scrambled, no priority, data_alignment_indicator: a PES starts an access unit
  out[at + 7] = dts === null ? 0x80 : 0xc0; // PTS_DTS_flags
  out[at + 8] = dts === null ? 5 : 10; // PES_header_data_length
  writeTimestamp(out, at + 9, dts === null ? 0x2 : 0x3, pts);
  if (dts !== null) writeTimestamp(out, at + 14, 0x1, dts);
  return at + 9 + (dts === null ? 5 : 10);
}

/** A 33-bit PTS/DTS in 5 bytes: 4-bit prefix, bits 32..30, marker, 29..15, marker, 14..0, marker. */
function writeTimestamp(out: Uint8Array, at: number, prefix: number, ticks: number): void {
  const value = ((ticks % WRAP) + WRAP) % WRAP;
  const high = Math.floor(value / TWO_POW_30);
  const low = value - high * TWO_POW_30;
  out[at] = (prefix << 4) | (high << 1) | 1;
  out[at + 1] = (low >>> 22) & 0xff;
  out[at + 2] = ((low >>> 14) & 0xfe) | 1;
  out[at + 3] = (low >>> 7) & 0xff;
  out[at + 4] = ((low << 1) & 0xfe) | 1;
}

/** program_clock_reference (2.4.3.5): 33-bit base, 6 reserved bits, 9-bit extension (0: the 90 kHz clock is all we keep). */
function writePcr(out: Uint8Array, at: number, ticks: number): void {
  const base = ((ticks % WRAP) + WRAP) % WRAP;
  const high = Math.floor(base / 2); // bits 32..1
  out[at] = (high >>> 24) & 0xff;
  out[at + 1] = (high >>> 16) & 0xff;
  out[at + 2] = (high >>> 8) & 0xff;
  out[at + 3] = high & 0xff;
  out[at + 4] = ((base % 2) << 7) | 0x7e;
  out[at + 5] = 0;
}

/** adts_fixed_header + adts_variable_header (ISO 14496-3 1.A.2.2), no CRC, one raw_data_block. */
function writeAdtsHeader(out: Uint8Array, at: number, fixed: number, frameLength: number): number {
  out[at] = 0xff; // syncword
  out[at + 1] = 0xf1; // syncword, ID 0 (MPEG-4), layer 0, protection_absent 1
  out[at + 2] = fixed >> 8; // profile, sampling_frequency_index, private_bit 0, channel_configuration (high bit)
  out[at + 3] = (fixed & 0xff) | (frameLength >> 11); // channel_configuration, original/copy, home, copyright bits 0, aac_frame_length
  out[at + 4] = (frameLength >> 3) & 0xff;
  out[at + 5] = ((frameLength & 0x07) << 5) | 0x1f; // aac_frame_length, adts_buffer_fullness 0x7FF (variable rate)
  out[at + 6] = 0xfc; // adts_buffer_fullness, number_of_raw_data_blocks_in_frame 0
  return at + ADTS_HEADER_SIZE;
}

/** A long-form PSI section with its CRC_32 (2.4.4.3 / 2.4.4.8). */
function section(tableId: number, idExtension: number, version: number, body: readonly number[]): Uint8Array {
  const sectionLength = 5 + body.length + 4;
  const bytes = new Uint8Array(3 + sectionLength);
  bytes.set([tableId, 0xb0 | (sectionLength >> 8), sectionLength & 0xff, idExtension >> 8, idExtension & 0xff, 0xc1 | (version << 1), 0, 0, ...body]);
  const crc = crc32Mpeg(bytes.subarray(0, bytes.length - 4));
  bytes.set([crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff], bytes.length - 4);
  return bytes;
}

/** program_association_section: program 1 → the PMT PID. */
function patSection(): Uint8Array {
  return section(0x00, TRANSPORT_STREAM_ID, 0, [PROGRAM_NUMBER >> 8, PROGRAM_NUMBER & 0xff, 0xe0 | (PMT_PID >> 8), PMT_PID & 0xff]);
}

/** TS_program_map_section: the PCR PID and one entry per elementary stream, no descriptors. */
function pmtSection(version: number, pcrPid: number, streams: readonly ElementaryStream[]): Uint8Array {
  const body = [0xe0 | (pcrPid >> 8), pcrPid & 0xff, 0xf0, 0x00];
  for (const s of streams) body.push(s.streamType, 0xe0 | (s.pid >> 8), s.pid & 0xff, 0xf0, 0x00);
  return section(0x02, PROGRAM_NUMBER, version, body);
}
