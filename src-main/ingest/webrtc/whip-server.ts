// WHIP (RFC 9725) sessions: offers answered, trickled candidates added, sessions ended by
// DELETE, by the publisher leaving, or when they never connect. Bounded: a publisher
// cannot hold more than a few sessions, nor the whole studio more than `maxSessions`.
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { peerConfig, type IceSettings } from '../../net/ice-candidates.js';
import { Problem } from '../../contract/problem.js';
import type { RtpRelay } from '../../net/rtp-relay.js';
import type { ProcessRegistry } from '../../transcode/index.js';
import type { PublishGate } from '../publish-gate.js';
import { WhipSession } from './whip-session.js';

export interface WhipServerDeps {
  gate: PublishGate;
  processes: ProcessRegistry;
  ffmpegPath: () => string | null;
  /** Resolves once ffmpeg has been looked for. */
  ffmpegKnown: () => Promise<unknown>;
  log: Logger;
  /** ICE: the UDP port range and the addresses candidates may name (null: every interface). */
  ice: () => IceSettings;
  /** Seconds between the keyframes a publisher is asked for (the DVR segment target). */
  keyframeSeconds: () => number;
}

/** Sessions at once, studio-wide (each holds a UDP port and an ffmpeg). */
export const maxWhipSessions = 32;
/** Sessions not yet connected, from one address. */
const maxPendingPerAddress = 4;
/** An offer larger than this is not a WebRTC offer (Chromium's, with every codec, is about 6 KB). */
export const maxOfferBytes = 64 << 10;

export interface WhipOffer {
  name: string;
  sdp: string;
  remoteAddress: string | null;
  password: string | null;
}

export class WhipServer {
  private readonly sessions = new Map<string, WhipSession>();

  constructor(private readonly deps: WhipServerDeps) {}

  get count(): number {
    return this.sessions.size;
  }

  /** Answers an offer: the session's id (its URL) and the SDP answer. Throws a Problem when it cannot. */
  async offer(offer: WhipOffer): Promise<{ id: string; answer: string }> {
    if (!/^v=0\r?\n/.test(offer.sdp) || !/\r?\nm=(audio|video) /.test(offer.sdp)) throw new Problem('invalid', 'Not an SDP offer', 'the body must be an SDP offer (application/sdp) with at least one audio or video section');
    if (this.sessions.size >= maxWhipSessions) throw new Problem('unavailable', 'Too many WebRTC publishers', `${maxWhipSessions} WHIP sessions are open already`);
    const pending = [...this.sessions.values()].filter((s) => !s.isConnected && s.remoteAddress === offer.remoteAddress).length;
    if (pending >= maxPendingPerAddress) throw new Problem('unavailable', 'Too many unconnected sessions', `${offer.remoteAddress ?? 'this address'} has ${pending} WHIP sessions that have not connected yet`);
    const hookSays = (await this.deps.gate.authorize?.({ name: offer.name, protocol: 'whip', remoteAddress: offer.remoteAddress, password: offer.password })) ?? null;
    if (hookSays !== null) throw new Problem('refused', 'Publish refused', hookSays);
    const id = crypto.randomBytes(16).toString('hex');
    let session: WhipSession | null = null;
    const answer = this.deps.gate.requestPublish({ name: offer.name, protocol: 'whip', remoteAddress: offer.remoteAddress, password: offer.password, kick: (reason) => void session?.close(reason) });
    if (!answer.ok) throw new Problem(answer.reason.includes('already being published') ? 'conflict' : 'refused', 'Publish refused', answer.reason);
    const ice = this.deps.ice();
    session = new WhipSession(id, offer.name, offer.remoteAddress, answer.session, { processes: this.deps.processes, ffmpegPath: this.deps.ffmpegPath, ffmpegKnown: this.deps.ffmpegKnown, log: this.deps.log, peer: peerConfig(ice), candidateHosts: ice.hosts, connectTimeoutMs: ice.connectTimeoutMs, keyframeIntervalMs: () => this.deps.keyframeSeconds() * 1000 });
    this.sessions.set(id, session);
    void session.done.then(() => this.sessions.delete(id));
    try {
      return { id, answer: await session.answer(offer.sdp) };
    } catch (error) {
      await session.close('the offer could not be answered', false);
      throw new Problem('invalid', 'Offer not accepted', error instanceof Error ? error.message : String(error));
    }
  }

  /** The media of the browser (or OBS) publishing `name` now, for WebRTC viewers to get as it is. */
  relayOf(name: string): RtpRelay | null {
    for (const session of this.sessions.values()) {
      if (session.name !== name) continue;
      const relay = session.relay();
      if (relay) return relay;
    }
    return null;
  }

  /** The session of stream `name` with this id, or a Problem. */
  private find(name: string, id: string): WhipSession {
    const session = this.sessions.get(id);
    // Ids are 128 random bits: one that does not match its stream is treated as unknown.
    if (!session || session.name !== name || session.isClosed) throw new Problem('not-found', 'No such WHIP session', `no WebRTC session ${id.slice(0, 8)}… publishing ${name}`);
    return session;
  }

  async trickle(name: string, id: string, fragment: string): Promise<void> {
    await this.find(name, id).addCandidates(fragment);
  }

  async end(name: string, id: string): Promise<void> {
    await this.find(name, id).close('the publisher ended the session (DELETE)');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.close('the studio is stopping')));
  }
}
