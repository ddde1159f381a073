// A thousand WebRTC offers that never connect (the half-open flood the issue names): the
// studio holds 32 sessions at most, refuses the rest with 503, keeps answering, and frees
// every unconnected session when its connect timeout runs out (here 5 s, longer than the
// flood takes even on a loaded machine; 20 s by default).
import http from 'node:http';
import { RTCPeerConnection } from 'werift';
import { afterAll, describe, expect, it } from 'vitest';
import { keepCandidates } from '../../net/ice-candidates.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { until } from '../../test-support/wait.js';

const studio = useStudio({ webrtcConnectSeconds: 5 });
const peers: RTCPeerConnection[] = [];
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
});

describe('WebRTC sessions that never connect', () => {
  it('1000 offers from 250 addresses: 32 sessions at most, the rest 503, all freed by the connect timeout', async () => {
    const pc = new RTCPeerConnection({ iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'], iceInterfaceAddresses: { udp4: '127.0.0.1' } });
    peers.push(pc);
    pc.addTransceiver('video', { direction: 'sendonly' });
    pc.addTransceiver('audio', { direction: 'sendonly' });
    await pc.setLocalDescription(await pc.createOffer());
    // One offer, posted a thousand times: each POST is a new session the studio must answer or refuse. It never connects.
    const offer = keepCandidates(pc.localDescription!.sdp, ['127.0.0.1']);
    const url = new URL(studio().urls.http);
    // Other hosts publish with the studio's publish key (as a Bearer token, what OBS sends).
    const { publishKey } = ((await (await studio().api('/api/settings')).json()) as { settings: { publishKey: string } }).settings;
    const from = (address: string, i: number) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: Number(url.port), path: `/live/flood-${i}/whip`, method: 'POST', localAddress: address, headers: { 'content-type': 'application/sdp', authorization: `Bearer ${publishKey}` } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(offer);
      });
    const started = Date.now();
    const statuses: number[] = [];
    for (let round = 0; round < 20; round++) {
      statuses.push(...(await Promise.all(Array.from({ length: 50 }, (_, a) => from(`127.0.0.${2 + ((round * 50 + a) % 250)}`, round * 50 + a)))));
    }
    // Sessions answered in the first moments would be freed (and their slots taken again) if the flood outlasted the timeout.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(new Set(statuses)).toEqual(new Set([201, 503]));
    expect(statuses.filter((s) => s === 201)).toHaveLength(32);
    expect(statuses.filter((s) => s === 503)).toHaveLength(968);
    expect((await fetch(new URL('/api/health', studio().urls.http))).status).toBe(200);

    // Every one of them is freed by its timeout: the streams they claimed are idle again, and new offers are answered.
    const accepted = statuses.flatMap((s, i) => (s === 201 ? [`live/flood-${i}`] : []));
    await until('the unconnected sessions freed', async () => {
      for (const name of accepted) if ((await studio().stream(name))?.state === 'publishing') return false;
      return true;
    }, 15_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await Promise.all(Array.from({ length: 32 }, (_, i) => from(`127.0.0.${2 + (i % 8)}`, 2000 + i)))).toEqual(Array(32).fill(201));
  }, 60_000);
});
