// Multi-bitrate Smooth / CMAF ingest: an encoder posts each bitrate as its own
// Streams(ID) at once. The first POST of a stream is the stream itself; each further one
// carrying pictures becomes a rendition of it (NAME/360p, as the transcoding ladder names
// its own), with a hub of its own that the live packager serves and the stream's
// multivariant playlist lists beside the source.
import type { Logger } from 'pino';
import type { VideoTrack } from '../../media/index.js';
import { Problem } from '../../contract/problem.js';
import { renditionNamePattern } from '../../contract/stream-name.js';
import type { Variant } from '../../delivery/hls/master-playlist.js';
import { StreamHub, type SourceSession } from '../../streams/stream-hub.js';

/** Bitrates one stream takes besides its first. */
const maxRenditions = 8;

interface Rendition {
  name: string;
  id: string;
  hub: StreamHub;
  session: SourceSession;
  /** Ends the bitrate's POST (its stream ended). */
  cut: () => void;
}

export class SmoothRenditions {
  /** stream → rendition name → rendition */
  private readonly byStream = new Map<string, Map<string, Rendition>>();

  constructor(private readonly log: Logger) {}

  /**
   * A session for a further bitrate of a live stream, named once its tracks are known
   * (by picture height): `setTracks` names it and throws a Problem when it cannot be one.
   */
  join(stream: string, id: string, remoteAddress: string | null, cut: () => void): SourceSession & { name(): string | null } {
    const mine = this.byStream.get(stream) ?? new Map<string, Rendition>();
    this.byStream.set(stream, mine);
    let rendition: Rendition | null = null;
    const forget = () => {
      if (rendition && mine.get(rendition.name) === rendition) mine.delete(rendition.name);
      // Only this session's map: a bitrate left from an earlier session never clears a newer one's.
      if (mine.size === 0 && this.byStream.get(stream) === mine) this.byStream.delete(stream);
    };
    return {
      name: () => rendition?.name ?? null,
      get active() {
        return rendition?.session.active ?? true;
      },
      setTracks: (tracks) => {
        if (rendition) return rendition.session.setTracks(tracks);
        const video = tracks.find((t): t is VideoTrack => t.kind === 'video');
        if (!video) throw new Problem('unsupported', 'No picture', `Streams(${id}) carries no video: send the sound in the same POST as a bitrate's pictures`);
        if (mine.size >= maxRenditions) throw new Problem('too-large', 'Too many bitrates', `${stream} takes at most ${maxRenditions + 1} bitrates`);
        let name = `${video.height}p`;
        for (let n = 2; mine.has(name); n++) name = `${video.height}p-${n}k`;
        if (!renditionNamePattern.test(name)) throw new Problem('unsupported', 'Picture too small', `a rendition is named by its height (e.g. 360p): ${video.height} lines is too few`);
        const hub = new StreamHub(`${stream}/${name}`, this.log.child({ stream, rendition: name }), () => undefined);
        const session = hub.beginSession({ protocol: 'fmp4-http', remoteAddress, sourceUrl: null, kick: cut }, 'publishing');
        rendition = { name, id, hub, session, cut };
        mine.set(name, rendition);
        session.setTracks(tracks);
        this.log.info({ stream, rendition: name }, `smooth: Streams(${id}) joins ${stream} as ${name}`);
      },
      pushFrame: (frame) => rendition?.session.pushFrame(frame),
      countError: (kind, n) => rendition?.session.countError(kind, n),
      end: (reason, lost) => {
        rendition?.session.end(reason, lost);
        rendition?.hub.close(reason);
        forget();
      },
    };
  }

  rendition(stream: string, rendition: string): StreamHub | undefined {
    return this.byStream.get(stream)?.get(rendition)?.hub;
  }

  /** The stream's variants (its own hub first), or null when no further bitrate is posted. */
  variants(stream: string, source: StreamHub | undefined, now = Date.now()): { variants: Variant[]; pending: number } | null {
    const mine = this.byStream.get(stream);
    if (!mine || mine.size === 0 || !source?.tracks) return null;
    const variant = (hub: StreamHub, uri: string): Variant | null => {
      if (!hub.tracks) return null;
      const rate = hub.stats.bitrate(now);
      const fps = hub.tracks.find((t): t is VideoTrack => t.kind === 'video')?.declaredFps ?? null;
      return { uri, bandwidth: Math.max(rate.last1s, rate.last10s) * 1.2, averageBandwidth: rate.last10s, tracks: hub.tracks, frameRate: fps };
    };
    const list = [variant(source, 'source.m3u8'), ...[...mine.values()].map((r) => variant(r.hub, `${r.name}.m3u8`))].filter((v): v is Variant => v !== null);
    return { variants: list, pending: 0 };
  }

  /** The stream ended: its further bitrates end with it. */
  endAll(stream: string, reason: string): void {
    for (const r of this.byStream.get(stream)?.values() ?? []) {
      r.session.end(reason);
      r.hub.close(reason);
      r.cut();
    }
    this.byStream.delete(stream);
  }
}
