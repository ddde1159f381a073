import { AdtsStream } from './adts-stream.js';
import {
  defaultTsDemuxerLimits,
  type ElementaryStream,
  type StreamOutput,
  type TsDemuxerHandlers,
  type TsDemuxerLimits,
  type TsDemuxerStats,
  type TsErrorKind,
} from './demuxer-types.js';
import { PacketAligner } from './packet-aligner.js';
import { PesAssembler, parsePesHeader } from './pes.js';
import { SectionAssembler, parsePat, parsePmt, type ProgramMap } from './psi.js';
import { Timeline } from './timeline.js';
import { TrackAnnouncer } from './track-announcer.js';
import { PACKET_SIZE, PAT_PID, PID_COUNT, StreamType, streamTypeName } from './ts-packet.js';
import { VideoStream } from './video-stream.js';

/**
 * How far a video PES with a PTS but no DTS may step back without being a discontinuity:
 * some muxers leave out the DTS even with B-frames, and then the PTS goes back and forth.
 * Any other backward step of the DTS is one.
 */
const MAX_PTS_REORDER = 90_000;
/** A DTS this far ahead of its stream's last one is a discontinuity, not a gap in the signal. */
const MAX_FORWARD_STEP = 10 * 90_000;
/** Distinct "unsupported" reports remembered (each is made once). */
const MAX_REPORTED = 256;

interface ElementaryPid {
  stream: ElementaryStream;
  video: boolean;
  assembler: PesAssembler;
  /** DTS of the last PES with a time, on the program timeline. */
  lastDts: number | null;
}

/** Marks an exception thrown by a handler, so push() lets it through untouched instead of reporting it. */
class HandlerFailure {
  constructor(readonly cause: unknown) {}
}

/**
 * MPEG-TS (H.222.0) in, the studio's tracks and frames out: H.264, HEVC and AAC/ADTS of
 * the first program, on one 90 kHz timeline. Input may be cut anywhere; `push` never
 * throws for any input: trouble becomes onError and the demuxer goes on.
 */
export class TsDemuxer {
  readonly stats: Readonly<TsDemuxerStats>;
  private readonly counters: TsDemuxerStats = { packets: 0, continuityErrors: 0, syncLosses: 0, skippedBytes: 0, transportErrors: 0, droppedPes: 0, frames: 0 };
  private readonly limits: TsDemuxerLimits;
  private readonly aligner: PacketAligner;
  private readonly pat: SectionAssembler;
  private pmt: SectionAssembler | null = null;
  private pmtPid = -1;
  private programNumber = -1;
  /** The PMT's stream list we set up for ("pid:type,…"), to notice a changed program. */
  private programSignature: string | null = null;
  private streams: ElementaryPid[] = [];
  private readonly byPid: (ElementaryPid | undefined)[] = new Array<ElementaryPid | undefined>(PID_COUNT);
  /** Last continuity_counter per PID; -1 when none yet. */
  private readonly lastCc = new Int8Array(PID_COUNT).fill(-1);
  private readonly reported = new Set<string>();
  private readonly timeline = new Timeline();
  /** The latest DTS of any PES or frame so far: where the timeline continues after a jump. */
  private latestDts = -Infinity;
  private readonly announcer: TrackAnnouncer;
  private arrivedAt = 0;
  private readonly output: StreamOutput = {
    trackChanged: () => this.announcer.trackChanged(),
    frame: (frame) => {
      // Audio PES carry several frames: the latest time is a frame's, not a PES's.
      if (frame.dts > this.latestDts) this.latestDts = frame.dts;
      this.announcer.frame(frame);
    },
    error: (kind, detail) => this.report(kind, detail),
  };

  constructor(
    private readonly handlers: TsDemuxerHandlers,
    limits: Partial<TsDemuxerLimits> = {},
  ) {
    this.limits = { ...defaultTsDemuxerLimits, ...limits };
    this.stats = this.counters;
    this.aligner = new PacketAligner(
      (data, offset) => this.packet(data, offset),
      (skipped) => {
        this.counters.syncLosses++;
        this.counters.skippedBytes += skipped;
        this.report('sync', `skipped ${skipped} bytes to find packet sync`);
      },
      (partial) => this.report('sync', `input ended inside a packet (${partial} of ${PACKET_SIZE} bytes)`),
    );
    this.pat = new SectionAssembler(
      (section) => this.programAssociation(section),
      (detail) => this.report('pes', `PAT: ${detail}`),
    );
    this.announcer = new TrackAnnouncer(
      this.limits,
      () => this.streams.map((entry) => entry.stream.track),
      (tracks) => this.call(() => this.handlers.onTracks(tracks)),
      (frame) => {
        this.counters.frames++;
        this.call(() => this.handlers.onFrame(frame));
      },
    );
  }

  /** Bytes as they arrive, cut anywhere; arrivedAt (ms since the epoch) stamps the frames they complete. */
  push(chunk: Uint8Array, arrivedAt: number): void {
    this.arrivedAt = arrivedAt;
    this.guard(() => this.aligner.push(chunk));
  }

  /** End of input: completes the last unbounded PES and announces whatever tracks are ready. */
  end(): void {
    this.guard(() => {
      this.aligner.end();
      for (const entry of this.streams) {
        entry.assembler.flush();
        entry.stream.end();
      }
      this.announcer.end();
    });
  }

  private guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      if (error instanceof HandlerFailure) throw error.cause;
      // A bug of ours, not the input's fault: report it rather than take the connection down.
      try {
        this.report('pes', `internal error: ${error instanceof Error ? error.message : String(error)}`);
      } catch (reportError) {
        throw reportError instanceof HandlerFailure ? reportError.cause : reportError;
      }
    }
  }

  private packet(data: Uint8Array, at: number): void {
    this.counters.packets++;
    const b1 = data[at + 1]!;
    const b3 = data[at + 3]!;
    if (b1 & 0x80) {
      // transport_error_indicator: the link layer says this packet is damaged
      this.counters.transportErrors++;
      return;
    }
    const pid = ((b1 & 0x1f) << 8) | data[at + 2]!;
    const entry = this.byPid[pid];
    const isPat = pid === PAT_PID;
    const isPmt = pid === this.pmtPid && !isPat;
    if (!entry && !isPat && !isPmt) return;

    const adaptationFieldControl = (b3 >> 4) & 0x03;
    if (adaptationFieldControl === 0) return; // reserved: discard (2.4.3.3)
    let payloadStart = at + 4;
    let discontinuity = false;
    if (adaptationFieldControl & 0x02) {
      const adaptationFieldLength = data[at + 4]!;
      payloadStart += 1 + adaptationFieldLength;
      if (payloadStart > at + PACKET_SIZE) {
        this.report('pes', `PID ${pid}: adaptation_field_length ${adaptationFieldLength} runs past the packet`);
        return;
      }
      discontinuity = adaptationFieldLength > 0 && (data[at + 5]! & 0x80) !== 0; // discontinuity_indicator
    }
    const hasPayload = (adaptationFieldControl & 0x01) !== 0;
    if (hasPayload && !this.continuityHolds(pid, b3 & 0x0f, discontinuity, entry, isPmt)) return;
    if (!hasPayload || payloadStart >= at + PACKET_SIZE) return;
    if ((b3 & 0xc0) !== 0) {
      this.unsupportedOnce(`scrambled:${pid}`, `PID ${pid} is scrambled (transport_scrambling_control); its packets are skipped`);
      return;
    }
    const unitStart = (b1 & 0x40) !== 0;
    const end = at + PACKET_SIZE;
    if (entry) entry.assembler.push(data, payloadStart, end, unitStart, this.arrivedAt);
    else if (isPat) this.pat.push(data, payloadStart, end, unitStart);
    else this.pmt?.push(data, payloadStart, end, unitStart);
  }

  /**
   * continuity_counter (2.4.3.3): +1 mod 16 per packet with payload. One repeat is a
   * duplicate packet (skipped: false); a gap means lost packets, so the PES or section in
   * progress is dropped. A discontinuity_indicator resets the expectation.
   */
  private continuityHolds(pid: number, cc: number, discontinuity: boolean, entry: ElementaryPid | undefined, isPmt: boolean): boolean {
    const last = this.lastCc[pid]!;
    this.lastCc[pid] = cc;
    if (last < 0 || discontinuity) return true;
    if (cc === last) return false;
    if (cc !== ((last + 1) & 0x0f)) {
      this.counters.continuityErrors++;
      this.report('continuity', `PID ${pid}: continuity_counter ${cc} after ${last}: ${(cc - last - 1 + 16) & 0x0f} packets lost`);
      if (entry) entry.assembler.markDamaged();
      else if (isPmt) this.pmt?.reset();
      else this.pat.reset();
    }
    return true;
  }

  private programAssociation(section: Uint8Array): void {
    const pat = parsePat(section);
    if (typeof pat === 'string') return this.report('pes', pat);
    const first = pat?.programs[0];
    if (!first || (first.pmtPid === this.pmtPid && first.programNumber === this.programNumber)) return;
    // Only the first program is demuxed; a new PAT pointing elsewhere switches to it.
    this.programNumber = first.programNumber;
    this.pmtPid = first.pmtPid;
    this.lastCc[first.pmtPid] = -1;
    this.pmt = new SectionAssembler(
      (pmtSection) => this.programMap(pmtSection),
      (detail) => this.report('pes', `PMT: ${detail}`),
    );
  }

  private programMap(section: Uint8Array): void {
    const pmt = parsePmt(section);
    if (typeof pmt === 'string') return this.report('pes', pmt);
    if (!pmt || pmt.programNumber !== this.programNumber) return; // another program sharing the PID
    const signature = pmt.streams.map((s) => `${s.pid}:${s.streamType}`).join(',');
    if (signature === this.programSignature) return; // the PMT repeats every ~100 ms
    this.programSignature = signature;
    this.setUpStreams(pmt);
  }

  /** Fresh elementary streams for a (new) PMT; track ids are 0..n-1 over the supported ones in PMT order. */
  private setUpStreams(pmt: ProgramMap): void {
    for (const entry of this.streams) this.byPid[entry.stream.pid] = undefined;
    this.streams = [];
    this.announcer.reset();
    for (const { streamType, pid } of pmt.streams) {
      const supported = streamType === StreamType.H264 || streamType === StreamType.HEVC || streamType === StreamType.AAC_ADTS;
      if (!supported) {
        this.unsupportedOnce(`type:${pid}:${streamType}`, `PID ${pid}: stream type ${streamTypeName(streamType)} is not supported; ignored`);
        continue;
      }
      if (this.byPid[pid] || pid === PAT_PID || pid === this.pmtPid) {
        this.report('pes', `PMT lists PID ${pid} twice or on a table PID; ignored`);
        continue;
      }
      if (this.streams.length >= this.limits.maxStreams) {
        this.unsupportedOnce(`many:${pid}`, `PID ${pid}: more than ${this.limits.maxStreams} streams in the program; ignored`);
        continue;
      }
      const trackId = this.streams.length;
      const video = streamType !== StreamType.AAC_ADTS;
      const stream = video
        ? new VideoStream(pid, trackId, streamType === StreamType.H264 ? 'h264' : 'hevc', this.output, this.limits.maxVideoPesBytes)
        : new AdtsStream(pid, trackId, this.output);
      const entry: ElementaryPid = {
        stream,
        video,
        lastDts: null,
        assembler: new PesAssembler(
          video ? this.limits.maxVideoPesBytes : this.limits.maxAudioPesBytes,
          video ? 256 << 10 : 16 << 10,
          (pes, arrivedAt) => this.pes(entry, pes, arrivedAt),
          (detail) => this.report('pes', `PID ${pid}: ${detail}`),
          () => {
            this.counters.droppedPes++;
            entry.stream.lost();
          },
        ),
      };
      this.byPid[pid] = entry;
      this.lastCc[pid] = -1;
      this.streams.push(entry);
    }
  }

  private pes(entry: ElementaryPid, pes: Uint8Array, arrivedAt: number): void {
    const header = parsePesHeader(pes);
    if (typeof header === 'string') {
      this.counters.droppedPes++;
      entry.stream.lost();
      return this.report('pes', `PID ${entry.stream.pid}: ${header}`);
    }
    let pts: number | null = null;
    let dts: number | null = null;
    if (header.pts !== null) {
      dts = this.timeline.map(header.dts ?? header.pts);
      pts = header.dts === null ? dts : this.timeline.mapNear(header.pts, dts);
      const last = entry.lastDts;
      const tolerance = entry.video && header.dts === null ? MAX_PTS_REORDER : 0;
      if (last !== null && (dts < last - tolerance || dts > last + MAX_FORWARD_STEP)) {
        // Encoder restart or spliced input: continue right after the latest time seen.
        const target = Math.max(this.latestDts, last) + Math.round(entry.stream.frameDuration);
        this.report('timestamp', `PID ${entry.stream.pid}: DTS jumped ${((dts - last) / 90_000).toFixed(3)} s; timeline shifted to continue`);
        this.timeline.shift(target - dts);
        pts += target - dts;
        dts = target;
      }
      if (pts < dts) pts = dts; // a PTS before its DTS is damage; frames promise pts >= dts
      entry.lastDts = dts;
      if (dts > this.latestDts) this.latestDts = dts;
    }
    entry.stream.pes(pes.subarray(header.payloadOffset), pts, dts, arrivedAt, header.packetLength !== 0);
    if (dts !== null) this.announcer.time(this.latestDts);
  }

  private report(kind: TsErrorKind, detail: string): void {
    this.call(() => this.handlers.onError(kind, detail));
  }

  private unsupportedOnce(key: string, detail: string): void {
    // Bounded: a stream of ever-changing PMTs must not grow this without end.
    if (this.reported.has(key) || this.reported.size >= MAX_REPORTED) return;
    this.reported.add(key);
    this.report('unsupported', detail);
  }

  private call(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      throw new HandlerFailure(error);
    }
  }
}
