// WebRTC from a test page: play a stream by WHEP into a <video data-testid="whep-video">,
// and read which codecs the browser's receivers got.
import type { Page } from '@playwright/test';

/** Plays `stream` by WHEP on `page` (which must be on the studio's origin); returns the session URL. */
export async function playWhep(page: Page, stream: string): Promise<string | null> {
  return page.evaluate(async (name) => {
    const pc = new RTCPeerConnection();
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    video.dataset.testid = 'whep-video';
    document.body.append(video);
    const media = new MediaStream();
    pc.ontrack = (e) => {
      media.addTrack(e.track);
      video.srcObject = media;
    };
    await pc.setLocalDescription(await pc.createOffer());
    const res = await fetch(`/${name}/whep`, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription!.sdp });
    if (res.status !== 201) throw new Error(`WHEP answered ${res.status}: ${await res.text()}`);
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    (window as unknown as { whep: RTCPeerConnection }).whep = pc;
    return res.headers.get('location');
  }, stream);
}

/** The codecs the WHEP receivers of `page` report (e.g. video/H264, audio/opus) and the audio packets so far. */
export async function receivedCodecs(page: Page): Promise<{ video?: string; audio?: string; audioPackets: number }> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { whep: RTCPeerConnection }).whep;
    await new Promise((r) => setTimeout(r, 1500));
    const stats = [...(await pc.getStats()).values()] as { type: string; kind?: string; packetsReceived?: number; codecId?: string; mimeType?: string; id: string }[];
    const inbound = (kind: string) => stats.find((s) => s.type === 'inbound-rtp' && s.kind === kind);
    const codec = (kind: string) => stats.find((s) => s.id === inbound(kind)?.codecId)?.mimeType;
    return { video: codec('video'), audio: codec('audio'), audioPackets: inbound('audio')?.packetsReceived ?? 0 };
  });
}
