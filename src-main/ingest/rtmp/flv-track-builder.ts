import type { AudioTrack, Frame, Track, VideoTrack } from '../../media/index.js';
import { parseAudioSpecificConfig, parseAvcC, parseH264Sps, parseHevcSps, parseHvcC, forEachNal, toLengthPrefixed } from '../../media/codecs/index.js';
import { FlvFormatError, FlvUnsupportedError, parseFlvAudio, parseFlvVideo } from '../../formats/flv/flv-media.js';
import { parseAv1Config } from '../../media/codecs/av1-config.js';
import type { SourceSession } from '../../streams/stream-hub.js';

/** RTMP timestamps are 32-bit milliseconds; a long session wraps them (after 49.7 days) and some encoders start near the top. */
class TimestampUnwrapper {
  private last: number | null = null;
  private offset = 0;
  unwrap(raw: number): number {
    if (this.last !== null && raw < this.last && this.last - raw > 0x80000000) this.offset += 0x100000000;
    this.last = raw;
    return raw + this.offset;
  }
}

interface MetadataHints {
  hasVideo: boolean | null;
  hasAudio: boolean | null;
}

// Without metadata saying otherwise, wait this long (of media) for the second track's configuration.
const announceAfterMs = 1000;
// ... but hold no more frames than this while waiting: timestamps come from the peer, frame sizes too.
const maxPendingFrames = 500;
const maxPendingBytes = 8 << 20;

/**
 * Turns RTMP audio/video messages (FLV tag bodies) into the studio's tracks and
 * frames. Frame payloads are views into the received message: no copy unless
 * the encoder used NAL lengths other than 4 bytes.
 */
export class FlvTrackBuilder {
  private video: VideoTrack | null = null;
  private audio: AudioTrack | null = null;
  private videoLengthSize = 4;
  private hints: MetadataHints = { hasVideo: null, hasAudio: null };
  private announced: Track[] | null = null;
  /** Track ids of the announced tracks (-1: none), so each frame is built once, already addressed. */
  private videoId = -1;
  private audioId = -1;
  private pending: { kind: 'video' | 'audio'; frame: Frame }[] = [];
  private pendingBytes = 0;
  private readonly clock = new TimestampUnwrapper();

  constructor(
    private readonly session: SourceSession,
    private readonly now: () => number = Date.now,
  ) {}

  metadata(meta: Record<string, unknown>): void {
    const flag = (v: unknown) => (typeof v === 'boolean' ? v : null);
    const codecPresent = (v: unknown) => (v === undefined ? null : v !== 0 && v !== '' && v !== null);
    this.hints = {
      hasVideo: flag(meta.hasVideo) ?? codecPresent(meta.videocodecid),
      hasAudio: flag(meta.hasAudio) ?? codecPresent(meta.audiocodecid),
    };
  }

  /** Throws FlvUnsupportedError / FlvFormatError / CodecParseError for bodies the studio cannot take. */
  videoMessage(timestamp: number, body: Uint8Array): void {
    const packet = parseFlvVideo(body);
    if (packet.kind === 'config') return this.setVideoConfig(packet.codec, packet.record);
    if (packet.kind !== 'frame') return;
    if (!this.video || this.video.codec !== packet.codec) {
      this.session.countError('droppedFrames');
      return;
    }
    const dts = this.clock.unwrap(timestamp);
    const data = this.video.codec === 'av1' ? packet.data : this.normalizeNals(packet.data);
    this.emit('video', { trackId: this.videoId, dts, pts: dts + packet.compositionTime, keyframe: packet.keyframe, data, arrivedAt: this.now() });
  }

  audioMessage(timestamp: number, body: Uint8Array): void {
    const packet = parseFlvAudio(body);
    if (packet.kind === 'config') return this.setAudioConfig(packet.record);
    if (packet.kind !== 'frame') return;
    if (!this.audio) {
      this.session.countError('droppedFrames');
      return;
    }
    const dts = this.clock.unwrap(timestamp);
    this.emit('audio', { trackId: this.audioId, dts, pts: dts, keyframe: true, data: packet.data, arrivedAt: this.now() });
  }

  private setVideoConfig(codec: VideoTrack['codec'], record: Uint8Array): void {
    if (this.video && this.video.codec === codec && sameBytes(this.video.config, record)) return;
    const config = record.slice(); // kept for the session's whole life, not a view into one message
    let track: Omit<VideoTrack, 'id'>;
    if (codec === 'av1') {
      const info = parseAv1Config(config);
      track = { kind: 'video', codec, timescale: 1000, config, width: info.width, height: info.height, profile: info.profile, level: info.level, declaredFps: null };
    } else {
      const record = codec === 'h264' ? parseAvcC(config) : parseHvcC(config);
      const sps = record.sps[0];
      if (!sps) throw new FlvFormatError(`${codec === 'h264' ? 'H.264' : 'HEVC'} sequence header has no SPS`);
      const info = codec === 'h264' ? parseH264Sps(sps) : parseHevcSps(sps);
      this.videoLengthSize = record.lengthSize;
      track = { kind: 'video', codec, timescale: 1000, config, width: info.width, height: info.height, profile: info.profile, level: info.level, declaredFps: info.fps };
    }
    this.video = { ...track, id: 0 };
    if (this.announced) this.announce();
  }

  private setAudioConfig(record: Uint8Array): void {
    if (this.audio && sameBytes(this.audio.config, record)) return;
    const config = record.slice();
    const info = parseAudioSpecificConfig(config);
    this.audio = { kind: 'audio', id: 0, codec: 'aac', timescale: 1000, config, sampleRate: info.sampleRate, channels: info.channels, profile: info.profile };
    if (this.announced) this.announce();
  }

  private emit(kind: 'video' | 'audio', frame: Frame): void {
    if (!this.announced) {
      this.pending.push({ kind, frame });
      this.pendingBytes += frame.data.length;
      if (!this.readyToAnnounce()) return;
      this.announce();
      const pending = this.pending;
      this.pending = [];
      this.pendingBytes = 0;
      for (const p of pending) {
        p.frame.trackId = p.kind === 'video' ? this.videoId : this.audioId;
        this.push(p.frame);
      }
      return;
    }
    this.push(frame);
  }

  private push(frame: Frame): void {
    if (frame.trackId < 0) {
      this.session.countError('droppedFrames');
      return;
    }
    this.session.pushFrame(frame);
  }

  private readyToAnnounce(): boolean {
    const videoSettled = this.video !== null || this.hints.hasVideo === false;
    const audioSettled = this.audio !== null || this.hints.hasAudio === false;
    if (videoSettled && audioSettled) return true;
    const first = this.pending[0]!.frame.dts;
    const last = this.pending.at(-1)!.frame.dts;
    return last - first >= announceAfterMs || this.pending.length > maxPendingFrames || this.pendingBytes > maxPendingBytes;
  }

  private announce(): void {
    const tracks: Track[] = [];
    this.videoId = this.video ? tracks.push({ ...this.video, id: tracks.length }) - 1 : -1;
    this.audioId = this.audio ? tracks.push({ ...this.audio, id: tracks.length }) - 1 : -1;
    this.announced = tracks;
    this.session.setTracks(tracks);
  }

  private normalizeNals(data: Uint8Array): Uint8Array {
    if (this.videoLengthSize === 4) {
      forEachNal(data, 4, () => undefined); // proves every length fits before the frame goes anywhere
      return data;
    }
    const nals: Uint8Array[] = [];
    forEachNal(data, this.videoLengthSize, (nal) => nals.push(nal));
    return toLengthPrefixed(nals);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export { FlvFormatError, FlvUnsupportedError };
