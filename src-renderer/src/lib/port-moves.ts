// Words for the listeners whose port moved at start-up because another program held the
// one they wanted: what happened, and where encoders and browsers must point now.
import type { PortMove } from '../../../src-main/contract/studio-api';
import { hostPart } from './publish-url';

export interface PortMoveMessage {
  listener: PortMove['listener'];
  text: string;
  /** The address to give encoders or browsers now. */
  url: string;
}

export interface PortMoveContext {
  /** The host name encoders and browsers reach the studio by (the page's own, when the studio listens on all addresses). */
  host: string;
  /** The RTMP application OBS publishes to: the first folder of the publish prefix ("live"). */
  app: string;
}

const names: Record<PortMove['listener'], string> = { http: 'HTTP', https: 'HTTPS', rtmp: 'RTMP', srt: 'SRT' };

/** "::1" → "[::1]": an IPv6 address inside a URL. */
/** The address a moved listener is reached by now. */
export function movedUrl(move: PortMove, ctx: PortMoveContext): string {
  const host = hostPart(ctx.host);
  switch (move.listener) {
    case 'rtmp':
      return `rtmp://${host}:${move.port}/${ctx.app}`;
    case 'srt':
      return `srt://${host}:${move.port}`;
    case 'http':
      return `http://${host}:${move.port}/`;
    case 'https':
      return `https://${host}:${move.port}/`;
  }
}

/** One sentence per moved port, in a stable order (HTTP, HTTPS, RTMP, SRT); ports that did not really move are left out. */
export function portMoveMessages(moves: readonly PortMove[], ctx: PortMoveContext): PortMoveMessage[] {
  const order: PortMove['listener'][] = ['http', 'https', 'rtmp', 'srt'];
  return moves
    .filter((move) => move.port !== move.wanted && order.includes(move.listener))
    .toSorted((a, b) => order.indexOf(a.listener) - order.indexOf(b.listener))
    .map((move) => {
      const url = movedUrl(move, ctx);
      const what = `${names[move.listener]} port ${move.wanted} was in use by another program, so the studio took ${move.port}`;
      const next = {
        rtmp: `point OBS at ${url}`,
        srt: `point SRT encoders at ${url}`,
        http: `the studio is at ${url} (update bookmarks and other browsers)`,
        https: `phones and other hosts reach it at ${url}`,
      }[move.listener];
      return { listener: move.listener, text: `${what}: ${next}`, url };
    });
}

/** Identifies a set of moves, so a banner dismissed for them stays away until the ports move differently. */
export function portMovesKey(moves: readonly PortMove[]): string {
  return moves
    .map((m) => `${m.listener}:${m.wanted}>${m.port}`)
    .toSorted()
    .join(',');
}

/** The answer's portMoves when it is a list of well-formed moves (an older server sends none). */
export function readPortMoves(value: unknown): PortMove[] {
  if (!Array.isArray(value)) return [];
  return value.filter((m): m is PortMove => {
    if (typeof m !== 'object' || m === null) return false;
    const move = m as Record<string, unknown>;
    return ['http', 'https', 'rtmp', 'srt'].includes(move.listener as string) && Number.isInteger(move.wanted) && Number.isInteger(move.port);
  });
}
