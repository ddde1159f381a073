import type { SegmentRecord } from '../../dvr/dvr-index.js';

export type PlaylistKind = 'live' | 'event' | 'vod';

export interface PlaylistInput {
  kind: PlaylistKind;
  segments: readonly SegmentRecord[];
  /** URL of a segment, relative to the playlist. */
  segmentUri: (segment: SegmentRecord) => string;
  /** URL of an init segment by its index id, relative to the playlist. */
  initUri: (initId: number) => string;
}

/** Two segments further apart than this are separated by a gap: players must not glue them together. */
const gapMs = 500;

/**
 * A CMAF media playlist (RFC 8216bis): EXT-X-MAP for each init, PROGRAM-DATE-TIME on
 * every segment (players and middleware map positions to wall-clock time with it),
 * and a discontinuity wherever the init changes, the recorder marked one, or the
 * recording has a gap. Live playlists carry the media and discontinuity sequence
 * numbers the index keeps, so a sliding window stays consistent between reloads.
 */
export function buildMediaPlaylist(input: PlaylistInput): string {
  const { segments } = input;
  const longest = segments.reduce((m, s) => Math.max(m, s.durationMs), 1000);
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', `#EXT-X-TARGETDURATION:${Math.ceil(longest / 1000)}`, '#EXT-X-INDEPENDENT-SEGMENTS'];
  const first = segments[0];
  if (input.kind === 'live') {
    lines.push(`#EXT-X-MEDIA-SEQUENCE:${first?.seq ?? 0}`);
    lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${first ? (first.dseq ?? 0) : 0}`);
  } else {
    lines.push('#EXT-X-MEDIA-SEQUENCE:0', `#EXT-X-PLAYLIST-TYPE:${input.kind === 'vod' ? 'VOD' : 'EVENT'}`);
  }
  let previous: SegmentRecord | null = null;
  for (const segment of segments) {
    const newInit = !previous || previous.initId !== segment.initId;
    if (previous) {
      const gap = segment.startMs - (previous.startMs + previous.durationMs) > gapMs;
      if (newInit || segment.discontinuity || gap) lines.push('#EXT-X-DISCONTINUITY');
    }
    if (newInit) lines.push(`#EXT-X-MAP:URI="${input.initUri(segment.initId)}"`);
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(segment.startMs).toISOString()}`);
    lines.push(`#EXTINF:${(segment.durationMs / 1000).toFixed(3)},`);
    lines.push(input.segmentUri(segment));
    previous = segment;
  }
  if (input.kind === 'vod') lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}
