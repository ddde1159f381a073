// ICE for the WebRTC sessions (WHIP, WHEP): the peer settings they share, and candidates
// in SDP (RFC 8839) as they filter them.
import type { PeerConfig } from 'werift';

/** Where sessions listen: the UDP port range, and the addresses candidates may name (null: every interface). */
export interface IceSettings {
  portRange: [number, number];
  hosts: readonly string[] | null;
}

/** werift's peer settings for these: IPv4, ports from the range, loopback offered when the studio listens there. */
export function peerConfig(ice: IceSettings): Partial<PeerConfig> {
  // Loopback is not gathered by default; a studio listening there (tests, this machine only) offers it.
  return { icePortRange: ice.portRange, iceUseIpv6: false, iceAdditionalHostAddresses: ice.hosts?.filter((h) => h.startsWith('127.')) ?? ['127.0.0.1'] };
}

const isCandidate = (line: string) => line.startsWith('a=candidate:');
/** A candidate naming an mDNS host (…local): browsers hide their addresses this way. */
const isMdns = (line: string) => isCandidate(line) && /\s\S+\.local\s/.test(line);

/**
 * The offer without mDNS candidates: werift would look them up by multicast on the LAN;
 * the peer's connectivity checks reach the studio anyway (peer-reflexive candidates).
 */
export function withoutMdnsCandidates(sdp: string): string {
  return sdp
    .split(/\r?\n/)
    .filter((line) => !isMdns(line))
    .join('\r\n');
}

/** Candidate lines of a trickle fragment (RFC 8840) the studio takes: all but mDNS ones. */
export function trickledCandidates(fragment: string): string[] {
  return fragment.split(/\r?\n/).filter((line) => isCandidate(line) && !isMdns(line));
}

/** The SDP with only the candidates on the given addresses (all when null). */
export function keepCandidates(sdp: string, hosts: readonly string[] | null): string {
  if (!hosts) return sdp;
  return sdp
    .split('\r\n')
    .filter((line) => {
      if (!isCandidate(line)) return true;
      const address = line.split(' ')[4];
      return address !== undefined && hosts.includes(address);
    })
    .join('\r\n');
}
