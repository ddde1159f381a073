// Just enough of an HLS media playlist reader for the serve benchmark: segment and
// LL-HLS part URIs, and which (media sequence, part) positions the playlist already holds.

export interface PlaylistPart {
  uri: string;
  msn: number;
  index: number;
}

export interface ParsedPlaylist {
  mediaSequence: number;
  segments: string[];
  parts: PlaylistPart[];
  preloadHint: string | null;
  canBlockReload: boolean;
  /** Per media sequence number: parts listed, and whether the segment itself is complete. */
  bySequence: Map<number, { parts: number; complete: boolean }>;
}

const attribute = (line: string, name: string) => new RegExp(`[:,]${name}=(?:"([^"]*)"|([^,]*))`).exec(line)?.slice(1).find((v) => v !== undefined) ?? null;

export function parsePlaylist(text: string): ParsedPlaylist {
  const out: ParsedPlaylist = { mediaSequence: 0, segments: [], parts: [], preloadHint: null, canBlockReload: false, bySequence: new Map() };
  let msn = -1;
  let part = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) {
      out.mediaSequence = Number(line.slice(22));
    } else if (line.startsWith('#EXT-X-SERVER-CONTROL:')) {
      out.canBlockReload = attribute(line, 'CAN-BLOCK-RELOAD') === 'YES';
    } else if (line.startsWith('#EXT-X-PRELOAD-HINT:')) {
      out.preloadHint = attribute(line, 'URI');
    } else if (line.startsWith('#EXT-X-PART:')) {
      if (msn < 0) msn = out.mediaSequence;
      const uri = attribute(line, 'URI');
      if (uri) out.parts.push({ uri, msn, index: part++ });
    } else if (line && !line.startsWith('#')) {
      if (msn < 0) msn = out.mediaSequence;
      out.segments.push(line);
      out.bySequence.set(msn, { parts: part, complete: true });
      msn++;
      part = 0;
    }
  }
  if (msn < 0) msn = out.mediaSequence;
  out.bySequence.set(msn, { parts: part, complete: false });
  return out;
}

/** The next part a blocking reload would wait for: the one after the newest listed. */
export function nextPart(p: ParsedPlaylist): { msn: number; part: number } {
  const live = Math.max(...p.bySequence.keys());
  return { msn: live, part: p.bySequence.get(live)!.parts };
}

/**
 * Whether the playlist already holds part (msn, part). A part index past the end of a
 * finished segment means part 0 of the next one (RFC 8216bis 6.2.5.2).
 */
export function holdsPart(p: ParsedPlaylist, msn: number, part: number): boolean {
  for (let m = msn, i = part; ; m++, i = 0) {
    const info = p.bySequence.get(m);
    if (!info) return m < p.mediaSequence;
    if (info.parts > i) return true;
    if (!info.complete) return false;
  }
}
