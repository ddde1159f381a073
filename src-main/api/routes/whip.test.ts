// WHIP from hostile or broken clients: every bad request gets a 4xx and frees what it took;
// real offers (made by werift, as a WHIP client would) are answered with loopback candidates
// only, and one address cannot pile up sessions that never connect.
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import { RTCPeerConnection } from 'werift';
import { afterEach, describe, expect, it } from 'vitest';
import { useStudio } from '../../test-support/studio-instance.js';
import { until } from '../../test-support/wait.js';
import { keepCandidates } from '../../net/ice-candidates.js';

const studio = useStudio();
const peers: RTCPeerConnection[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

/** A real offer: audio and video to send, as OBS or a browser makes it. */
async function realOffer(): Promise<string> {
  const pc = new RTCPeerConnection({ iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'], iceInterfaceAddresses: { udp4: '127.0.0.1' } });
  peers.push(pc);
  pc.addTransceiver('video', { direction: 'sendonly' });
  pc.addTransceiver('audio', { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  // Loopback only: the studio would check every candidate named, and tests talk to nothing else.
  return keepCandidates(pc.localDescription!.sdp, ['127.0.0.1']);
}

const post = (path: string, body: string, type = 'application/sdp') => fetch(new URL(path, studio().urls.http), { method: 'POST', headers: { 'content-type': type }, body });

describe('WHIP', () => {
  it('refuses what is not an offer, and unknown sessions, with a 4xx and no session left behind', async () => {
    expect((await post('/live/w/whip', 'v=0\r\n', 'text/plain')).status).toBe(415);
    for (const junk of ['', 'hello', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n', 'v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n' + 'a=rtpmap:96 H264/90000\r\n'.repeat(50), `v=0\r\nm=audio 9 RTP/AVP 0\r\n${'a=x\r\n'.repeat(1000)}`]) {
      const res = await post('/live/w/whip', junk);
      expect(res.status, junk.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.status, junk.slice(0, 40)).toBeLessThan(500);
    }
    expect((await post('/live/w/whip', `v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n${'x'.repeat(70 << 10)}`)).status).toBe(413);
    const base = studio().urls.http;
    for (const method of ['PATCH', 'DELETE']) {
      expect((await fetch(new URL(`/live/w/whip/${'0'.repeat(32)}`, base), { method, headers: { 'content-type': 'application/trickle-ice-sdpfrag' }, body: method === 'PATCH' ? 'a=candidate:1 1 udp 1 127.0.0.1 9 typ host\r\n' : undefined })).status).toBe(404);
      expect((await fetch(new URL('/live/w/whip/../../api/settings', base), { method })).status).toBe(404);
    }
    // Nothing is published after all that.
    expect((await studio().stream('live/w'))?.state ?? 'idle').not.toBe('publishing');
  }, 30_000);

  it('answers a real offer with loopback candidates, ends the session on DELETE, and bounds unconnected sessions per address', async () => {
    const res = await post('/live/whip-test/whip', await realOffer());
    expect(res.status, await res.clone().text()).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/sdp');
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/live\/whip-test\/whip\/[0-9a-f]{32}$/);
    const answer = await res.text();
    const candidates = answer.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
    expect(candidates.length).toBeGreaterThan(0);
    // The studio listens on 127.0.0.1 here: its answer names no other address.
    expect(candidates.every((c) => c.split(' ')[4] === '127.0.0.1')).toBe(true);
    expect(answer).toMatch(/a=rtpmap:\d+ (H264|VP8)\/90000/); // werift offers VP8 alone: taken, to be encoded to H.264
    // Trickled candidates are taken; a wrong stream name for the session is not.
    const trickle = (path: string) => fetch(new URL(path, studio().urls.http), { method: 'PATCH', headers: { 'content-type': 'application/trickle-ice-sdpfrag' }, body: 'a=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\n' });
    expect((await trickle(location)).status).toBe(204);
    expect((await trickle(location.replace('whip-test', 'other'))).status).toBe(404);
    expect((await fetch(new URL(location, studio().urls.http), { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(new URL(location, studio().urls.http), { method: 'DELETE' })).status).toBe(404);

    // Offers that never connect: four from one address at most, the fifth waits for them to go.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(`/live/pending-${i}/whip`, await realOffer())).status);
    expect(statuses).toEqual([201, 201, 201, 201, 503]);
    await until('the publish sessions begun', async () => (await studio().stream('live/pending-0'))?.state === 'publishing');
  }, 30_000);

  it('WHEP: 404 for a stream that is not live, 403 without the token of a protected one, 4xx for junk, 404 for unknown sessions', async () => {
    expect((await post('/live/nobody/whep', await realOffer())).status).toBe(404);
    const junk = await post('/live/nobody/whep', 'hello');
    expect(junk.status, await junk.clone().text()).toBe(400);
    expect((await post('/live/nobody/whep', 'v=0\r\n', 'text/plain')).status).toBe(415);
    expect((await post('/live/bad%20name/whep', await realOffer())).status).toBe(400);
    const protectedStream = await studio().api('/api/streams/live%2Fsecret', { method: 'PUT', body: JSON.stringify({ playToken: 'letmein1' }) });
    expect(protectedStream.status).toBeLessThan(300);
    expect((await post('/live/secret/whep', await realOffer())).status).toBe(403);
    expect((await post('/live/secret/whep?token=letmein1', await realOffer())).status).toBe(404); // admitted; not live
    expect((await fetch(new URL(`/live/nobody/whep/${'a'.repeat(32)}`, studio().urls.http), { method: 'DELETE' })).status).toBe(404);
  }, 30_000);

  it('takes UDP garbage on a session port (random, STUN-, DTLS- and RTP-looking datagrams) without a crash, and still answers', async () => {
    const res = await post('/live/garbage/whip', await realOffer());
    expect(res.status).toBe(201);
    const candidate = (await res.text()).split('\r\n').find((l) => l.startsWith('a=candidate:') && l.includes(' udp '))!;
    const port = Number(candidate.split(' ')[5]);
    expect(port).toBeGreaterThan(0);
    const socket = dgram.createSocket('udp4');
    const random = (n: number) => crypto.randomBytes(n);
    const kinds = [
      () => random(1 + crypto.randomInt(1400)),
      // STUN: a binding request header with the magic cookie and a length past the datagram.
      () => Buffer.concat([Buffer.from([0x00, 0x01, 0xff, 0xf0, 0x21, 0x12, 0xa4, 0x42]), random(12 + crypto.randomInt(100))]),
      // DTLS: handshake and application data records with lying lengths.
      () => Buffer.concat([Buffer.from([22, 0xfe, 0xfd]), random(10), Buffer.from([0xff, 0xff]), random(crypto.randomInt(200))]),
      () => Buffer.concat([Buffer.from([23, 0xfe, 0xfd]), random(crypto.randomInt(300))]),
      // RTP/RTCP version 2 headers over noise.
      () => Buffer.concat([Buffer.from([0x80, 96]), random(10 + crypto.randomInt(1200))]),
      () => Buffer.concat([Buffer.from([0x81, 200]), random(crypto.randomInt(100))]),
    ];
    for (let i = 0; i < 3000; i++) {
      socket.send(kinds[i % kinds.length]!(), port, '127.0.0.1');
      if (i % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 300));
    socket.close();
    expect((await fetch(new URL('/api/health', studio().urls.http))).status).toBe(200);
    expect((await post('/live/garbage-after/whip', await realOffer())).status).toBe(201);
  }, 30_000);
});
