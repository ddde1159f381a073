// A progressive (non-fragmented) MP4 header: ftyp, a moov with complete sample tables,
// and the mdat's header. The payload that follows is the caller's: chunks whose sizes
// and order were fixed before this is built, so the header can be sent first and the
// samples copied after it as they lie on disk (14496-12; "faststart" layout).
import type { Track } from '../../media/frame.js';
import { BoxWriter, writeBoxes } from '../fmp4/box-writer.js';
import { Fmp4WriteError } from '../fmp4/errors.js';
import { describeSampleEntry, stsd } from '../fmp4/sample-entries.js';

/** One edit (14496-12 8.6.6): `duration` in the movie timescale; `mediaTime` in the track's, -1 for an empty edit. */
export interface Edit {
  duration: number;
  mediaTime: number;
}

/** A run of consecutive samples of one track stored back to back: one chunk (14496-12 8.7.4). */
export interface ChunkRef {
  count: number;
  /** Where the chunk's first byte lies, counted from the mdat's first payload byte. */
  payloadOffset: number;
}

export interface Mp4TrackInput {
  track: Track;
  /** Every sample entry box this track's samples use (stsd); samples use entry 1. */
  sampleEntry: Uint8Array;
  count: number;
  durations: Uint32Array;
  sizes: Uint32Array;
  /** pts - dts per sample; null when all are 0. */
  compositionOffsets: Int32Array | null;
  /** 1 per sync sample; null when every sample is one (audio). */
  sync: Uint8Array | null;
  chunks: readonly ChunkRef[];
  edits: readonly Edit[];
}

export interface ProgressiveHeader {
  /** ftyp + moov + the mdat box header. */
  bytes: Uint8Array;
  /** Payload bytes the mdat holds after the header. */
  payloadBytes: number;
}

const U32_MAX = 0xffff_ffff;
const I32_MAX = 0x7fff_ffff;
const UNITY_MATRIX = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];
const LANGUAGE_UNDETERMINED = (('u'.charCodeAt(0) - 0x60) << 10) | (('n'.charCodeAt(0) - 0x60) << 5) | ('d'.charCodeAt(0) - 0x60);
const TKHD_ENABLED_IN_MOVIE = 0x000003;
const HANDLERS = {
  video: { type: 'vide', name: new TextEncoder().encode('VideoHandler') },
  audio: { type: 'soun', name: new TextEncoder().encode('SoundHandler') },
} as const;

/** The sample entry box a track's samples need (avc1/hvc1/av01 with their config, mp4a), as stsd would hold it. */
export function sampleEntryBox(track: Track): Uint8Array {
  // stsd is a FullBox (12 bytes) with entry_count (4 bytes) before its single entry.
  return writeBoxes((w) => stsd(w, describeSampleEntry(track))).subarray(16);
}

/**
 * ftyp + moov + mdat header for `tracks` whose samples fill `payloadBytes` after it.
 * Chunk offsets become 32-bit (stco) when the whole file stays under 4 GiB, else
 * 64-bit (co64); the mdat gets a 64-bit largesize when its payload needs one.
 */
export function buildProgressiveHeader(tracks: readonly Mp4TrackInput[], movieTimescale: number): ProgressiveHeader {
  let payloadBytes = 0;
  for (const t of tracks) for (let i = 0; i < t.count; i++) payloadBytes += t.sizes[i]!;
  const tables = tracks.map((t) => sampleTables(t));
  const movieDuration = Math.max(0, ...tracks.map((t) => t.edits.reduce((n, e) => n + e.duration, 0)));
  const brands = ['isom', 'iso2', ...new Set(tracks.map((t) => (t.track.kind === 'video' ? { h264: 'avc1', hevc: 'hvc1', av1: 'av01' }[t.track.codec] : null)).filter((b): b is string => b !== null)), 'mp41'];

  const mdatHeader = payloadBytes + 8 > U32_MAX ? 16 : 8;
  const build = (w: BoxWriter, wide: boolean, dataStart: number) => {
    ftyp(w, brands);
    w.box('moov', () => {
      mvhd(w, movieTimescale, movieDuration, Math.max(...tracks.map((t) => t.track.id + 1)) + 1);
      tracks.forEach((t, i) => trak(w, t, tables[i]!, wide, dataStart));
    });
  };
  // Offsets do not change the size, so one measuring pass settles the layout.
  let measure = BoxWriter.measuring();
  build(measure, false, 0);
  const wide = measure.offset + mdatHeader + payloadBytes > U32_MAX;
  if (wide) {
    measure = BoxWriter.measuring();
    build(measure, true, 0);
  }
  const dataStart = measure.offset + mdatHeader;
  const bytes = new Uint8Array(dataStart);
  const w = BoxWriter.into(bytes);
  build(w, wide, dataStart);
  // mdat (14496-12 8.1.1): the samples follow this header.
  if (mdatHeader === 16) {
    w.u32(1);
    w.fourCC('mdat');
    w.u64(16 + payloadBytes);
  } else {
    w.u32(8 + payloadBytes);
    w.fourCC('mdat');
  }
  if (w.offset !== bytes.length) throw new Error(`progressive header: wrote ${w.offset} of ${bytes.length} bytes`);
  return { bytes, payloadBytes };
}

/** The tables of a track as finished box bodies (after version/flags): built once, copied by both passes. */
interface TrackTables {
  stts: Uint8Array;
  ctts: { version: number; body: Uint8Array } | null;
  stss: Uint8Array | null;
  stsc: Uint8Array;
  stsz: Uint8Array;
  mediaDuration: number;
}

function sampleTables(t: Mp4TrackInput): TrackTables {
  if (t.count !== t.durations.length || t.count !== t.sizes.length) throw new Fmp4WriteError(`track ${t.track.id}: ${t.count} samples but ${t.durations.length} durations and ${t.sizes.length} sizes`);
  if (t.chunks.reduce((n, c) => n + c.count, 0) !== t.count) throw new Fmp4WriteError(`track ${t.track.id}: chunks do not hold its ${t.count} samples`);
  let mediaDuration = 0;
  for (let i = 0; i < t.count; i++) mediaDuration += t.durations[i]!;
  return {
    stts: runLengths(t.durations, t.count, false),
    ctts: compositionTable(t),
    stss: syncTable(t),
    stsc: chunkTable(t.chunks),
    stsz: sizeTable(t),
    mediaDuration,
  };
}

/** entry_count, then (sample_count, value) pairs for runs of equal values: stts (8.6.1.2), ctts (8.6.1.3). */
function runLengths(values: Uint32Array | Int32Array, count: number, signed: boolean): Uint8Array {
  let entries = 0;
  for (let i = 0; i < count; i++) if (i === 0 || values[i] !== values[i - 1]) entries++;
  const out = new Uint8Array(4 + entries * 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, entries);
  let at = 4;
  for (let i = 0; i < count; ) {
    const v = values[i]!;
    let j = i + 1;
    while (j < count && values[j] === v) j++;
    view.setUint32(at, j - i);
    if (signed) view.setInt32(at + 4, v);
    else view.setUint32(at + 4, v);
    at += 8;
    i = j;
  }
  return out;
}

/** ctts: version 0 holds unsigned offsets; any negative one needs version 1. */
function compositionTable(t: Mp4TrackInput): TrackTables['ctts'] {
  const offsets = t.compositionOffsets;
  if (!offsets) return null;
  let any = false;
  let negative = false;
  for (let i = 0; i < t.count; i++) {
    if (offsets[i] !== 0) any = true;
    if (offsets[i]! < 0) negative = true;
  }
  if (!any) return null;
  return { version: negative ? 1 : 0, body: runLengths(offsets, t.count, negative) };
}

/** stss (8.6.2): 1-based numbers of the sync samples; absent when all are. */
function syncTable(t: Mp4TrackInput): Uint8Array | null {
  const sync = t.sync;
  if (!sync) return null;
  let entries = 0;
  for (let i = 0; i < t.count; i++) entries += sync[i]!;
  if (entries === t.count) return null;
  const out = new Uint8Array(4 + entries * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, entries);
  let at = 4;
  for (let i = 0; i < t.count; i++) {
    if (!sync[i]) continue;
    view.setUint32(at, i + 1);
    at += 4;
  }
  return out;
}

/** stsc (8.7.4): (first_chunk, samples_per_chunk, sample_description_index) where samples_per_chunk changes. */
function chunkTable(chunks: readonly ChunkRef[]): Uint8Array {
  let entries = 0;
  for (let i = 0; i < chunks.length; i++) if (i === 0 || chunks[i]!.count !== chunks[i - 1]!.count) entries++;
  const out = new Uint8Array(4 + entries * 12);
  const view = new DataView(out.buffer);
  view.setUint32(0, entries);
  let at = 4;
  for (let i = 0; i < chunks.length; i++) {
    if (i > 0 && chunks[i]!.count === chunks[i - 1]!.count) continue;
    view.setUint32(at, i + 1); // first_chunk
    view.setUint32(at + 4, chunks[i]!.count); // samples_per_chunk
    view.setUint32(at + 8, 1); // sample_description_index
    at += 12;
  }
  return out;
}

/** stsz (8.7.3.2): one size for all when they are equal, else each. */
function sizeTable(t: Mp4TrackInput): Uint8Array {
  const sizes = t.sizes;
  let same = t.count > 0;
  for (let i = 1; i < t.count && same; i++) same = sizes[i] === sizes[0];
  const out = new Uint8Array(8 + (same ? 0 : t.count * 4));
  const view = new DataView(out.buffer);
  view.setUint32(0, same ? sizes[0]! : 0); // sample_size
  view.setUint32(4, t.count); // sample_count
  if (!same) for (let i = 0; i < t.count; i++) view.setUint32(8 + i * 4, sizes[i]!);
  return out;
}

/** ftyp (14496-12 4.3): isom/iso2 as ffmpeg writes a plain MP4, the codec brand, mp41. */
function ftyp(w: BoxWriter, brands: readonly string[]): void {
  w.box('ftyp', () => {
    w.fourCC('isom'); // major_brand
    w.u32(0x200); // minor_version
    for (const brand of brands) w.fourCC(brand);
  });
}

/** A duration field: version 1 (64-bit) boxes when a value passes 32 bits. */
const needsWide = (...values: number[]) => values.some((v) => v > U32_MAX);

/** mvhd (8.2.2). */
function mvhd(w: BoxWriter, timescale: number, duration: number, nextTrackId: number): void {
  const wide = needsWide(duration);
  w.fullBox('mvhd', wide ? 1 : 0, 0, () => {
    timesAndDuration(w, wide, timescale, duration);
    w.u32(0x0001_0000); // rate 1.0
    w.u16(0x0100); // volume 1.0
    w.zeros(10); // reserved
    for (const v of UNITY_MATRIX) w.u32(v);
    w.zeros(24); // pre_defined
    w.u32(nextTrackId);
  });
}

/** creation_time and modification_time (0: unknown), then timescale when given, then duration; 32 or 64 bits. */
function timesAndDuration(w: BoxWriter, wide: boolean, timescale: number | null, duration: number): void {
  if (wide) {
    w.u64(0);
    w.u64(0);
  } else {
    w.u32(0);
    w.u32(0);
  }
  if (timescale !== null) w.u32(timescale);
  if (wide) w.u64(duration);
  else w.u32(duration);
}

function trak(w: BoxWriter, t: Mp4TrackInput, tables: TrackTables, wideOffsets: boolean, dataStart: number): void {
  const trackDuration = t.edits.reduce((n, e) => n + e.duration, 0);
  w.box('trak', () => {
    tkhd(w, t, trackDuration);
    edts(w, t.edits);
    w.box('mdia', () => {
      mdhd(w, t.track.timescale, tables.mediaDuration);
      const handler = HANDLERS[t.track.kind];
      w.fullBox('hdlr', 0, 0, () => {
        w.u32(0); // pre_defined
        w.fourCC(handler.type);
        w.zeros(12); // reserved
        w.bytes(handler.name);
        w.u8(0);
      });
      w.box('minf', () => {
        if (t.track.kind === 'video') {
          w.fullBox('vmhd', 0, 1, () => w.zeros(8)); // graphicsmode, opcolor
        } else {
          w.fullBox('smhd', 0, 0, () => w.zeros(4)); // balance, reserved
        }
        w.box('dinf', () => w.fullBox('dref', 0, 0, () => {
          w.u32(1);
          w.fullBox('url ', 0, 1, () => undefined); // media in this file
        }));
        stbl(w, t, tables, wideOffsets, dataStart);
      });
    });
  });
}

/** tkhd (8.3.2): duration in the movie timescale (the edits' sum). */
function tkhd(w: BoxWriter, t: Mp4TrackInput, duration: number): void {
  const wide = needsWide(duration);
  w.fullBox('tkhd', wide ? 1 : 0, TKHD_ENABLED_IN_MOVIE, () => {
    if (wide) {
      w.u64(0);
      w.u64(0);
    } else {
      w.u32(0);
      w.u32(0);
    }
    w.u32(t.track.id + 1); // track_ID
    w.u32(0); // reserved
    if (wide) w.u64(duration);
    else w.u32(duration);
    w.zeros(8); // reserved
    w.i16(0); // layer
    w.i16(0); // alternate_group
    w.u16(t.track.kind === 'audio' ? 0x0100 : 0); // volume
    w.u16(0);
    for (const v of UNITY_MATRIX) w.u32(v);
    w.u32(t.track.kind === 'video' ? t.track.width * 0x10000 : 0);
    w.u32(t.track.kind === 'video' ? t.track.height * 0x10000 : 0);
  });
}

/** edts/elst (8.6.5, 8.6.6): version 1 when a duration or media time passes 32 bits. */
function edts(w: BoxWriter, edits: readonly Edit[]): void {
  if (edits.length === 0) return;
  const wide = edits.some((e) => e.duration > U32_MAX || e.mediaTime > I32_MAX);
  w.box('edts', () => {
    w.fullBox('elst', wide ? 1 : 0, 0, () => {
      w.u32(edits.length);
      for (const e of edits) {
        if (wide) {
          w.u64(e.duration);
          if (e.mediaTime < 0) {
            w.u32(U32_MAX);
            w.u32(U32_MAX);
          } else w.u64(e.mediaTime);
        } else {
          w.u32(e.duration); // segment_duration
          w.i32(e.mediaTime); // media_time (-1: empty)
        }
        w.i16(1); // media_rate_integer
        w.i16(0); // media_rate_fraction
      }
    });
  });
}

/** mdhd (8.4.2): the track's own timescale and the sum of its sample durations. */
function mdhd(w: BoxWriter, timescale: number, duration: number): void {
  const wide = needsWide(duration);
  w.fullBox('mdhd', wide ? 1 : 0, 0, () => {
    timesAndDuration(w, wide, timescale, duration);
    w.u16(LANGUAGE_UNDETERMINED);
    w.u16(0);
  });
}

function stbl(w: BoxWriter, t: Mp4TrackInput, tables: TrackTables, wideOffsets: boolean, dataStart: number): void {
  w.box('stbl', () => {
    w.fullBox('stsd', 0, 0, () => {
      w.u32(1);
      w.bytes(t.sampleEntry);
    });
    w.fullBox('stts', 0, 0, () => w.bytes(tables.stts));
    if (tables.ctts) w.fullBox('ctts', tables.ctts.version, 0, () => w.bytes(tables.ctts!.body));
    if (tables.stss) w.fullBox('stss', 0, 0, () => w.bytes(tables.stss!));
    w.fullBox('stsc', 0, 0, () => w.bytes(tables.stsc));
    w.fullBox('stsz', 0, 0, () => w.bytes(tables.stsz));
    chunkOffsets(w, t.chunks, wideOffsets, dataStart, dataStart === 0);
  });
}

/** stco / co64 (8.7.5): each chunk's offset from the start of the file. */
function chunkOffsets(w: BoxWriter, chunks: readonly ChunkRef[], wide: boolean, dataStart: number, measuring: boolean): void {
  w.fullBox(wide ? 'co64' : 'stco', 0, 0, () => {
    w.u32(chunks.length);
    const bytes = (wide ? 8 : 4) * chunks.length;
    if (measuring) {
      w.zeros(bytes);
      return;
    }
    const table = new Uint8Array(bytes);
    const view = new DataView(table.buffer);
    for (let i = 0; i < chunks.length; i++) {
      const offset = dataStart + chunks[i]!.payloadOffset;
      if (wide) {
        view.setUint32(i * 8, Math.floor(offset / 0x1_0000_0000));
        view.setUint32(i * 8 + 4, offset % 0x1_0000_0000);
      } else view.setUint32(i * 4, offset);
    }
    w.bytes(table);
  });
}
