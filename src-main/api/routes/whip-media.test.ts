// Hostile media inside a real WebRTC session: a werift publisher that connects properly
// (ICE, DTLS, SRTP) and then sends nonsense as H.264 and Opus RTP (FU-A and STAP-A
// fragments that lie about their sizes, empty and oversized payloads, jumping sequence
// numbers and timestamps). The studio must stay up, keep the stream bounded, and take the
// next publisher.
import crypto from 'node:crypto';
import { RTCPeerConnection, RtpHeader, RtpPacket } from 'werift';
import { afterEach, describe, expect, it } from 'vitest';
import { whipCodecs } from '../../ingest/webrtc/whip-session.js';
import { keepCandidates } from '../../net/ice-candidates.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { until } from '../../test-support/wait.js';

const studio = useStudio();
const peers: RTCPeerConnection[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

async function connectPublisher(stream: string) {
  const pc = new RTCPeerConnection({ codecs: whipCodecs(), iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'], iceInterfaceAddresses: { udp4: '127.0.0.1' } });
  peers.push(pc);
  const video = pc.addTransceiver('video', { direction: 'sendonly' });
  const audio = pc.addTransceiver('audio', { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  const res = await fetch(new URL(`/${stream}/whip`, studio().urls.http), { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: keepCandidates(pc.localDescription!.sdp, ['127.0.0.1']) });
  expect(res.status).toBe(201);
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  await until('the publisher connected', async () => pc.connectionState === 'connected', 10_000);
  return { pc, video, audio };
}

const random = (n: number) => crypto.randomBytes(n);

/** H.264 RTP payloads that parse as something and lie: FU-A starts without ends, STAP-A sizes past the packet, reserved NAL types. */
function hostileH264(i: number): Buffer {
  switch (i % 6) {
    case 0:
      return Buffer.concat([Buffer.from([0x7c, 0x85]), random(crypto.randomInt(1200))]); // FU-A start of an IDR, never ended
    case 1:
      return Buffer.concat([Buffer.from([0x78, 0xff, 0xff]), random(crypto.randomInt(50))]); // STAP-A claiming 65535 bytes
    case 2:
      return Buffer.alloc(0);
    case 3:
      return Buffer.concat([Buffer.from([0x67]), random(crypto.randomInt(30))]); // an SPS of noise
    case 4:
      return Buffer.concat([Buffer.from([0x1e + (i % 2)]), random(crypto.randomInt(1400))]); // reserved NAL types 30, 31
    default:
      return random(1 + crypto.randomInt(1400));
  }
}

describe('WHIP with hostile media', () => {
  it('nonsense H.264 and Opus over a real session: the studio stays up, the stream ends or plays on, and the next publisher is taken', async () => {
    // At once, while the studio may still be looking for ffmpeg: the session waits for it rather than refuse (asserted below).
    const { video, audio } = await connectPublisher('live/hostile');
    let sequence = crypto.randomInt(0xffff);
    for (let i = 0; i < 3000; i++) {
      const header = new RtpHeader({ sequenceNumber: (sequence += i % 50 === 0 ? 3000 : 1) & 0xffff, timestamp: i % 97 === 0 ? crypto.randomInt(2 ** 32) : i * 3000, marker: i % 3 === 0 });
      await video.sender.sendRtp(new RtpPacket(header, hostileH264(i))).catch(() => undefined);
      if (i % 4 === 0) await audio.sender.sendRtp(new RtpPacket(new RtpHeader({ sequenceNumber: i & 0xffff, timestamp: i * 960, marker: false }), random(crypto.randomInt(400)))).catch(() => undefined);
      if (i % 100 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    // Still serving; whatever became of the stream is said in its state, and never that ffmpeg was missing.
    expect((await fetch(new URL('/api/health', studio().urls.http))).status).toBe(200);
    const after = await studio().stream('live/hostile');
    expect(['publishing', 'idle', 'offline']).toContain(after?.state ?? 'idle');
    expect(after?.reason ?? '').not.toMatch(/ffmpeg not found/);
    expect(((await (await studio().api('/api/system')).json()) as { ffmpeg: { available: boolean } }).ffmpeg.available).toBe(true);
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await until('the hostile session over', async () => (await studio().stream('live/hostile'))?.state !== 'publishing', 15_000);
    // And a well-behaved publisher of the same name is taken afterwards.
    await connectPublisher('live/hostile');
    expect((await studio().stream('live/hostile'))?.state).toBe('publishing');
  }, 60_000);
});
