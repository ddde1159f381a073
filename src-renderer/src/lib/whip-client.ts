// Publishing from this browser by WHIP: the camera, microphone or screen to
// /live/NAME/whip, with the publish key as a Bearer token when the studio needs one.

export interface WhipPublisher {
  /** bits/s sent over the last second, and the connection's state. */
  stats(): Promise<{ bitrate: number; state: RTCPeerConnectionState; videoCodec: string | null }>;
  stop(): Promise<void>;
}

/**
 * H.264 first when the browser can send it: the studio passes it through to HLS and the DVR
 * as it is (VP8 would be encoded again, costing CPU and latency), and every viewer decodes it.
 */
function preferH264(transceiver: RTCRtpTransceiver): void {
  const codecs = typeof RTCRtpReceiver.getCapabilities === 'function' ? RTCRtpReceiver.getCapabilities('video')?.codecs : undefined;
  if (!codecs || typeof transceiver.setCodecPreferences !== 'function') return;
  const rank = (c: RTCRtpCodec) => (c.mimeType === 'video/H264' ? (c.sdpFmtpLine?.includes('packetization-mode=1') ? 0 : 1) : 2);
  try {
    transceiver.setCodecPreferences([...codecs].sort((a, b) => rank(a) - rank(b)));
  } catch {
    // A browser that refuses the list keeps its own order; the studio takes VP8, VP9 and AV1 too.
  }
}

export async function publishWhip(stream: string, media: MediaStream, key: string | null): Promise<WhipPublisher> {
  const pc = new RTCPeerConnection();
  for (const track of media.getTracks()) {
    const transceiver = pc.addTransceiver(track, { direction: 'sendonly' });
    if (track.kind === 'video') preferH264(transceiver);
  }
  await pc.setLocalDescription(await pc.createOffer());
  const headers: Record<string, string> = { 'content-type': 'application/sdp' };
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`/${stream}/whip`, { method: 'POST', headers, body: pc.localDescription!.sdp });
  if (res.status !== 201) {
    pc.close();
    const body = (await res.json().catch(() => null)) as { detail?: string } | null;
    throw new Error(body?.detail ?? `the studio answered ${res.status}`);
  }
  const session = res.headers.get('location');
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  let last: { bytes: number; at: number } | null = null;
  return {
    async stats() {
      let bytes = 0;
      let videoCodecId: string | undefined;
      const reports = await pc.getStats();
      reports.forEach((report: { type: string; kind?: string; bytesSent?: number; codecId?: string }) => {
        if (report.type !== 'outbound-rtp') return;
        bytes += report.bytesSent ?? 0;
        if (report.kind === 'video') videoCodecId = report.codecId;
      });
      const codec = videoCodecId ? (reports.get(videoCodecId) as { mimeType?: string } | undefined) : undefined;
      const videoCodec = codec?.mimeType?.replace(/^video\//, '') ?? null;
      const now = performance.now();
      const bitrate = last && now > last.at ? ((bytes - last.bytes) * 8000) / (now - last.at) : 0;
      last = { bytes, at: now };
      return { bitrate, state: pc.connectionState, videoCodec };
    },
    async stop() {
      if (session) await fetch(session, { method: 'DELETE', headers: key ? { authorization: `Bearer ${key}` } : {} }).catch(() => undefined);
      pc.close();
    },
  };
}
