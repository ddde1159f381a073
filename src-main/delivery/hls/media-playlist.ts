import type { PlaylistSegment } from '../../dvr/dvr-index.js';

export type PlaylistKind = 'live' | 'event' | 'vod';

export interface PlaylistInput {
  kind: PlaylistKind;
  segments: readonly PlaylistSegment[];
  /** URL of a segment, relative to the playlist. */
  segmentUri: (segment: PlaylistSegment) => string;
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
  // One growing string: a day of segments is 130 000 lines, and joining an array of them costs more.
  let text = `${lines.join('\n')}\n`;
  let previous: PlaylistSegment | null = null;
  for (const segment of segments) {
    const newInit = !previous || previous.initId !== segment.initId;
    if (previous) {
      const gap = segment.startMs - (previous.startMs + previous.durationMs) > gapMs;
      if (newInit || segment.discontinuity || gap) text += '#EXT-X-DISCONTINUITY\n';
    }
    if (newInit) text += `#EXT-X-MAP:URI="${input.initUri(segment.initId)}"\n`;
    text += `#EXT-X-PROGRAM-DATE-TIME:${isoTime(segment.startMs)}\n#EXTINF:${milliseconds(segment.durationMs)},\n${input.segmentUri(segment)}\n`;
    previous = segment;
  }
  if (input.kind === 'vod') text += '#EXT-X-ENDLIST\n';
  return text;
}

/** Whole milliseconds as seconds with three decimals, without toFixed's cost. */
function milliseconds(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const rest = ms - whole * 1000;
  return `${whole}.${rest < 10 ? '00' : rest < 100 ? '0' : ''}${rest}`;
}

let cachedMinute = Number.NaN;
let cachedPrefix = '';

/**
 * Date.toISOString for consecutive times: the text up to the minute is reused while it
 * holds, which makes a day of PROGRAM-DATE-TIME lines several times cheaper.
 */
export function isoTime(ms: number): string {
  const minute = Math.floor(ms / 60_000);
  if (minute !== cachedMinute) {
    cachedMinute = minute;
    cachedPrefix = new Date(minute * 60_000).toISOString().slice(0, 17);
  }
  const withinMinute = ms - minute * 60_000;
  const seconds = Math.floor(withinMinute / 1000);
  const millis = withinMinute - seconds * 1000;
  return `${cachedPrefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
