// Watching a stream by WHEP in this page: a muted picture with sub-second delay, for the
// Monitor's details. A studio preview says so (it is not counted as a viewer).

export interface WhepPlayer {
  stop(): void;
}

export async function playWhep(stream: string, video: HTMLVideoElement, options: { token?: string | null; preview?: boolean } = {}): Promise<WhepPlayer> {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  const media = new MediaStream();
  pc.ontrack = (event) => {
    media.addTrack(event.track);
    if (video.srcObject !== media) video.srcObject = media;
    void video.play().catch(() => undefined);
  };
  await pc.setLocalDescription(await pc.createOffer());
  const query = options.token ? `?token=${encodeURIComponent(options.token)}` : '';
  const headers: Record<string, string> = { 'content-type': 'application/sdp' };
  if (options.preview) headers['x-framehouse-preview'] = '1';
  const res = await fetch(`/${stream}/whep${query}`, { method: 'POST', headers, body: pc.localDescription!.sdp });
  if (res.status !== 201) {
    pc.close();
    throw new Error(`WHEP answered ${res.status}`);
  }
  const session = res.headers.get('location');
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  return {
    stop() {
      if (session) void fetch(`${session}${query}`, { method: 'DELETE' }).catch(() => undefined);
      pc.close();
      video.srcObject = null;
    },
  };
}
