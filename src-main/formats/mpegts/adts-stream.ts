import type { AudioTrack } from '../../media/frame.js';
import { aacProfileName, buildAudioSpecificConfig, parseAdtsHeader, type AdtsHeader } from '../../media/codecs/index.js';
import type { ElementaryStream, StreamOutput } from './demuxer-types.js';

const TIMESCALE = 90_000;
const SAMPLES_PER_FRAME = 1024;
/** An ADTS header is at most 9 bytes: fewer at the end of a PES may be the start of one. */
const MAX_HEADER = 9;

/**
 * AAC in ADTS: each frame becomes one raw frame (header stripped), the k-th frame that
 * starts in a PES timed at PES pts + k·1024 samples. A frame cut by the PES boundary is
 * finished with the next PES's first bytes. The track config is the AudioSpecificConfig
 * the ADTS header implies; a new one when profile, rate or channels change.
 */
export class AdtsStream implements ElementaryStream {
  track: AudioTrack | null = null;
  frameDuration = 1920; // 48 kHz until the first header tells
  /** The start of a frame the last PES ended inside of. */
  private carry: Uint8Array | null = null;
  /** Where the next frame falls when its PES gives no time (unrounded, to keep 44.1 kHz exact over many frames). */
  private nextPts: number | null = null;
  private configKey = -1;
  private readonly reported = new Set<string>();

  constructor(
    readonly pid: number,
    readonly trackId: number,
    private readonly out: StreamOutput,
  ) {}

  pes(payload: Uint8Array, pts: number | null, _dts: number | null, arrivedAt: number): void {
    let data = payload;
    let carried = 0;
    if (this.carry) {
      data = new Uint8Array(this.carry.length + payload.length);
      data.set(this.carry);
      data.set(payload, this.carry.length);
      carried = this.carry.length;
      this.carry = null;
    }
    let at = 0;
    let index = 0; // frames that started in this PES so far
    let skipped = 0;
    let missingTime = false;
    while (at < data.length) {
      const header = parseAdtsHeader(data, at);
      if (!header) {
        if (data.length - at < MAX_HEADER && couldStartHeader(data, at)) {
          this.carry = new Uint8Array(data.subarray(at));
          break;
        }
        const next = findSync(data, at + 1);
        skipped += next - at;
        at = next;
        continue;
      }
      const end = at + header.frameLength;
      if (end > data.length) {
        this.carry = new Uint8Array(data.subarray(at)); // aac_frame_length is 13 bits: at most 8191 bytes
        break;
      }
      // The PES time belongs to the first frame that starts in it (2.4.3.7).
      const framePts = at >= carried && pts !== null ? pts + (index * SAMPLES_PER_FRAME * TIMESCALE) / header.sampleRate : this.nextPts;
      if (at >= carried) index++;
      if (framePts === null) missingTime = true;
      else this.emit(header, data.subarray(at + header.headerLength, end), framePts, arrivedAt);
      at = end;
    }
    if (skipped > 0) this.out.error('codec', `PID ${this.pid}: skipped ${skipped} bytes that are not ADTS frames`);
    if (missingTime) this.out.error('timestamp', `PID ${this.pid}: audio frames without a PTS to count from; dropped`);
  }

  lost(): void {
    // The next PES does not continue the frame the last one ended inside of.
    this.carry = null;
  }

  end(): void {
    this.carry = null;
  }

  private emit(header: AdtsHeader, raw: Uint8Array, pts: number, arrivedAt: number): void {
    this.nextPts = pts + (header.rawDataBlocks * SAMPLES_PER_FRAME * TIMESCALE) / header.sampleRate;
    if (header.channelConfig === 0) return this.unsupported('ADTS with channel_configuration 0 (layout in a program_config_element)');
    if (header.rawDataBlocks > 1) return this.unsupported('ADTS frames of several raw_data_blocks');
    if (header.objectType > 4) return this.unsupported(`ADTS object type ${header.objectType}`);
    const key = (header.objectType << 8) | (header.sampleRateIndex << 4) | header.channelConfig;
    if (key !== this.configKey) {
      this.configKey = key;
      this.frameDuration = (SAMPLES_PER_FRAME * TIMESCALE) / header.sampleRate;
      this.track = {
        kind: 'audio',
        id: this.trackId,
        codec: 'aac',
        timescale: TIMESCALE,
        config: buildAudioSpecificConfig(header.objectType, header.sampleRateIndex, header.channelConfig),
        sampleRate: header.sampleRate,
        channels: header.channelConfig === 7 ? 8 : header.channelConfig,
        profile: aacProfileName(header.objectType),
      };
      this.out.trackChanged();
    }
    const rounded = Math.round(pts);
    this.out.frame({ trackId: this.trackId, dts: rounded, pts: rounded, keyframe: true, data: new Uint8Array(raw), arrivedAt });
  }

  private unsupported(what: string): void {
    if (this.reported.has(what)) return;
    this.reported.add(what);
    this.out.error('unsupported', `PID ${this.pid}: ${what}; frames dropped`);
  }
}

/** Whether the bytes from `at` to the end could be the first bytes of an ADTS header. */
function couldStartHeader(data: Uint8Array, at: number): boolean {
  if (data[at] !== 0xff) return false;
  return at + 1 >= data.length || (data[at + 1]! & 0xf6) === 0xf0;
}

/** The next offset at or after `from` where an ADTS header could start (0xFFF sync), or data.length. */
function findSync(data: Uint8Array, from: number): number {
  for (let i = from; i < data.length; i++) {
    if (data[i] === 0xff && (i + 1 >= data.length || (data[i + 1]! & 0xf6) === 0xf0)) return i;
  }
  return data.length;
}
