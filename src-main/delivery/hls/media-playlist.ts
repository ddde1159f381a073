import type { PlaylistSegment } from '../../dvr/dvr-index.js';
import { AsciiWriter } from './ascii-writer.js';

export type PlaylistKind = 'live' | 'event' | 'vod';

export interface PlaylistInput {
  kind: PlaylistKind;
  segments: readonly PlaylistSegment[];
  /** A segment's URL, relative to the playlist: prefix, its start in UTC ms, suffix ("s-", ".m4s?token=…"). */
  segmentUri: { prefix: string; suffix: string };
  /** URL of an init segment by its index id, relative to the playlist. */
  initUri: (initId: number) => string;
}

/** Two segments further apart than this are separated by a gap: players must not glue them together. */
const gapMs = 500;
/** Bytes a segment's three lines take, about: the first guess of the output size. */
const bytesPerSegment = 96;
const ascii = (s: string) => Buffer.from(s, 'latin1');
const timeEnd = ascii('Z\n#EXTINF:');
const durationEnd = ascii(',\n');

/**
 * A CMAF media playlist (RFC 8216bis): EXT-X-MAP for each init, PROGRAM-DATE-TIME on
 * every segment (players and middleware map positions to wall-clock time with it),
 * and a discontinuity wherever the init changes, the recorder marked one, or the
 * recording has a gap. Live playlists carry the media and discontinuity sequence
 * numbers the index keeps, so a sliding window stays consistent between reloads.
 * Written as bytes: a 24-hour playlist is 43 200 segments.
 */
export function buildMediaPlaylist(input: PlaylistInput): Buffer {
  const { segments } = input;
  const longest = segments.reduce((m, s) => Math.max(m, s.durationMs), 1000);
  const w = new AsciiWriter(512 + segments.length * bytesPerSegment);
  w.text(`#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:${Math.ceil(longest / 1000)}\n#EXT-X-INDEPENDENT-SEGMENTS\n`);
  const first = segments[0];
  if (input.kind === 'live') {
    w.text(`#EXT-X-MEDIA-SEQUENCE:${first?.seq ?? 0}\n#EXT-X-DISCONTINUITY-SEQUENCE:${first ? (first.dseq ?? 0) : 0}\n`);
  } else {
    w.text(`#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:${input.kind === 'vod' ? 'VOD' : 'EVENT'}\n`);
  }
  const prefix = ascii(input.segmentUri.prefix);
  const suffix = ascii(`${input.segmentUri.suffix}\n`);
  let previous: PlaylistSegment | null = null;
  let minute = Number.NaN;
  let minuteText: Uint8Array = timeEnd;
  for (const segment of segments) {
    const newInit = !previous || previous.initId !== segment.initId;
    if (previous) {
      const gap = segment.startMs - (previous.startMs + previous.durationMs) > gapMs;
      if (newInit || segment.discontinuity || gap) w.text('#EXT-X-DISCONTINUITY\n');
    }
    if (newInit) w.text(`#EXT-X-MAP:URI="${input.initUri(segment.initId)}"\n`);
    // PROGRAM-DATE-TIME: the text up to the minute is made once per minute, the rest as digits.
    const start = segment.startMs;
    const thisMinute = Math.floor(start / 60_000);
    if (thisMinute !== minute) {
      minute = thisMinute;
      minuteText = ascii(`#EXT-X-PROGRAM-DATE-TIME:${new Date(thisMinute * 60_000).toISOString().slice(0, 17)}`);
    }
    const inMinute = start - thisMinute * 60_000;
    w.bytes(minuteText).padded(Math.floor(inMinute / 1000), 2).byte(46).padded(inMinute % 1000, 3).bytes(timeEnd);
    w.int(Math.floor(segment.durationMs / 1000)).byte(46).padded(segment.durationMs % 1000, 3).bytes(durationEnd);
    w.bytes(prefix).int(start).bytes(suffix);
    previous = segment;
  }
  if (input.kind === 'vod') w.text('#EXT-X-ENDLIST\n');
  return w.done();
}
