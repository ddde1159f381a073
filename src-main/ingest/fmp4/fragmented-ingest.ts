// Fragmented MP4 pushed over HTTP (a Live Smooth / CMAF publishing point, as Unified
// Streaming takes it): the body is an init (ftyp + moov, Smooth puts a uuid manifest box
// between them) and then moof + mdat pairs, in one chunked POST. Boxes are cut out as they
// complete; each fragment's samples go to the stream as frames whose payloads are views
// into the fragment (no copy).
import type { Frame, Track } from '../../media/index.js';
import { Fmp4ParseError, readFragmentFrames, readInitSegment, type TrackSampleDefaults } from '../../formats/fmp4/index.js';
import type { SourceSession } from '../../streams/stream-hub.js';

/** Largest init or manifest box taken (a moov of a few tracks is a few KB; Smooth's manifest a few). */
const maxHeadBoxBytes = 1 << 20;
/** Largest fragment (moof + mdat) taken: several seconds of 4K at high bitrate. */
const maxFragmentBytes = 64 << 20;
/** Added to every time (in seconds): Smooth encoders start sound a little before 0 (AAC priming), the studio's times do not go below 0. */
const timeOffsetSeconds = 10;

const type = (b: Uint8Array, at: number) => String.fromCharCode(b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!);

export class FragmentedMp4Ingest {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private ftyp: Uint8Array | null = null;
  private moof: Uint8Array | null = null;
  private defaults: ReadonlyMap<number, TrackSampleDefaults> = new Map();
  /** Init track_ID - 1 → index in the stream's tracks (the stream wants 0, 1, …). */
  private ids = new Map<number, number>();
  private readonly nextDts = new Map<number, number>();
  private tracks: Track[] | null = null;

  constructor(private readonly session: Pick<SourceSession, 'setTracks' | 'pushFrame'>) {}

  /** Takes a chunk of the body; throws Fmp4ParseError when the body is not fragmented MP4. */
  push(chunk: Buffer, arrivedAt: number): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    for (;;) {
      const head = this.peek();
      if (!head) return;
      const view = new DataView(head.buffer, head.byteOffset, head.length);
      let size = view.getUint32(0);
      const name = type(head, 0);
      if (size === 1) {
        // A 64-bit size follows the type.
        if (head.length < 16) return;
        size = Number(view.getBigUint64(8));
      }
      if (size < 8) throw new Fmp4ParseError(`a '${name}' box of ${size} bytes`);
      const limit = name === 'mdat' || name === 'moof' ? maxFragmentBytes : maxHeadBoxBytes;
      if (size > limit) throw new Fmp4ParseError(`a '${name}' box of ${size} bytes is beyond the ${limit >> 20} MB taken`);
      if (this.pendingBytes < size) return;
      this.box(name, this.take(size), arrivedAt);
    }
  }

  private box(name: string, bytes: Buffer, arrivedAt: number): void {
    switch (name) {
      case 'ftyp':
        this.ftyp = bytes;
        return;
      case 'moov': {
        const init = readInitSegment(this.ftyp ? Buffer.concat([this.ftyp, bytes]) : bytes);
        if (init.tracks.length === 0) throw new Fmp4ParseError('the moov has no track the studio can take (H.264, HEVC, AV1; AAC, MP3, Opus)');
        this.ids = new Map(init.tracks.map((t, i) => [t.id, i]));
        this.defaults = init.sampleDefaults;
        this.tracks = init.tracks.map((t, i) => ({ ...t, id: i }));
        this.session.setTracks(this.tracks);
        return;
      }
      case 'moof':
        if (this.moof) throw new Fmp4ParseError('a moof without its mdat');
        this.moof = bytes;
        return;
      case 'mdat': {
        if (!this.moof) throw new Fmp4ParseError('an mdat before any moof');
        if (!this.tracks) throw new Fmp4ParseError('a fragment before the moov');
        const fragment = Buffer.concat([this.moof, bytes]);
        this.moof = null;
        for (const frame of readFragmentFrames(fragment, this.defaults, arrivedAt, this.nextDts)) {
          const id = this.ids.get(frame.trackId);
          // A traf for a track the moov did not describe (or the studio cannot take): left out.
          if (id === undefined) continue;
          const shift = timeOffsetSeconds * this.tracks[id]!.timescale;
          this.session.pushFrame({ ...frame, trackId: id, dts: frame.dts + shift, pts: frame.pts + shift } satisfies Frame);
        }
        return;
      }
      default:
        // uuid (Smooth's manifest, PIFF boxes), free, skip, styp, sidx, mfra …: nothing to play.
        return;
    }
  }

  /** The start of the next box: at least its 8-byte header, 16 bytes when there are. */
  private peek(): Uint8Array | null {
    if (this.pendingBytes < 8) return null;
    if (this.pending[0]!.length < 16 && this.pending.length > 1) this.pending = [Buffer.concat(this.pending)];
    return this.pending[0]!;
  }

  private take(n: number): Buffer {
    if (this.pending[0]!.length < n) this.pending = [Buffer.concat(this.pending)];
    const first = this.pending[0]!;
    const out = first.subarray(0, n);
    if (first.length === n) this.pending.shift();
    else this.pending[0] = first.subarray(n);
    this.pendingBytes -= n;
    return out;
  }
}

/** `live/NAME.isml/Streams(ID)` (Smooth's publishing point URL) → the stream name and the stream id; null for other paths. */
export function smoothIngestPath(path: string): { name: string; id: string } | null {
  const m = /^(.+)\.isml\/Streams\(([^()/]{1,100})\)$/.exec(path);
  return m ? { name: m[1]!, id: decodeURIComponent(m[2]!) } : null;
}
