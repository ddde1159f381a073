import type { VideoTrack } from '../../media/frame.js';
import {
  CodecParseError,
  H264NalType,
  HevcNalType,
  buildAvcC,
  buildHvcC,
  h264NalType,
  h264PpsId,
  hevcNalLayerId,
  hevcNalType,
  hevcPpsId,
  hevcVpsId,
  isH264Keyframe,
  isHevcKeyframe,
  parseH264Sps,
  parseHevcSps,
  splitAnnexB,
  toLengthPrefixed,
} from '../../media/codecs/index.js';
import { ByteBuffer } from './byte-buffer.js';
import type { ElementaryStream, StreamOutput } from './demuxer-types.js';
import { ParameterSets, sameBytes } from './parameter-sets.js';

type SetKind = 'vps' | 'sps' | 'pps';
/** What a NAL unit is to the demuxer: a parameter set (config, not frame data), dropped, or kept in the frame. */
type NalRole = SetKind | 'drop' | 'keyframe' | 'picture' | 'other';

const TIMESCALE = 90_000;
/** avcC/hvcC store parameter set lengths in 16 bits. */
const MAX_PARAMETER_SET_BYTES = 0xffff;

function h264Role(nal: Uint8Array): NalRole {
  const type = h264NalType(nal);
  if (type === H264NalType.SPS) return 'sps';
  if (type === H264NalType.PPS) return 'pps';
  // AUDs and filler carry nothing an MP4-style sample needs.
  if (type === H264NalType.AUD || type === H264NalType.FILLER) return 'drop';
  if (isH264Keyframe(type)) return 'keyframe';
  if (type >= H264NalType.SLICE && type < H264NalType.IDR) return 'picture';
  return 'other';
}

function hevcRole(nal: Uint8Array): NalRole {
  const type = hevcNalType(nal);
  const baseLayer = hevcNalLayerId(nal) === 0;
  // Parameter sets of enhancement layers stay in band: the config describes the base layer.
  if (type === HevcNalType.VPS && baseLayer) return 'vps';
  if (type === HevcNalType.SPS && baseLayer) return 'sps';
  if (type === HevcNalType.PPS && baseLayer) return 'pps';
  if (type === HevcNalType.AUD || type === HevcNalType.FILLER) return 'drop';
  if (isHevcKeyframe(type)) return 'keyframe';
  if (type >= 0 && type < HevcNalType.VPS) return 'picture'; // VCL types are 0..31
  return 'other';
}

/**
 * H.264 / HEVC in Annex B, one access unit per PES: frames in 4-byte length-prefixed
 * form without AUDs or parameter sets; the parameter sets, kept by id, become the
 * track's avcC/hvcC. Frames wait for the first configuration and keyframe.
 *
 * A PES with a PES_packet_length holds at most 64 KiB, so muxers that write bounded video
 * PES split large access units, continuing them in PES without a PTS. Once a stream shows
 * bounded PES, each access unit is collected until the next PES with a PTS begins the
 * next one (a frame of latency that unbounded PES, the usual form, do not pay).
 */
export class VideoStream implements ElementaryStream {
  track: VideoTrack | null = null;
  frameDuration = 3000; // 30 fps until two frames tell
  private readonly sets: Record<SetKind, ParameterSets> = { vps: new ParameterSets(), sps: new ParameterSets(), pps: new ParameterSets() };
  /** The SPS most recently changed: it describes the pictures now arriving. */
  private currentSps: Uint8Array | null = null;
  private setsChanged = false;
  private waitingForKeyframe = true;
  private lastDts: number | null = null;
  private readonly role: (nal: Uint8Array) => NalRole;
  private collectUnits = false;
  private readonly unit: ByteBuffer;
  /** Times of the access unit being collected; null when none is. */
  private unitTime: { pts: number; dts: number; arrivedAt: number } | null = null;

  constructor(
    readonly pid: number,
    readonly trackId: number,
    private readonly codec: 'h264' | 'hevc',
    private readonly out: StreamOutput,
    maxAccessUnitBytes: number,
  ) {
    this.role = codec === 'h264' ? h264Role : hevcRole;
    this.unit = new ByteBuffer(maxAccessUnitBytes, 64 << 10);
  }

  pes(payload: Uint8Array, pts: number | null, dts: number | null, arrivedAt: number, bounded: boolean): void {
    if (pts === null || dts === null) {
      if (!this.unitTime) {
        this.out.error('timestamp', `PID ${this.pid}: video PES without PTS and no access unit to continue; dropped`);
      } else if (!this.unit.append(payload)) {
        this.out.error('pes', `PID ${this.pid}: access unit larger than the cap; dropped`);
        this.unitTime = null;
        this.unit.clear();
      } else {
        this.unitTime.arrivedAt = arrivedAt;
      }
      return;
    }
    this.finishUnit();
    if (bounded) this.collectUnits = true;
    if (!this.collectUnits) return this.accessUnit(payload, pts, dts, arrivedAt);
    this.unit.append(payload); // fits: a PES is within the same cap
    this.unitTime = { pts, dts, arrivedAt };
  }

  lost(): void {
    // The access unit being collected has a hole: drop it rather than pass on a broken picture's tail.
    this.unitTime = null;
    this.unit.clear();
  }

  end(): void {
    this.finishUnit();
  }

  private finishUnit(): void {
    const time = this.unitTime;
    if (!time) return;
    this.unitTime = null;
    this.accessUnit(this.unit.view(), time.pts, time.dts, time.arrivedAt);
    this.unit.clear();
  }

  /** One whole access unit in Annex B. */
  private accessUnit(data: Uint8Array, pts: number, dts: number, arrivedAt: number): void {
    const kept: Uint8Array[] = [];
    let keyframe = false;
    let picture = false;
    for (const nal of splitAnnexB(data)) {
      const role = this.role(nal);
      switch (role) {
        case 'vps':
        case 'sps':
        case 'pps':
          this.takeParameterSet(role, nal);
          break;
        case 'drop':
          break;
        case 'keyframe':
          keyframe = true;
          picture = true;
          kept.push(nal);
          break;
        case 'picture':
          picture = true;
          kept.push(nal);
          break;
        default:
          kept.push(nal);
      }
    }
    if (this.setsChanged) this.rebuildTrack();
    if (!picture) return; // parameter sets or SEI alone: nothing to show
    if (!this.track) return; // no configuration yet
    if (this.waitingForKeyframe) {
      if (!keyframe) return; // undecodable without the pictures before it
      this.waitingForKeyframe = false;
    }
    if (this.lastDts !== null && dts > this.lastDts) this.frameDuration = dts - this.lastDts;
    this.lastDts = dts;
    this.out.frame({ trackId: this.trackId, dts, pts, keyframe, data: toLengthPrefixed(kept), arrivedAt });
  }

  private takeParameterSet(kind: SetKind, nal: Uint8Array): void {
    const sets = this.sets[kind];
    if (sets.holds(nal)) return;
    if (nal.length > MAX_PARAMETER_SET_BYTES) {
      this.out.error('codec', `PID ${this.pid}: ${this.codec} ${kind.toUpperCase()} of ${nal.length} bytes ignored`);
      return;
    }
    let id: number;
    try {
      id = this.parameterSetId(kind, nal);
    } catch (error) {
      if (!(error instanceof CodecParseError)) throw error;
      this.out.error('codec', `PID ${this.pid}: ${this.codec} ${kind.toUpperCase()} ignored: ${error.message}`);
      return;
    }
    const stored = sets.set(id, nal);
    if (kind === 'sps') this.currentSps = stored;
    this.setsChanged = true;
  }

  private parameterSetId(kind: SetKind, nal: Uint8Array): number {
    if (this.codec === 'h264') return kind === 'sps' ? parseH264Sps(nal).spsId : h264PpsId(nal);
    if (kind === 'vps') return hevcVpsId(nal);
    return kind === 'sps' ? parseHevcSps(nal).spsId : hevcPpsId(nal);
  }

  /** A new avcC/hvcC from the sets held; the track changes only when the record does. */
  private rebuildTrack(): void {
    this.setsChanged = false;
    const { vps, sps, pps } = this.sets;
    if (!this.currentSps || pps.size === 0 || (this.codec === 'hevc' && vps.size === 0)) return;
    let track: VideoTrack;
    try {
      const spsList = sps.list(this.currentSps);
      const info = this.codec === 'h264' ? parseH264Sps(this.currentSps) : parseHevcSps(this.currentSps);
      const config = this.codec === 'h264' ? buildAvcC(spsList, pps.list()) : buildHvcC(vps.list(), spsList, pps.list());
      track = {
        kind: 'video',
        id: this.trackId,
        codec: this.codec,
        timescale: TIMESCALE,
        config,
        width: info.width,
        height: info.height,
        profile: info.profile,
        level: info.level,
        declaredFps: info.fps,
      };
    } catch (error) {
      if (!(error instanceof CodecParseError)) throw error;
      this.out.error('codec', `PID ${this.pid}: cannot build the ${this.codec} configuration: ${error.message}`);
      return;
    }
    if (this.track && sameBytes(this.track.config, track.config)) return;
    this.track = track;
    this.out.trackChanged();
  }
}
