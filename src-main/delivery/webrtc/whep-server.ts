// WHEP viewers: offers answered with the stream's H.264 and shared Opus, sessions ended by
// DELETE, by the viewer leaving, or when they never connect; bounded like WHIP.
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { peerConfig, type IceSettings } from '../../net/ice-candidates.js';
import { offerTakes, type RtpRelay } from '../../net/rtp-relay.js';
import { Problem } from '../../contract/problem.js';
import type { StreamHub } from '../../streams/stream-hub.js';
import type { ProcessRegistry } from '../../transcode/index.js';
import { OpusFeed } from './opus-feed.js';
import type { ViewerSource } from '../viewers/viewer-sessions.js';
import { WhepSession, type WhepMedia, type WhepStats } from './whep-session.js';

export interface WhepServerDeps {
  hub: (name: string) => StreamHub | undefined;
  processes: ProcessRegistry;
  ffmpegPath: () => string | null;
  log: Logger;
  ice: () => IceSettings;
  /** The media of a stream published over WebRTC now, forwarded to viewers as it is (WHIP gives it). */
  relay?: (name: string) => RtpRelay | null;
}

/** Viewers at once, studio-wide: each holds a UDP port (the shared range) and its share of the uplink. */
export const maxWhepViewers = 64;
const maxPendingPerAddress = 8;

export class WhepServer {
  private readonly sessions = new Map<string, WhepSession>();
  private readonly feeds = new Map<string, OpusFeed>();

  constructor(private readonly deps: WhepServerDeps) {}

  /** Connected and connecting viewers, for the Monitor. */
  viewers(name?: string): WhepStats[] {
    return [...this.sessions.values()].filter((s) => name === undefined || s.name === name).map((s) => s.stats());
  }

  /** The Monitor's viewer list: WebRTC viewers beside the HTTP ones (ViewerSessions.addSource). */
  asViewerSource(): ViewerSource {
    return {
      list: (stream) =>
        this.viewers(stream)
          .filter((v) => !v.preview)
          .map((v) => ({
          id: v.id,
          stream: v.stream,
          protocol: 'webrtc' as const,
          ip: v.remoteAddress ?? '',
          userAgent: v.userAgent,
          startedAt: new Date(v.startedAt).toISOString(),
          lastSeenAt: new Date().toISOString(),
          bytesSent: v.sentBytes,
          rttMs: v.rttMs,
          lossPercent: v.loss === null ? null : Math.round(v.loss * 1000) / 10,
        })),
      count: (stream) => {
        let n = 0;
        for (const s of this.sessions.values()) if (s.name === stream && !s.isPreview) n++;
        return n;
      },
      end: (id) => {
        const session = this.sessions.get(id);
        if (!session) return false;
        void session.close('ended by the admin');
        return true;
      },
    };
  }

  async offer(name: string, sdp: string, remoteAddress: string | null, userAgent = '', preview = false): Promise<{ id: string; answer: string }> {
    if (!/^v=0\r?\n/.test(sdp) || !/\r?\nm=(audio|video) /.test(sdp)) throw new Problem('invalid', 'Not an SDP offer', 'the body must be an SDP offer (application/sdp) with at least one audio or video section');
    if (this.sessions.size >= maxWhepViewers) throw new Problem('unavailable', 'Too many WebRTC viewers', `${maxWhepViewers} WHEP sessions are open already; HLS still plays`);
    const pending = [...this.sessions.values()].filter((s) => !s.isConnected && s.remoteAddress === remoteAddress).length;
    if (pending >= maxPendingPerAddress) throw new Problem('unavailable', 'Too many unconnected sessions', `${remoteAddress ?? 'this address'} has ${pending} WHEP sessions that have not connected yet`);
    const media = this.mediaFor(name, sdp);
    const ice = this.deps.ice();
    const id = crypto.randomBytes(16).toString('hex');
    const session = new WhepSession(id, name, remoteAddress, userAgent.slice(0, 300), preview, media, { log: this.deps.log, peer: peerConfig(ice), candidateHosts: ice.hosts, connectTimeoutMs: ice.connectTimeoutMs });
    this.sessions.set(id, session);
    void session.done.then(() => {
      this.sessions.delete(id);
      const feed = this.feeds.get(name);
      if (feed && feed.listening === 0) this.feeds.delete(name);
    });
    try {
      return { id, answer: await session.answer(sdp) };
    } catch (error) {
      await session.close('the offer could not be answered');
      throw new Problem('invalid', 'Offer not accepted', error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * A WebRTC publisher's packets when the viewer's offer takes its codecs (the lowest
   * latency: nothing decoded or re-encoded); otherwise the hub's H.264 and shared Opus.
   */
  private mediaFor(name: string, sdp: string): WhepMedia {
    const relay = this.deps.relay?.(name) ?? null;
    if (relay && [relay.video, relay.audio].every((track) => !track || offerTakes(sdp, track.codec))) return { kind: 'relay', relay };
    const hub = this.deps.hub(name);
    if (!hub?.tracks) throw new Problem('not-found', 'Not live', `${name} is not live now`);
    const video = hub.tracks.find((t) => t.kind === 'video');
    // Browsers take H.264 over WebRTC everywhere; HEVC and AV1 streams play by HLS (or a ladder's H.264 rendition).
    if (video && video.codec !== 'h264') throw new Problem('unsupported', 'Not H.264', `${name} is ${video.codec.toUpperCase()}; WebRTC viewers get H.264 only (watch it by HLS)`);
    // WebRTC decoders take pictures in the order they are shown: reordered ones (B-frames) stutter or break.
    if (video && hub.stats.bFrames) throw new Problem('unsupported', 'B-frames', `${name} has B-frames, which WebRTC cannot play; watch it by HLS, or set the encoder's B-frames to 0 (OBS: x264 options bframes=0)`);
    return { kind: 'hub', hub, opus: this.feed(name, hub) };
  }

  async end(name: string, id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session || session.name !== name) throw new Problem('not-found', 'No such WHEP session', `no WebRTC viewer ${id.slice(0, 8)}… of ${name}`);
    await session.close('the viewer ended the session (DELETE)');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.close('the studio is stopping')));
    for (const feed of this.feeds.values()) feed.close();
    this.feeds.clear();
  }

  /** The stream's Opus, one encoder for all its viewers (a new one if the hub was replaced). */
  private feed(name: string, hub: StreamHub): OpusFeed {
    let feed = this.feeds.get(name);
    if (!feed || feed.hubOf !== hub) {
      feed?.close();
      feed = new OpusFeed(hub, { processes: this.deps.processes, ffmpegPath: this.deps.ffmpegPath, log: this.deps.log });
      this.feeds.set(name, feed);
    }
    return feed;
  }
}
