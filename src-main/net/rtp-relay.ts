// A WebRTC publisher's media as it arrived, for WebRTC viewers of the same stream: the
// packets are forwarded as they are (an SFU), with no decoding, no re-encoding and no
// waiting for ffmpeg, which is what keeps browser-to-browser latency under a quarter
// of a second. WHIP makes relays; WHEP uses them; the studio wires the two together.
import { RTCRtpCodecParameters, type RtpPacket } from 'werift';

export interface RtpRelayTrack {
  kind: 'audio' | 'video';
  /** The codec the publisher sends (mime type, clock, format parameters): what a viewer must take. */
  codec: RTCRtpCodecParameters;
  /** Every packet as received (before the publisher side's jitter buffer); returns the unsubscribe. */
  subscribe(onPacket: (packet: RtpPacket) => void): () => void;
}

export interface RtpRelay {
  video: RtpRelayTrack | null;
  audio: RtpRelayTrack | null;
  /** Asks the publisher for a keyframe (a viewer joined or lost one); rate-limited by the publisher side. */
  requestKeyframe(): void;
  /** Called once when the publisher is gone; returns the unsubscribe. */
  onEnd(listener: () => void): () => void;
}

/** RTCP feedback a WebRTC viewer's video is offered: NACK (resend lost packets) and PLI (a new keyframe). */
export const viewerVideoFeedback = [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }];

/** The codec a viewer is offered for a relayed track: the publisher's, without its payload type (the viewer's offer picks that). */
export function relayCodec(track: RtpRelayTrack): RTCRtpCodecParameters {
  const { mimeType, clockRate, channels, parameters } = track.codec;
  const rtcpFeedback = track.kind === 'video' ? viewerVideoFeedback : [];
  return new RTCRtpCodecParameters({ mimeType, clockRate, channels, parameters, rtcpFeedback });
}

/**
 * Whether an SDP offer can receive this codec: an rtpmap of the same name and clock, and
 * for H.264 the same profile and packetization mode (what werift matches an answer by).
 */
export function offerTakes(sdp: string, codec: RTCRtpCodecParameters): boolean {
  const [, name] = codec.mimeType.split('/');
  if (!name) return false;
  const payloadTypes = [...sdp.matchAll(/^a=rtpmap:(\d+) ([A-Za-z0-9-]+)\/(\d+)/gm)]
    .filter(([, , n, clock]) => n!.toLowerCase() === name.toLowerCase() && Number(clock) === codec.clockRate)
    .map(([, pt]) => pt!);
  if (name.toLowerCase() !== 'h264') return payloadTypes.length > 0;
  const wanted = h264Format(codec.parameters ?? '');
  return payloadTypes.some((pt) => {
    const offered = h264Format(new RegExp(`^a=fmtp:${pt} (.*)$`, 'm').exec(sdp)?.[1] ?? '');
    return offered.profile === wanted.profile && offered.mode === wanted.mode;
  });
}

function h264Format(parameters: string): { profile: string; mode: string } {
  const value = (key: string) => new RegExp(`(?:^|;)\\s*${key}=([^;\\s]+)`, 'i').exec(parameters)?.[1]?.toLowerCase() ?? '';
  return { profile: value('profile-level-id'), mode: value('packetization-mode') || '0' };
}
