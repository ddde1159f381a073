// One browser (or OBS) publishing over WebRTC: werift answers its offer and receives RTP;
// werift's processors reorder packets (jitter buffer) and reassemble frames (H.264 FU-A /
// STAP-A, VP8/VP9/AV1 descriptors, Opus), timed by each track's RTP clock from its first
// packet; its WebM writer hands them to one ffmpeg that copies H.264 as it is (other
// codecs are encoded to H.264) and turns Opus into AAC, and the studio's MPEG-TS demuxer
// gives the frames to the stream's hub, as every ingest does.
import type { Logger } from 'pino';
import { Event, RTCPeerConnection, RTCRtpCodecParameters, type MediaStreamTrack, type PeerConfig } from 'werift';
import { MediaRecorder, type StreamEvent } from 'werift/nonstandard';
import { TsDemuxer } from '../../formats/mpegts/index.js';
import { keepCandidates, trickledCandidates, withoutMdnsCandidates } from '../../net/ice-candidates.js';
import type { RtpRelay, RtpRelayTrack } from '../../net/rtp-relay.js';
import type { SourceSession } from '../../streams/stream-hub.js';
import type { ProcessRegistry, RunningProcess } from '../../transcode/index.js';

/** No RTP for this long from a connected publisher ends its stream. */
const silentMs = 5000;
/** Media waiting for ffmpeg beyond this ends the session. */
const maxPendingBytes = 32 << 20;

/** Viewers joining at once ask for one keyframe, not one each. */
const minKeyframeRequestGapMs = 300;

/** RTCP feedback every video codec is offered: NACK (resend lost packets) and PLI (a new keyframe). */
const videoFeedback = [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }];

/** What the studio takes, in order of preference: H.264 passes through; the rest is encoded. */
export function whipCodecs(): PeerConfig['codecs'] {
  return {
    video: [
      new RTCRtpCodecParameters({ mimeType: 'video/H264', clockRate: 90_000, rtcpFeedback: videoFeedback, parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f' }),
      new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90_000, rtcpFeedback: videoFeedback }),
      new RTCRtpCodecParameters({ mimeType: 'video/VP9', clockRate: 90_000, rtcpFeedback: videoFeedback }),
      new RTCRtpCodecParameters({ mimeType: 'video/AV1', clockRate: 90_000, rtcpFeedback: videoFeedback }),
    ],
    audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })],
  };
}

export interface WhipSessionDeps {
  processes: ProcessRegistry;
  ffmpegPath: () => string | null;
  /** Resolves once ffmpeg has been looked for (it is, in the background, as the studio starts). */
  ffmpegKnown: () => Promise<unknown>;
  log: Logger;
  peer: Partial<PeerConfig>;
  /** Answer candidates are kept to these addresses (the interfaces the studio listens on); null keeps all. */
  candidateHosts: readonly string[] | null;
  /** A peer that has not connected this long after its answer is dropped. */
  connectTimeoutMs: number;
  /** How often to ask the publisher for a keyframe: the DVR/HLS segment target. */
  keyframeIntervalMs: () => number;
}

/** How the video is made H.264: copied, or encoded on the transcoding engine's software fallback. */
function videoArgs(codec: string | undefined): string[] {
  if (codec?.toLowerCase() === 'h264') return ['-c:v', 'copy'];
  return ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '60', '-b:v', '2500k', '-maxrate', '2750k', '-bufsize', '5000k', '-pix_fmt', 'yuv420p'];
}

export class WhipSession {
  private readonly pc: RTCPeerConnection;
  private recorder: MediaRecorder | null = null;
  private ffmpeg: RunningProcess | null = null;
  private readonly tracks: MediaStreamTrack[] = [];
  private expectedTracks = 0;
  private connectTimer: NodeJS.Timeout | null = null;
  private keyframeTimer: NodeJS.Timeout | null = null;
  private sawKeyframe = false;
  private lastPacketAt = 0;
  private silenceTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private connected = false;
  /** The pipeline is waiting for ffmpeg's detection (a publisher that comes back the moment the studio starts). */
  private starting = false;
  private lastKeyframeRequestAt = 0;
  private readonly endListeners = new Set<() => void>();
  /** Resolves once the session is over (its hub session ended, everything released). */
  readonly done: Promise<void>;
  private finish!: () => void;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly remoteAddress: string | null,
    private readonly session: SourceSession,
    private readonly deps: WhipSessionDeps,
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.pc = new RTCPeerConnection({ ...deps.peer, codecs: whipCodecs(), bundlePolicy: 'max-bundle' });
    this.pc.onTrack.subscribe((track) => this.onTrack(track));
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') {
        this.connected = true;
        if (this.connectTimer) clearTimeout(this.connectTimer);
        this.startPipeline();
      } else if (state === 'failed' || state === 'closed') void this.close(state === 'failed' ? 'the WebRTC connection failed' : 'the publisher left', state === 'failed');
    });
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Ending or ended: its URL is gone for the publisher. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * The publisher's media as it comes, for WebRTC viewers (net/rtp-relay.ts): null until
   * connected with every track it offered, and once it has ended.
   */
  relay(): RtpRelay | null {
    if (this.closed || !this.connected || this.tracks.length < this.expectedTracks) return null;
    const relayTrack = (kind: 'audio' | 'video'): RtpRelayTrack | null => {
      const track = this.tracks.find((t) => t.kind === kind);
      if (!track?.codec) return null;
      return {
        kind,
        codec: track.codec,
        subscribe: (onPacket) => {
          const { unSubscribe } = track.onReceiveRtp.subscribe((packet) => onPacket(packet));
          return unSubscribe;
        },
      };
    };
    return {
      video: relayTrack('video'),
      audio: relayTrack('audio'),
      requestKeyframe: () => this.requestKeyframe(),
      onEnd: (listener) => {
        this.endListeners.add(listener);
        return () => this.endListeners.delete(listener);
      },
    };
  }

  /** The SDP answer to the publisher's offer, with every candidate gathered (no trickle needed). */
  async answer(offer: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: withoutMdnsCandidates(offer) });
    this.expectedTracks = this.pc.getTransceivers().filter((t) => t.direction === 'recvonly' || t.direction === 'sendrecv').length;
    if (this.expectedTracks === 0) throw new Error('the offer sends no audio or video the studio can take (H.264, VP8, VP9, AV1, Opus)');
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    this.connectTimer = setTimeout(() => void this.close(`not connected within ${this.deps.connectTimeoutMs / 1000} s`, true), this.deps.connectTimeoutMs);
    return keepCandidates(this.pc.localDescription!.sdp, this.deps.candidateHosts);
  }

  /** Trickled candidates (an SDP fragment, RFC 8840): the ones the publisher found after its offer. */
  async addCandidates(fragment: string): Promise<void> {
    for (const line of trickledCandidates(fragment)) {
      await this.pc.addIceCandidate({ candidate: line.slice(2), sdpMLineIndex: 0 }).catch(() => undefined);
    }
  }

  async close(reason: string, lost = false): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of [this.connectTimer, this.keyframeTimer]) if (timer) clearTimeout(timer);
    if (this.silenceTimer) clearInterval(this.silenceTimer);
    this.session.end(reason, lost);
    for (const listener of this.endListeners) listener();
    this.endListeners.clear();
    await this.recorder?.stop().catch(() => undefined);
    this.ffmpeg?.stdin?.end();
    await this.pc.close().catch(() => undefined);
    // ffmpeg ends once its input does; a stuck one is stopped.
    const stuck = setTimeout(() => this.ffmpeg?.stop(), 3000);
    await this.ffmpeg?.exited;
    clearTimeout(stuck);
    this.deps.log.info({ stream: this.name, session: this.id }, `whip: ${reason}`);
    this.finish();
  }

  private onTrack(track: MediaStreamTrack): void {
    if (this.closed) return;
    this.tracks.push(track);
    track.onReceiveRtp.subscribe(() => (this.lastPacketAt = Date.now()));
    this.startPipeline();
  }

  /**
   * A publisher that closes its tab or loses the network says nothing werift hears at
   * once (ICE gives up only after long): no media for `silentMs` ends the stream.
   */
  private watchSilence(): void {
    this.lastPacketAt = Date.now();
    this.silenceTimer = setInterval(() => {
      if (Date.now() - this.lastPacketAt > silentMs) void this.close(`no media from the publisher for ${silentMs / 1000} s`, true);
    }, 1000);
  }

  /** Once connected with every track: ffmpeg and the recorder feeding it (a session that never connects costs no process). */
  private startPipeline(): void {
    if (this.closed || this.recorder || this.starting || !this.connected || this.tracks.length < this.expectedTracks) return;
    this.starting = true;
    // Right after the studio starts, ffmpeg may not have been found yet: wait for the answer rather than refuse.
    void this.deps.ffmpegKnown().then(
      () => this.runPipeline(),
      () => this.runPipeline(),
    );
  }

  private runPipeline(): void {
    if (this.closed) return;
    const video = this.tracks.find((t) => t.kind === 'video');
    if (video) this.askForKeyframes(video);
    this.watchSilence();
    this.startFfmpeg(video?.codec?.name);
    const stream: StreamEvent = new Event();
    stream.subscribe((o) => {
      const stdin = this.ffmpeg?.stdin;
      if (!o.saveToFile || !stdin) return;
      // ffmpeg falling behind (a stalled encoder) must not pile the media up in memory.
      if (stdin.writableLength > maxPendingBytes) void this.close(`ffmpeg fell ${maxPendingBytes >> 20} MB behind the publisher`, true);
      else stdin.write(o.saveToFile);
    });
    // Times from each track's RTP clock, not held for RTCP sender reports: werift's lip-sync stage stalled
    // both tracks for seconds at the start (seen: a DVR segment without sound, an export without its AAC).
    this.recorder = new MediaRecorder({ tracks: this.tracks, stream, disableLipSync: true, disableNtp: true });
    this.recorder.onError.subscribe((error) => void this.close(`recording the WebRTC media failed: ${error.message}`, true));
  }

  /**
   * PLIs: a second apart until the first keyframe has come (the encoder started before we
   * listened), then one every `keyframeIntervalMs`. A WebRTC encoder makes keyframes only
   * when asked, and HLS segments and the DVR begin at keyframes.
   */
  private askForKeyframes(track: MediaStreamTrack): void {
    const ask = () => {
      if (this.closed) return;
      this.sendPli(track);
      this.keyframeTimer = setTimeout(ask, this.sawKeyframe ? this.deps.keyframeIntervalMs() : 1000);
    };
    ask();
  }

  /** A viewer's request (it joined, or lost a picture): at most one PLI every `minKeyframeRequestGapMs`. */
  private requestKeyframe(): void {
    const video = this.tracks.find((t) => t.kind === 'video');
    if (!video || this.closed || Date.now() - this.lastKeyframeRequestAt < minKeyframeRequestGapMs) return;
    this.sendPli(video);
  }

  private sendPli(track: MediaStreamTrack): void {
    this.lastKeyframeRequestAt = Date.now();
    const receiver = this.pc.getTransceivers().find((t) => t.receiver.track === track)?.receiver;
    if (track.ssrc) void receiver?.sendRtcpPLI(track.ssrc).catch(() => undefined);
  }

  private startFfmpeg(videoCodec: string | undefined): void {
    const ffmpegPath = this.deps.ffmpegPath();
    if (!ffmpegPath) {
      void this.close('ffmpeg not found: WebRTC publishing needs it (Opus to AAC); set its path in Settings', true);
      return;
    }
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      // Small probe: the first frames should reach viewers within a second.
      '-probesize', '65536', '-analyzeduration', '500000', '-fflags', '+nobuffer',
      '-f', 'matroska', '-i', 'pipe:0',
      '-map', '0:v?', '-map', '0:a?',
      ...videoArgs(videoCodec),
      '-c:a', 'aac', '-b:a', '128k', '-ar', '48000',
      // Each packet out as it comes: waiting to interleave would hold the sound back while the picture starts.
      '-max_interleave_delta', '0', '-muxdelay', '0', '-muxpreload', '0',
      '-f', 'mpegts', '-flush_packets', '1', 'pipe:1',
    ];
    const child = this.deps.processes.start(ffmpegPath, args, { label: `whip ${this.name}`, streamStdin: true, keepBytes: 8192 });
    this.ffmpeg = child;
    const demuxer = new TsDemuxer({
      onTracks: (tracks) => this.session.setTracks(tracks),
      onFrame: (frame) => {
        if (frame.keyframe) this.sawKeyframe = true;
        this.session.pushFrame(frame);
      },
      onError: (kind) => {
        if (kind === 'continuity') this.session.countError('continuity');
      },
    });
    child.stdout.on('data', (chunk: Buffer) => demuxer.push(chunk, Date.now()));
    child.stdin?.on('error', () => undefined);
    void child.exited.then((result) => {
      demuxer.end();
      if (!this.closed) void this.close(`ffmpeg stopped: ${result.stderr.trim().split('\n').at(-1) ?? `exit ${result.code}`}`, true);
    });
  }
}
