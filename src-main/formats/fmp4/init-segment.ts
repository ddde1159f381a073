// The CMAF header (ISO/IEC 23000-19 7.3.1): ftyp + moov describing every track, with
// empty sample tables (the samples live in the fragments) and an mvex that says so.
import type { Track } from '../../media/frame.js';
import { type BoxWriter, writeBoxes } from './box-writer.js';
import { Fmp4WriteError } from './errors.js';
import { describeSampleEntry, stsd, type SampleEntry } from './sample-entries.js';

/** Timescale of mvhd: only its (zero) duration uses it; each track keeps its own. */
const MOVIE_TIMESCALE = 1000;
/** The identity transformation matrix of mvhd/tkhd (14496-12 8.2.2.3): 16.16 and 2.30 fixed point. */
const UNITY_MATRIX = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];
/** 'und' packed as three 5-bit letters (ISO 639-2/T, 14496-12 8.4.2.3). */
const LANGUAGE_UNDETERMINED = (('u'.charCodeAt(0) - 0x60) << 10) | (('n'.charCodeAt(0) - 0x60) << 5) | ('d'.charCodeAt(0) - 0x60);
/** tkhd flags: track_enabled | track_in_movie (14496-12 8.3.2.3). */
const TKHD_ENABLED_IN_MOVIE = 0x000003;

interface InitTrack {
  track: Track;
  /** track_ID: the Track's id + 1, since 0 is not a valid track_ID. */
  trackId: number;
  entry: SampleEntry;
}

/**
 * ftyp + moov for `tracks`: what a player reads once before any media segment of
 * this set of tracks. Throws CodecParseError for a config record that does not parse,
 * Fmp4WriteError for a codec with no sample entry here or an unusable track.
 */
export function buildInitSegment(tracks: readonly Track[]): Uint8Array {
  if (tracks.length === 0) throw new Fmp4WriteError('an init segment needs at least one track');
  const prepared = tracks.map(prepareTrack);
  if (new Set(prepared.map((t) => t.trackId)).size !== prepared.length) throw new Fmp4WriteError('two tracks share an id');
  return writeBoxes((w) => {
    ftyp(w);
    moov(w, prepared);
  });
}

function prepareTrack(track: Track): InitTrack {
  if (!Number.isInteger(track.id) || track.id < 0 || track.id >= 0xffff_fffe) throw new Fmp4WriteError(`track id ${track.id} is not usable as an MP4 track_ID`);
  if (!Number.isInteger(track.timescale) || track.timescale <= 0 || track.timescale > 0xffff_ffff) throw new Fmp4WriteError(`track ${track.id}: timescale ${track.timescale} is not a positive 32-bit integer`);
  return { track, trackId: track.id + 1, entry: describeSampleEntry(track) };
}

/** ftyp (14496-12 4.3): iso6 for tfdt v1 and default-base-is-moof; cmfc says the tracks are CMAF (23000-19 7.2). */
function ftyp(w: BoxWriter): void {
  w.box('ftyp', () => {
    w.fourCC('iso6'); // major_brand
    w.u32(0); // minor_version
    for (const brand of ['iso6', 'cmfc', 'isom', 'mp41', 'dash']) w.fourCC(brand); // compatible_brands
  });
}

function moov(w: BoxWriter, tracks: readonly InitTrack[]): void {
  w.box('moov', () => {
    mvhd(w, Math.max(...tracks.map((t) => t.trackId)) + 1);
    for (const t of tracks) trak(w, t);
    mvex(w, tracks);
  });
}

/** mvhd (14496-12 8.2.2), version 0: no duration, the movie is fragments. */
function mvhd(w: BoxWriter, nextTrackId: number): void {
  w.fullBox('mvhd', 0, 0, () => {
    w.u32(0); // creation_time
    w.u32(0); // modification_time
    w.u32(MOVIE_TIMESCALE); // timescale
    w.u32(0); // duration: unknown (fragmented)
    w.u32(0x0001_0000); // rate: 1.0
    w.u16(0x0100); // volume: 1.0
    w.zeros(2 + 8); // reserved (16), reserved[2] (32)
    for (const v of UNITY_MATRIX) w.u32(v); // matrix
    w.zeros(24); // pre_defined[6]
    w.u32(nextTrackId); // next_track_ID
  });
}

function trak(w: BoxWriter, t: InitTrack): void {
  w.box('trak', () => {
    tkhd(w, t);
    mdia(w, t);
  });
}

/** tkhd (14496-12 8.3.2), version 0. */
function tkhd(w: BoxWriter, t: InitTrack): void {
  w.fullBox('tkhd', 0, TKHD_ENABLED_IN_MOVIE, () => {
    w.u32(0); // creation_time
    w.u32(0); // modification_time
    w.u32(t.trackId); // track_ID
    w.u32(0); // reserved
    w.u32(0); // duration: unknown (fragmented)
    w.zeros(8); // reserved[2]
    w.i16(0); // layer
    w.i16(0); // alternate_group
    w.u16(t.track.kind === 'audio' ? 0x0100 : 0); // volume: 1.0 for audio
    w.u16(0); // reserved
    for (const v of UNITY_MATRIX) w.u32(v); // matrix
    const visual = t.entry.kind === 'visual' ? t.entry : null;
    w.u32((visual?.width ?? 0) * 0x10000); // width, 16.16
    w.u32((visual?.height ?? 0) * 0x10000); // height, 16.16
  });
}

function mdia(w: BoxWriter, t: InitTrack): void {
  w.box('mdia', () => {
    mdhd(w, t.track.timescale);
    hdlr(w, t.track.kind);
    minf(w, t);
  });
}

/** mdhd (14496-12 8.4.2), version 0: the track's own timescale, so frame times need no conversion. */
function mdhd(w: BoxWriter, timescale: number): void {
  w.fullBox('mdhd', 0, 0, () => {
    w.u32(0); // creation_time
    w.u32(0); // modification_time
    w.u32(timescale);
    w.u32(0); // duration: unknown (fragmented)
    w.u16(LANGUAGE_UNDETERMINED); // pad (1) + language (15)
    w.u16(0); // pre_defined
  });
}

/** hdlr handler_type and name per kind, with the names ffmpeg gives them. */
const HANDLERS = {
  video: { type: 'vide', name: new TextEncoder().encode('VideoHandler') },
  audio: { type: 'soun', name: new TextEncoder().encode('SoundHandler') },
} as const;

/** hdlr (14496-12 8.4.3). */
function hdlr(w: BoxWriter, kind: Track['kind']): void {
  const handler = HANDLERS[kind];
  w.fullBox('hdlr', 0, 0, () => {
    w.u32(0); // pre_defined
    w.fourCC(handler.type); // handler_type
    w.zeros(12); // reserved[3]
    w.bytes(handler.name); // name: UTF-8 …
    w.u8(0); // … null-terminated
  });
}

function minf(w: BoxWriter, t: InitTrack): void {
  w.box('minf', () => {
    if (t.track.kind === 'video') vmhd(w);
    else smhd(w);
    dinf(w);
    stbl(w, t.entry);
  });
}

/** vmhd (14496-12 12.1.2): flags 1 is required. */
function vmhd(w: BoxWriter): void {
  w.fullBox('vmhd', 0, 1, () => {
    w.u16(0); // graphicsmode: copy
    w.zeros(6); // opcolor[3]
  });
}

/** smhd (14496-12 12.2.2). */
function smhd(w: BoxWriter): void {
  w.fullBox('smhd', 0, 0, () => {
    w.i16(0); // balance: centre
    w.u16(0); // reserved
  });
}

/** dinf → dref (14496-12 8.7.1, 8.7.2) with one self-contained 'url ' entry: the media is in the same file. */
function dinf(w: BoxWriter): void {
  w.box('dinf', () => {
    w.fullBox('dref', 0, 0, () => {
      w.u32(1); // entry_count
      w.fullBox('url ', 0, 0x000001, () => undefined); // flags 1: media data in this file, no location
    });
  });
}

/** stbl (14496-12 8.5.1): the sample description, and sample tables left empty for the fragments (CMAF 7.5.9). */
function stbl(w: BoxWriter, entry: SampleEntry): void {
  w.box('stbl', () => {
    stsd(w, entry);
    emptyTable(w, 'stts'); // entry_count 0 (8.6.1.2)
    emptyTable(w, 'stsc'); // entry_count 0 (8.7.4)
    stsz(w);
    emptyTable(w, 'stco'); // entry_count 0 (8.7.5)
  });
}

/** A sample table FullBox whose only field is entry_count = 0. */
function emptyTable(w: BoxWriter, type: 'stts' | 'stsc' | 'stco'): void {
  w.fullBox(type, 0, 0, () => w.u32(0));
}

/** stsz (14496-12 8.7.3.2): sample_size 0, sample_count 0. */
function stsz(w: BoxWriter): void {
  w.fullBox('stsz', 0, 0, () => {
    w.u32(0); // sample_size
    w.u32(0); // sample_count
  });
}

/** mvex (14496-12 8.8.1): the presence of movie fragments, one trex per track. */
function mvex(w: BoxWriter, tracks: readonly InitTrack[]): void {
  w.box('mvex', () => {
    for (const t of tracks) trex(w, t.trackId);
  });
}

/** trex (14496-12 8.8.3): defaults are all 0; every fragment states its sample fields itself. */
function trex(w: BoxWriter, trackId: number): void {
  w.fullBox('trex', 0, 0, () => {
    w.u32(trackId); // track_ID
    w.u32(1); // default_sample_description_index
    w.u32(0); // default_sample_duration
    w.u32(0); // default_sample_size
    w.u32(0); // default_sample_flags
  });
}
