import { describe, expect, it } from 'vitest';
import { keepCandidates, parseIceServers, peerConfig, trickledCandidates, withoutMdnsCandidates } from './ice-candidates.js';
import { offerTakes } from './rtp-relay.js';
import { RTCRtpCodecParameters } from 'werift';

const answer = [
  'v=0',
  'a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host',
  'a=candidate:2 1 udp 2130706431 192.168.1.20 50001 typ host',
  'a=candidate:3 1 tcp 1671430143 127.0.0.1 50002 typ host tcptype passive',
  'a=candidate:4 1 udp 1694498815 203.0.113.7 61000 typ srflx raddr 192.168.1.20 rport 50001',
  'a=candidate:5 1 udp 16777215 198.51.100.9 49152 typ relay raddr 203.0.113.7 rport 61000',
  '',
].join('\r\n');

describe('ICE candidates', () => {
  it('keeps host candidates on the listening addresses, and every STUN or TURN one', () => {
    const kept = keepCandidates(answer, ['127.0.0.1']);
    expect(kept).toContain('127.0.0.1 50000 typ host');
    expect(kept).toContain('127.0.0.1 50002 typ host tcptype passive');
    expect(kept).not.toContain('192.168.1.20 50001 typ host');
    expect(kept).toContain('typ srflx');
    expect(kept).toContain('typ relay');
    expect(keepCandidates(answer, null)).toBe(answer);
  });

  it('drops the mDNS names browsers hide their addresses behind, in offers and trickled fragments', () => {
    const offer = 'v=0\r\na=candidate:1 1 udp 1 3f1c2b9e-1111-4a2b-9c3d-abcdefabcdef.local 50000 typ host\r\na=candidate:2 1 udp 1 127.0.0.1 50001 typ host\r\n';
    expect(withoutMdnsCandidates(offer)).not.toContain('.local');
    expect(trickledCandidates(offer)).toEqual(['a=candidate:2 1 udp 1 127.0.0.1 50001 typ host']);
  });

  it('a studio on loopback binds its sessions there and pairs with loopback peers only: a LAN candidate in an offer is never tried', () => {
    const config = peerConfig({ portRange: [50_000, 50_099], hosts: ['127.0.0.1'], servers: [], connectTimeoutMs: 20_000 });
    expect(config.iceInterfaceAddresses).toEqual({ udp4: '127.0.0.1' });
    const filter = config.iceFilterCandidatePair!;
    const pair = (host: string) => ({ remoteCandidate: { host } }) as Parameters<typeof filter>[0];
    expect(filter(pair('127.0.0.1'))).toBe(true);
    expect(filter(pair('192.168.1.30'))).toBe(false);
    // Bound to a LAN address: sessions there, any peer.
    const lan = peerConfig({ portRange: [50_000, 50_099], hosts: ['192.168.1.20'], servers: [], connectTimeoutMs: 20_000 });
    expect(lan.iceInterfaceAddresses).toEqual({ udp4: '192.168.1.20' });
    expect(lan.iceFilterCandidatePair).toBeUndefined();
    // On every interface (the LAN switch on): every interface, loopback added.
    const all = peerConfig({ portRange: [50_000, 50_099], hosts: null, servers: [], connectTimeoutMs: 20_000 });
    expect(all.iceInterfaceAddresses).toBeUndefined();
    expect(all.iceAdditionalHostAddresses).toEqual(['127.0.0.1']);
  });

  it('reads STUN and TURN URLs, with TURN credentials before the host', () => {
    expect(parseIceServers(['stun:stun.example.org:3478', 'turn:alice:s3cr3t@turn.example.org:3478?transport=tcp'])).toEqual([
      { urls: 'stun:stun.example.org:3478' },
      { urls: 'turn:turn.example.org:3478?transport=tcp', username: 'alice', credential: 's3cr3t' },
    ]);
    expect(() => parseIceServers(['http://example.org'])).toThrow(/not a stun: or turn: URL/);
  });

  it('a relayed codec is offered to a viewer only when its offer has that codec', () => {
    const vp8 = new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90_000 });
    expect(offerTakes('v=0\r\na=rtpmap:96 VP8/90000\r\n', vp8)).toBe(true);
    expect(offerTakes('v=0\r\na=rtpmap:96 H264/90000\r\n', vp8)).toBe(false);
    const opus = new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 });
    expect(offerTakes('v=0\r\na=rtpmap:111 opus/48000/2\r\n', opus)).toBe(true);
    // H.264: the publisher's profile and packetization mode must be among the offer's.
    const h264 = new RTCRtpCodecParameters({ mimeType: 'video/H264', clockRate: 90_000, parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f' });
    const offer = (fmtp: string) => `v=0\r\na=rtpmap:102 H264/90000\r\na=fmtp:102 ${fmtp}\r\na=rtpmap:96 VP8/90000\r\n`;
    expect(offerTakes(offer('level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f'), h264)).toBe(true);
    expect(offerTakes(offer('level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640c1f'), h264)).toBe(false);
    expect(offerTakes(offer('level-asymmetry-allowed=1;profile-level-id=42e01f'), h264)).toBe(false);
  });
});
