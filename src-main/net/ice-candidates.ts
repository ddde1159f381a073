// ICE for the WebRTC sessions (WHIP, WHEP): the peer settings they share, and candidates
// in SDP (RFC 8839) as they filter them.
import type { PeerConfig } from 'werift';

/** Where sessions listen: the port range, the addresses host candidates may name (null: every interface), STUN/TURN servers. */
export interface IceSettings {
  portRange: [number, number];
  hosts: readonly string[] | null;
  servers: readonly IceServer[];
  /** A peer that has not connected this long after its answer is dropped. */
  connectTimeoutMs: number;
}

export interface IceServer {
  urls: string;
  username?: string;
  credential?: string;
}

const isLoopback = (address: string) => address.startsWith('127.') || address === '::1';

/**
 * werift's peer settings for these: IPv4 UDP on ports from the range. A studio bound to
 * one address binds its sessions' sockets there alone (on loopback, nothing can leave
 * the machine: a browser's LAN candidates are not even tried); bound to every
 * interface, sessions gather on each, with loopback added for this machine's browsers.
 */
export function peerConfig(ice: IceSettings): Partial<PeerConfig> {
  const bound = ice.hosts?.find((h) => !h.includes(':'));
  return {
    icePortRange: ice.portRange,
    iceUseIpv6: false,
    ...(bound ? { iceInterfaceAddresses: { udp4: bound } } : {}),
    ...(bound && isLoopback(bound) ? { iceFilterCandidatePair: (pair) => isLoopback(pair.remoteCandidate.host) } : {}),
    // Loopback is not gathered by default; offered when the studio listens there or on every interface.
    iceAdditionalHostAddresses: bound ? (isLoopback(bound) ? [bound] : []) : ['127.0.0.1'],
    iceServers: ice.servers.map((server) => ({ ...server })),
    // An unreachable STUN server must not hold every answer for werift's default 5 s.
    iceStunGatherTimeout: 2,
  };
}

/**
 * The STUN/TURN setting: one URL per entry, TURN credentials before the host
 * (`turn:user:secret@turn.example.com:3478?transport=udp`), as RTCIceServer objects.
 * werift uses the first STUN and the first TURN server of the list.
 */
export function parseIceServers(entries: readonly string[]): IceServer[] {
  return entries.map((entry) => {
    const match = /^(stuns?|turns?):(?:([^:@\s]+):([^@\s]+)@)?(\S+)$/.exec(entry.trim());
    if (!match) throw new Error(`${entry}: not a stun: or turn: URL`);
    const [, scheme, username, credential, rest] = match;
    return username ? { urls: `${scheme}:${rest}`, username, credential } : { urls: `${scheme}:${rest}` };
  });
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

/** The SDP with only the host candidates on the given addresses (all when null); STUN and TURN ones (srflx, relay) stay. */
export function keepCandidates(sdp: string, hosts: readonly string[] | null): string {
  if (!hosts) return sdp;
  return sdp
    .split('\r\n')
    .filter((line) => {
      if (!isCandidate(line)) return true;
      const fields = line.split(' ');
      const address = fields[4];
      if (fields[7] !== 'host') return true;
      return address !== undefined && hosts.includes(address);
    })
    .join('\r\n');
}
