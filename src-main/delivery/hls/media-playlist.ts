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
/** Bytes a segment's three lines take, about, besides its URI suffix: the first guess of the output size. */
const bytesPerSegment = 96;
/** Room in front of the segments for the header (written last, once the longest segment is known); it needs under 200. */
const headRoom = 256;
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
  const writer = new MediaPlaylistWriter(input, input.segments.length);
  writer.add(input.segments);
  return writer.done();
}

/**
 * buildMediaPlaylist a slice at a time (segments in order, across as many add() calls
 * as it takes), so a day of archive can be written between other work on the event
 * loop. The header comes last: its target duration is the longest segment of all.
 */
export class MediaPlaylistWriter {
  private readonly body: AsciiWriter;
  private readonly prefix: Uint8Array;
  private readonly suffix: Uint8Array;
  private first: PlaylistSegment | null = null;
  private previous: PlaylistSegment | null = null;
  private longest = 1000;
  private minute = Number.NaN;
  private minuteText: Uint8Array = timeEnd;
  private segments = 0;

  /**
   * `expectedSegments`: about how many will come, so the text is written into one
   * allocation (growing it copies everything so far, and a day of playlists written
   * by doubling would make the collector run for megabytes it never keeps).
   */
  constructor(
    private readonly o: Omit<PlaylistInput, 'segments'>,
    expectedSegments = 0,
  ) {
    this.body = new AsciiWriter(headRoom + 64 + expectedSegments * (bytesPerSegment + this.o.segmentUri.suffix.length));
    this.body.skip(headRoom);
    this.prefix = ascii(o.segmentUri.prefix);
    this.suffix = ascii(`${o.segmentUri.suffix}\n`);
  }

  get count(): number {
    return this.segments;
  }

  add(segments: readonly PlaylistSegment[]): void {
    const w = this.body;
    for (const segment of segments) {
      const previous = this.previous;
      const newInit = !previous || previous.initId !== segment.initId;
      if (previous) {
        const gap = segment.startMs - (previous.startMs + previous.durationMs) > gapMs;
        if (newInit || segment.discontinuity || gap) w.text('#EXT-X-DISCONTINUITY\n');
      }
      if (newInit) w.text(`#EXT-X-MAP:URI="${this.o.initUri(segment.initId)}"\n`);
      // PROGRAM-DATE-TIME: the text up to the minute is made once per minute, the rest as digits.
      const start = segment.startMs;
      const thisMinute = Math.floor(start / 60_000);
      if (thisMinute !== this.minute) {
        this.minute = thisMinute;
        this.minuteText = ascii(`#EXT-X-PROGRAM-DATE-TIME:${new Date(thisMinute * 60_000).toISOString().slice(0, 17)}`);
      }
      const inMinute = start - thisMinute * 60_000;
      w.bytes(this.minuteText).padded(Math.floor(inMinute / 1000), 2).byte(46).padded(inMinute % 1000, 3).bytes(timeEnd);
      w.int(Math.floor(segment.durationMs / 1000)).byte(46).padded(segment.durationMs % 1000, 3).bytes(durationEnd);
      w.bytes(this.prefix).int(start).bytes(this.suffix);
      if (segment.durationMs > this.longest) this.longest = segment.durationMs;
      this.first ??= segment;
      this.previous = segment;
      this.segments++;
    }
  }

  /** The playlist; the writer is done. The header goes into the room left for it in front of the segments. */
  done(): Buffer {
    const first = this.first;
    let head = `#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:${Math.ceil(this.longest / 1000)}\n#EXT-X-INDEPENDENT-SEGMENTS\n`;
    if (this.o.kind === 'live') {
      head += `#EXT-X-MEDIA-SEQUENCE:${first?.seq ?? 0}\n#EXT-X-DISCONTINUITY-SEQUENCE:${first ? (first.dseq ?? 0) : 0}\n`;
    } else {
      head += `#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:${this.o.kind === 'vod' ? 'VOD' : 'EVENT'}\n`;
    }
    if (this.o.kind === 'vod') this.body.text('#EXT-X-ENDLIST\n');
    const all = this.body.done();
    const start = headRoom - head.length;
    all.write(head, start, 'latin1');
    const out = all.subarray(start);
    // A guess far above the truth (a range with long gaps) is not kept: the copy is the exact size.
    return out.length < out.buffer.byteLength * 0.7 ? Buffer.from(out) : out;
  }
}
