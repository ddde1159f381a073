// A stream's sound as Opus for WebRTC viewers, made once per stream however many watch:
// the hub's AAC (or MP3) frames go to one ffmpeg as MPEG-TS, its Ogg/Opus comes back as
// packets, and every subscribed viewer gets each packet with its RTP timestamp.
import type { Logger } from 'pino';
import type { Frame, Track } from '../../media/frame.js';
import { TsMuxer } from '../../formats/mpegts/index.js';
import { OggPacketReader, OggParseError } from '../../formats/ogg/ogg-packets.js';
import type { FrameSink, SinkAttachment } from '../../streams/frame-sink.js';
import type { StreamHub } from '../../streams/stream-hub.js';
import type { ProcessRegistry, RunningProcess } from '../../transcode/index.js';

/** Opus frames of 20 ms: 960 samples at the 48 kHz every Opus RTP clock runs at. */
export const opusFrameSamples = 960;
/** Sound waiting for ffmpeg beyond this is dropped (ffmpeg stalled): viewers hear a gap, the hub never waits. */
const maxPendingBytes = 4 << 20;

export type OpusListener = (packet: Buffer, rtpTimestamp: number) => void;

export interface OpusFeedDeps {
  processes: ProcessRegistry;
  ffmpegPath: () => string | null;
  log: Logger;
}

export class OpusFeed implements FrameSink {
  readonly label = 'webrtc opus';
  private readonly listeners = new Set<OpusListener>();
  private attachment: SinkAttachment | null = null;
  private ffmpeg: RunningProcess | null = null;
  private audio: Track | null = null;
  private muxer: TsMuxer | null = null;
  private samples = 0;

  constructor(
    private readonly hub: StreamHub,
    private readonly deps: OpusFeedDeps,
  ) {}

  get hubOf(): StreamHub {
    return this.hub;
  }

  get listening(): number {
    return this.listeners.size;
  }

  subscribe(listener: OpusListener): () => void {
    this.listeners.add(listener);
    this.attachment ??= this.hub.attach(this);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.close();
    };
  }

  onTracks(tracks: readonly Track[]): void {
    this.stopFfmpeg();
    this.audio = tracks.find((t) => t.kind === 'audio' && (t.codec === 'aac' || t.codec === 'mp3')) ?? null;
    if (this.audio) this.startFfmpeg(this.audio);
  }

  onFrame(frame: Frame): boolean {
    if (!this.audio || frame.trackId !== this.audio.id || !this.muxer) return true;
    const stdin = this.ffmpeg?.stdin;
    if (stdin && stdin.writableLength < maxPendingBytes) stdin.write(this.muxer.mux(frame));
    return true;
  }

  onSourceEnd(): void {
    this.stopFfmpeg();
  }

  onDetach(): void {
    this.attachment = null;
    this.stopFfmpeg();
  }

  close(): void {
    this.attachment?.detach();
    this.attachment = null;
    this.stopFfmpeg();
  }

  private startFfmpeg(track: Track): void {
    const ffmpegPath = this.deps.ffmpegPath();
    if (!ffmpegPath) return;
    this.muxer = new TsMuxer([track], { sourceTime: true, startTicks: 0 });
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      // A tiny probe: AAC in MPEG-TS is described by its PMT and first ADTS header (32 KB would hold the sound back 2 s).
      '-probesize', '4096', '-analyzeduration', '0', '-fflags', '+nobuffer',
      '-f', 'mpegts', '-i', 'pipe:0',
      '-map', '0:a:0', '-c:a', 'libopus', '-b:a', '96k', '-ar', '48000', '-ac', '2', '-application', 'lowdelay', '-frame_duration', '20',
      // A page per packet: each leaves ffmpeg as soon as it is made.
      '-f', 'ogg', '-page_duration', '20000', '-flush_packets', '1', 'pipe:1',
    ];
    const child = this.deps.processes.start(ffmpegPath, args, { label: `webrtc opus ${this.hub.name}`, streamStdin: true, keepBytes: 4096 });
    this.ffmpeg = child;
    const reader = new OggPacketReader();
    child.stdin?.on('error', () => undefined);
    child.stdout.on('data', (chunk: Buffer) => {
      let packets;
      try {
        packets = reader.push(chunk);
      } catch (error) {
        if (!(error instanceof OggParseError)) throw error;
        this.deps.log.warn({ stream: this.hub.name, err: error }, 'webrtc: unreadable Opus from ffmpeg');
        child.stop();
        return;
      }
      for (const { data } of packets) {
        if (data.subarray(0, 4).toString('latin1') === 'Opus') continue; // OpusHead, OpusTags
        const timestamp = this.samples >>> 0;
        this.samples += opusFrameSamples;
        for (const listener of this.listeners) listener(data, timestamp);
      }
    });
    void child.exited.then((result) => {
      if (this.ffmpeg === child && result.code !== 0 && !result.signal) this.deps.log.warn({ stream: this.hub.name, stderr: result.stderr.slice(-300) }, 'webrtc: the Opus encoder stopped');
    });
  }

  private stopFfmpeg(): void {
    this.ffmpeg?.stdin?.end();
    this.ffmpeg?.stop();
    this.ffmpeg = null;
    this.muxer = null;
  }
}
