// One WebRTC viewer (WHEP). Of a stream a browser publishes by WHIP: the publisher's own
// packets, forwarded (net/rtp-relay.ts). Of any other stream: its H.264 as it is,
// packetized for RTP (Single NAL, STAP-A for the parameter sets before each keyframe,
// FU-A), and its sound as the stream's shared Opus; the viewer is then a sink of the hub
// once connected, so it starts at the newest keyframe of the GOP cache.
import type { Logger } from 'pino';
import { H264Packetizer, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, parseAvcDecoderConfigurationRecord, type PeerConfig, type RTCRtpTransceiver } from 'werift';
import type { Frame, Track } from '../../media/frame.js';
import type { FrameSink, SinkAttachment } from '../../streams/frame-sink.js';
import type { StreamHub } from '../../streams/stream-hub.js';
import { keepCandidates, withoutMdnsCandidates } from '../../net/ice-candidates.js';
import { relayCodec, viewerVideoFeedback, type RtpRelay } from '../../net/rtp-relay.js';
import type { OpusFeed } from './opus-feed.js';


export function whepCodecs(): PeerConfig['codecs'] {
  return {
    // Any H.264 profile the stream has: browsers decode High as well as Baseline.
    video: [new RTCRtpCodecParameters({ mimeType: 'video/H264', clockRate: 90_000, rtcpFeedback: viewerVideoFeedback, parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f' })],
    audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })],
  };
}

/** Where a viewer's media comes from: the hub (any source), or a WebRTC publisher's packets as they are. */
export type WhepMedia = { kind: 'hub'; hub: StreamHub; opus: OpusFeed } | { kind: 'relay'; relay: RtpRelay };

function codecsFor(media: WhepMedia): PeerConfig['codecs'] {
  const hub = whepCodecs();
  if (media.kind === 'hub') return hub;
  const { video, audio } = media.relay;
  return { video: video ? [relayCodec(video)] : hub.video, audio: audio ? [relayCodec(audio)] : hub.audio };
}

export interface WhepSessionDeps {
  log: Logger;
  peer: Partial<PeerConfig>;
  candidateHosts: readonly string[] | null;
  connectTimeoutMs: number;
}

export interface WhepStats {
  id: string;
  stream: string;
  remoteAddress: string | null;
  userAgent: string;
  startedAt: number;
  preview: boolean;
  connected: boolean;
  /** Round-trip time the viewer's receiver reports say, ms. */
  rttMs: number | null;
  /** Fraction of video packets the viewer reports lost (0–1). */
  loss: number | null;
  sentBytes: number;
}

export class WhepSession implements FrameSink {
  readonly label = 'webrtc viewer';
  private readonly pc: RTCPeerConnection;
  private readonly video: RTCRtpTransceiver;
  private readonly audio: RTCRtpTransceiver;
  private attachment: SinkAttachment | null = null;
  /** Undo what start() subscribed to (the Opus feed, or the relay's tracks). */
  private readonly unsubscribes: (() => void)[] = [];
  private packetizer: H264Packetizer | null = null;
  private videoTrack: Track | null = null;
  private audioSequence = Math.floor(Math.random() * 0xffff);
  private connectTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private connected = false;
  private sentBytes = 0;
  private rttMs: number | null = null;
  private loss: number | null = null;
  private readonly startedAt = Date.now();
  readonly done: Promise<void>;
  private finish!: () => void;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly remoteAddress: string | null,
    private readonly userAgent: string,
    /** The studio's own preview (the Monitor's details): not listed among viewers. */
    private readonly preview: boolean,
    private readonly media: WhepMedia,
    private readonly deps: WhepSessionDeps,
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.pc = new RTCPeerConnection({ ...deps.peer, codecs: codecsFor(media), bundlePolicy: 'max-bundle' });
    this.video = this.pc.addTransceiver('video', { direction: 'sendonly' });
    this.audio = this.pc.addTransceiver('audio', { direction: 'sendonly' });
    this.video.sender.onRtcp.subscribe((packet) => this.readReports(packet));
    if (media.kind === 'relay') this.unsubscribes.push(media.relay.onEnd(() => void this.close('the publisher left')));
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') this.start();
      else if (state === 'failed' || state === 'closed') void this.close(state === 'failed' ? 'the WebRTC connection failed' : 'the viewer left');
    });
  }

  get isConnected(): boolean {
    return this.connected;
  }

  get isPreview(): boolean {
    return this.preview;
  }

  /** Forwarding a WebRTC publisher's packets, rather than packetizing the hub's frames. */
  get isRelay(): boolean {
    return this.media.kind === 'relay';
  }

  async answer(offer: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: withoutMdnsCandidates(offer) });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    this.connectTimer = setTimeout(() => void this.close(`not connected within ${this.deps.connectTimeoutMs / 1000} s`), this.deps.connectTimeoutMs);
    return keepCandidates(this.pc.localDescription!.sdp, this.deps.candidateHosts);
  }

  stats(): WhepStats {
    return { id: this.id, stream: this.name, remoteAddress: this.remoteAddress, userAgent: this.userAgent, startedAt: this.startedAt, preview: this.preview, connected: this.connected, rttMs: this.rttMs, loss: this.loss, sentBytes: this.sentBytes };
  }

  /** The viewer's receiver reports (RTCP RR, RFC 3550 6.4): the fraction lost, and RTT from LSR/DLSR. */
  private readReports(packet: unknown): void {
    const reports = (packet as { reports?: { fractionLost: number; lsr: number; dlsr: number }[] }).reports;
    for (const report of reports ?? []) {
      this.loss = report.fractionLost / 256;
      if (report.lsr === 0) continue;
      const rtt = ((ntpMiddle32(Date.now()) - report.lsr - report.dlsr) >>> 0) / 65536;
      if (rtt < 10) this.rttMs = Math.round(rtt * 1000);
    }
  }

  async close(reason: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.attachment?.detach();
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    await this.pc.close().catch(() => undefined);
    this.deps.log.debug({ stream: this.name, session: this.id }, `whep: ${reason}`);
    this.finish();
  }

  // ---- the hub's frames ------------------------------------------------

  onTracks(tracks: readonly Track[]): void {
    const video = tracks.find((t) => t.kind === 'video');
    this.videoTrack = video ?? null;
    this.packetizer = null;
    if (video?.kind === 'video' && video.codec === 'h264') {
      const { parameterSets } = parseAvcDecoderConfigurationRecord(video.config);
      this.packetizer = new H264Packetizer({ inputFormat: 'length-prefixed', naluLengthSize: 4, parameterSets });
    }
  }

  onFrame(frame: Frame): boolean {
    const track = this.videoTrack;
    if (!this.packetizer || !track || frame.trackId !== track.id) return true;
    const timestamp = Math.round((frame.pts * 90_000) / track.timescale) >>> 0;
    for (const packet of this.packetizer.packetize(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength), timestamp, { isKeyframe: frame.keyframe })) {
      this.sentBytes += packet.payload.length;
      void this.video.sender.sendRtp(packet).catch(() => undefined);
    }
    return true;
  }

  onSourceEnd(): void {
    // The source may come back; the viewer keeps its connection and waits.
  }

  onDetach(reason: string): void {
    this.attachment = null;
    void this.close(reason);
  }

  private start(): void {
    if (this.closed || this.connected) return;
    this.connected = true;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    if (this.media.kind === 'relay') this.startRelay(this.media.relay);
    else this.startHub(this.media.hub, this.media.opus);
  }

  /** The publisher's packets, re-stamped by werift's sender with this viewer's SSRC and payload types; lost pictures asked of the publisher. */
  private startRelay(relay: RtpRelay): void {
    const forward = (transceiver: RTCRtpTransceiver) => (packet: RtpPacket) => {
      // Padding (bandwidth probes) carries nothing; the publisher's header extensions name its own ids.
      if (packet.payload.length === 0) return;
      const { sequenceNumber, timestamp, marker } = packet.header;
      this.sentBytes += packet.payload.length;
      void transceiver.sender.sendRtp(new RtpPacket(new RtpHeader({ sequenceNumber, timestamp, marker }), packet.payload)).catch(() => undefined);
    };
    if (relay.video) this.unsubscribes.push(relay.video.subscribe(forward(this.video)));
    if (relay.audio) this.unsubscribes.push(relay.audio.subscribe(forward(this.audio)));
    const pli = this.video.sender.onPictureLossIndication.subscribe(() => relay.requestKeyframe());
    this.unsubscribes.push(() => pli.unSubscribe());
    // The picture starts at the next keyframe: ask for it now rather than at the publisher's next one.
    relay.requestKeyframe();
  }

  private startHub(hub: StreamHub, opus: OpusFeed): void {
    this.attachment = hub.attach(this);
    this.unsubscribes.push(opus.subscribe((packet, timestamp) => {
      const header = new RtpHeader({ payloadType: 111, timestamp, sequenceNumber: this.audioSequence, marker: false });
      this.audioSequence = (this.audioSequence + 1) & 0xffff;
      this.sentBytes += packet.length;
      void this.audio.sender.sendRtp(new RtpPacket(header, packet)).catch(() => undefined);
    }));
  }
}

/** The middle 32 bits of the NTP time (16.16 seconds since 1900) for a Unix time in ms: what LSR echoes. */
function ntpMiddle32(unixMs: number): number {
  const seconds = unixMs / 1000 + 2_208_988_800;
  return Math.floor(seconds * 65536) >>> 0;
}
