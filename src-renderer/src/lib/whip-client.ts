// Publishing from this browser by WHIP: the camera, microphone or screen to
// /live/NAME/whip, with the publish key as a Bearer token when the studio needs one.

export interface WhipPublisher {
  /** bits/s sent over the last second, and the connection's state. */
  stats(): Promise<{ bitrate: number; state: RTCPeerConnectionState }>;
  stop(): Promise<void>;
}

export async function publishWhip(stream: string, media: MediaStream, key: string | null): Promise<WhipPublisher> {
  const pc = new RTCPeerConnection();
  for (const track of media.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
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
      (await pc.getStats()).forEach((report: { type: string; bytesSent?: number }) => {
        if (report.type === 'outbound-rtp') bytes += report.bytesSent ?? 0;
      });
      const now = performance.now();
      const bitrate = last && now > last.at ? ((bytes - last.bytes) * 8000) / (now - last.at) : 0;
      last = { bytes, at: now };
      return { bitrate, state: pc.connectionState };
    },
    async stop() {
      if (session) await fetch(session, { method: 'DELETE', headers: key ? { authorization: `Bearer ${key}` } : {} }).catch(() => undefined);
      pc.close();
    },
  };
}
