import { partTargetSlackMs, type LiveSegment, type LiveWindow } from './live-window.js';

/** File names of a live window; a rendition's carry its name first (`240p_l-5.m4s`). */
export const liveUris = (prefix = '') => ({
  init: (id: number) => `${prefix}l-init-${id}.mp4`,
  segment: (msn: number) => `${prefix}l-${msn}.m4s`,
  part: (msn: number, part: number) => `${prefix}l-${msn}.${part}.m4s`,
});

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * The live playlist of a window: a plain HLS playlist that also carries the low-latency
 * tags (RFC 8216bis 4.4.4.9, 4.4.5.3): parts of the newest segments, a preload hint for
 * the next part, and the server control that allows blocking reloads. Older clients read
 * the segments and ignore the rest. `query` (e.g. "?token=…") is added to every URI.
 */
export function buildLivePlaylist(window: LiveWindow, query = '', prefix = ''): string {
  const { partTargetMs } = window;
  const uris = liveUris(prefix);
  const target = window.targetDurationS;
  const segments = window.segments.filter((s) => s.parts.length > 0);
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${target}`,
    // Three parts behind the edge (the specification's minimum is two): a late part does not stall the player.
    `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${seconds(partTargetMs * 3)},HOLD-BACK=${seconds(target * 3000)}`,
    `#EXT-X-PART-INF:PART-TARGET=${seconds(partTargetMs + partTargetSlackMs)}`,
    `#EXT-X-MEDIA-SEQUENCE:${segments[0]?.msn ?? 0}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${window.discontinuitySequence}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  const end = segments.reduce((t, s) => Math.max(t, s.startMs + s.durationMs), 0);
  // Parts are listed for the last three target durations only, as the specification asks.
  const partsFrom = end - target * 3000;
  let previous: LiveSegment | null = null;
  for (const segment of segments) {
    if (previous && segment.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (previous?.init !== segment.init) lines.push(`#EXT-X-MAP:URI="${uris.init(segment.init.id)}${query}"`);
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(segment.startMs).toISOString()}`);
    if (!segment.complete || segment.startMs + segment.durationMs > partsFrom) {
      segment.parts.forEach((part, i) => {
        lines.push(`#EXT-X-PART:DURATION=${seconds(part.durationMs)},URI="${uris.part(segment.msn, i)}${query}"${part.independent ? ',INDEPENDENT=YES' : ''}`);
      });
    }
    if (segment.complete) {
      lines.push(`#EXTINF:${seconds(segment.durationMs)},`, `${uris.segment(segment.msn)}${query}`);
    }
    previous = segment;
  }
  const hint = nextPart(window);
  if (hint) lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${uris.part(hint.msn, hint.part)}${query}"`);
  return `${lines.join('\n')}\n`;
}

/**
 * The part the packager will publish next, when its playlist position is already known:
 * the next part of the open segment. (After a segment closes, the next one is open at
 * once, its first frame in hand.)
 */
export function nextPart(window: LiveWindow): { msn: number; part: number } | null {
  const open = window.open;
  if (!open) return null;
  // A first part whose init or continuity differs from what precedes it needs tags a hint cannot carry.
  if (open.parts.length === 0) {
    const previous = window.segment(open.msn - 1);
    if (!previous || previous.init !== open.init || open.discontinuity) return null;
  }
  return { msn: open.msn, part: open.parts.length };
}
