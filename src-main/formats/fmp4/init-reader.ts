// Reads an init segment (ftyp + moov, as buildInitSegment or ffmpeg writes it) back into
// the studio's tracks, so archived segments can be remuxed (MPEG-TS export, exports).
import type { AudioTrack, Track, VideoTrack } from '../../media/frame.js';
import { CodecParseError, parseAudioSpecificConfig, parseAvcC, parseH264Sps, parseHevcSps, parseHvcC } from '../../media/codecs/index.js';
import { parseAv1Config } from '../../media/codecs/av1-config.js';
import { FieldReader, readBoxHeader, readChildren, type BoxHeader } from './box-reader.js';
import { Fmp4ParseError } from './errors.js';
import { fourCC, fourCCName } from './four-cc.js';

/** trex defaults (14496-12 8.8.3): what a fragment's samples take when neither tfhd nor trun says. */
export interface TrackSampleDefaults {
  duration: number;
  size: number;
  flags: number;
}

export interface InitSegmentInfo {
  /** In moov order; ids are track_ID - 1, as buildInitSegment numbers them. */
  tracks: Track[];
  /** By Track.id, for the tracks mvex declares. */
  sampleDefaults: ReadonlyMap<number, TrackSampleDefaults>;
}

const box = {
  moov: fourCC('moov'),
  trak: fourCC('trak'),
  tkhd: fourCC('tkhd'),
  mdia: fourCC('mdia'),
  mdhd: fourCC('mdhd'),
  hdlr: fourCC('hdlr'),
  minf: fourCC('minf'),
  stbl: fourCC('stbl'),
  stsd: fourCC('stsd'),
  mvex: fourCC('mvex'),
  trex: fourCC('trex'),
  avcC: fourCC('avcC'),
  hvcC: fourCC('hvcC'),
  av1C: fourCC('av1C'),
  esds: fourCC('esds'),
  dOps: fourCC('dOps'),
  vide: fourCC('vide'),
  soun: fourCC('soun'),
} as const;

const VISUAL_ENTRIES = new Map<number, VideoTrack['codec']>([
  [fourCC('avc1'), 'h264'],
  [fourCC('avc3'), 'h264'],
  [fourCC('hvc1'), 'hevc'],
  [fourCC('hev1'), 'hevc'],
  [fourCC('av01'), 'av1'],
]);
const MP4A = fourCC('mp4a');
const MP3_ENTRY = fourCC('.mp3');
const OPUS_ENTRY = fourCC('Opus');

/** Bytes of VisualSampleEntry fields before its child boxes (14496-12 12.1.3). */
const VISUAL_ENTRY_FIELDS = 78;
/** AudioSampleEntry fields before the child boxes, by QuickTime sound description version 0, 1, 2. */
const AUDIO_ENTRY_FIELDS = [28, 44, 64];

/** The tracks of an init segment. Throws only Fmp4ParseError, whatever the bytes. */
export function readInitTracks(bytes: Uint8Array): Track[] {
  return readInitSegment(bytes).tracks;
}

/** Tracks and trex defaults of an init segment. Throws only Fmp4ParseError, whatever the bytes. */
export function readInitSegment(bytes: Uint8Array): InitSegmentInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let moov: BoxHeader | null = null;
  for (let at = 0; at < bytes.length && !moov; ) {
    const header = readBoxHeader(view, at, bytes.length);
    if (header.type === box.moov) moov = header;
    at = header.end;
  }
  if (!moov) throw new Fmp4ParseError('no moov box: not an init segment');
  const tracks: Track[] = [];
  const sampleDefaults = new Map<number, TrackSampleDefaults>();
  try {
    for (const child of readChildren(view, moov)) {
      if (child.type === box.trak) {
        const track = readTrak(bytes, view, child);
        if (!track) continue;
        if (tracks.some((t) => t.id === track.id)) throw new Fmp4ParseError(`two tracks with track_ID ${track.id + 1}`);
        tracks.push(track);
      } else if (child.type === box.mvex) {
        for (const trex of readChildren(view, child)) {
          if (trex.type !== box.trex) continue;
          const r = new FieldReader(view, trex);
          r.versionAndFlags();
          const trackId = r.u32(); // track_ID
          r.u32(); // default_sample_description_index
          sampleDefaults.set(trackId - 1, { duration: r.u32(), size: r.u32(), flags: r.u32() });
        }
      }
    }
  } catch (error) {
    if (error instanceof CodecParseError) throw new Fmp4ParseError(`init segment: ${error.message}`);
    throw error;
  }
  if (tracks.length === 0) throw new Fmp4ParseError('init segment without an audio or video track');
  return { tracks, sampleDefaults };
}

/** One trak (14496-12 8.3.1): null for tracks that are neither video nor audio (text, timecode, metadata). */
function readTrak(bytes: Uint8Array, view: DataView, trak: BoxHeader): Track | null {
  const children = readChildren(view, trak);
  const tkhd = required(children, box.tkhd, 'trak');
  const mdia = required(children, box.mdia, 'trak');
  const { trackId } = readTkhd(view, tkhd);
  const mdiaChildren = readChildren(view, mdia);
  const timescale = readMdhdTimescale(view, required(mdiaChildren, box.mdhd, 'mdia'));
  const handler = readHandlerType(view, required(mdiaChildren, box.hdlr, 'mdia'));
  if (handler !== box.vide && handler !== box.soun) return null;
  const minf = required(mdiaChildren, box.minf, 'mdia');
  const stbl = required(readChildren(view, minf), box.stbl, 'minf');
  const stsd = required(readChildren(view, stbl), box.stsd, 'stbl');
  const entry = firstSampleEntry(view, stsd);
  const id = trackId - 1;
  if (handler === box.vide) return readVisualEntry(bytes, view, entry, id, timescale);
  return readAudioEntry(bytes, view, entry, id, timescale);
}

function required(children: readonly BoxHeader[], type: number, parent: string): BoxHeader {
  const found = children.find((c) => c.type === type);
  if (!found) throw new Fmp4ParseError(`${parent} without a ${fourCCName(type)} box`);
  return found;
}

/** tkhd (14496-12 8.3.2): the track_ID. */
function readTkhd(view: DataView, tkhd: BoxHeader): { trackId: number } {
  const r = new FieldReader(view, tkhd);
  const { version } = r.versionAndFlags();
  r.skip(version === 1 ? 16 : 8); // creation_time, modification_time
  const trackId = r.u32();
  if (trackId === 0) throw new Fmp4ParseError('tkhd with track_ID 0');
  return { trackId };
}

/** mdhd (14496-12 8.4.2): the track's timescale. */
function readMdhdTimescale(view: DataView, mdhd: BoxHeader): number {
  const r = new FieldReader(view, mdhd);
  const { version } = r.versionAndFlags();
  r.skip(version === 1 ? 16 : 8); // creation_time, modification_time
  const timescale = r.u32();
  if (timescale === 0) throw new Fmp4ParseError('mdhd with a timescale of 0');
  return timescale;
}

/** hdlr (14496-12 8.4.3): handler_type. */
function readHandlerType(view: DataView, hdlr: BoxHeader): number {
  const r = new FieldReader(view, hdlr);
  r.versionAndFlags();
  r.skip(4); // pre_defined
  return r.u32();
}

/** stsd (14496-12 8.5.2): the first sample entry; fragments here all use description 1. */
function firstSampleEntry(view: DataView, stsd: BoxHeader): BoxHeader {
  const r = new FieldReader(view, stsd);
  r.versionAndFlags();
  if (r.u32() === 0) throw new Fmp4ParseError('stsd without sample entries'); // entry_count
  return readBoxHeader(view, stsd.bodyStart + 8, stsd.end);
}

/** The child boxes after a sample entry's fixed fields. */
function entryChildren(view: DataView, entry: BoxHeader, fields: number): BoxHeader[] {
  const start = entry.bodyStart + fields;
  if (start > entry.end) throw new Fmp4ParseError(`'${fourCCName(entry.type)}' sample entry of ${entry.end - entry.start} bytes is too short`);
  return readChildren(view, entry, start);
}

function readVisualEntry(bytes: Uint8Array, view: DataView, entry: BoxHeader, id: number, timescale: number): VideoTrack {
  const codec = VISUAL_ENTRIES.get(entry.type);
  if (!codec) throw new Fmp4ParseError(`track ${id + 1}: video sample entry '${fourCCName(entry.type)}' is not supported (avc1/avc3, hvc1/hev1, av01)`);
  const children = entryChildren(view, entry, VISUAL_ENTRY_FIELDS);
  const width = view.getUint16(entry.bodyStart + 24); // after reserved, data_reference_index, pre_defined, reserved, pre_defined[3]
  const height = view.getUint16(entry.bodyStart + 26);
  const configType = codec === 'h264' ? box.avcC : codec === 'hevc' ? box.hvcC : box.av1C;
  const configBox = required(children, configType, fourCCName(entry.type));
  const config = bytes.slice(configBox.bodyStart, configBox.end);
  const base = { kind: 'video' as const, id, timescale, codec, config, width, height };
  if (codec === 'av1') {
    const info = parseAv1Config(config);
    return { ...base, width: width || info.width, height: height || info.height, profile: info.profile, level: info.level, declaredFps: null };
  }
  const sps = (codec === 'h264' ? parseAvcC(config) : parseHvcC(config)).sps[0];
  if (!sps) throw new Fmp4ParseError(`track ${id + 1}: ${fourCCName(configType)} holds no SPS`);
  const info = codec === 'h264' ? parseH264Sps(sps) : parseHevcSps(sps);
  return { ...base, width: width || info.width, height: height || info.height, profile: info.profile, level: info.level, declaredFps: info.fps };
}

function readAudioEntry(bytes: Uint8Array, view: DataView, entry: BoxHeader, id: number, timescale: number): AudioTrack {
  if (entry.type !== MP4A && entry.type !== MP3_ENTRY && entry.type !== OPUS_ENTRY) {
    throw new Fmp4ParseError(`track ${id + 1}: audio sample entry '${fourCCName(entry.type)}' is not supported (mp4a, Opus)`);
  }
  if (entry.end - entry.bodyStart < AUDIO_ENTRY_FIELDS[0]!) throw new Fmp4ParseError(`track ${id + 1}: audio sample entry is too short`);
  const version = view.getUint16(entry.bodyStart + 8); // QuickTime sound description version (0 in ISO files)
  const fields = AUDIO_ENTRY_FIELDS[version];
  if (fields === undefined) throw new Fmp4ParseError(`track ${id + 1}: audio sample entry version ${version}`);
  const channels = view.getUint16(entry.bodyStart + 16); // channelcount
  const sampleRate = view.getUint32(entry.bodyStart + 24) >>> 16; // samplerate, 16.16
  if (entry.type === MP3_ENTRY) return { kind: 'audio', id, timescale, codec: 'mp3', config: new Uint8Array(0), sampleRate: sampleRate || timescale, channels, profile: '' };
  if (entry.type === OPUS_ENTRY) {
    const dOps = required(entryChildren(view, entry, fields), box.dOps, 'Opus');
    const config = bytes.slice(dOps.bodyStart, dOps.end);
    if (config.length < 11 || config[0] !== 0) throw new Fmp4ParseError(`track ${id + 1}: dOps of ${config.length} bytes, version ${config[0] ?? '?'} (version 0, 11 bytes or more)`);
    // Opus always decodes at 48 kHz; InputSampleRate is only what the encoder was fed.
    return { kind: 'audio', id, timescale, codec: 'opus', config, sampleRate: 48_000, channels: config[1]!, profile: '' };
  }
  const esds = required(entryChildren(view, entry, fields), box.esds, 'mp4a');
  const decoder = readEsds(bytes, esds);
  if (decoder.objectType === 0x6b || decoder.objectType === 0x69) {
    return { kind: 'audio', id, timescale, codec: 'mp3', config: new Uint8Array(0), sampleRate: sampleRate || timescale, channels, profile: '' };
  }
  if (!AAC_OBJECT_TYPES.has(decoder.objectType)) throw new Fmp4ParseError(`track ${id + 1}: mp4a objectTypeIndication 0x${decoder.objectType.toString(16)} is not supported (AAC, MP3)`);
  if (!decoder.specificInfo) throw new Fmp4ParseError(`track ${id + 1}: AAC without an AudioSpecificConfig`);
  const config = decoder.specificInfo.slice();
  const info = parseAudioSpecificConfig(config);
  return { kind: 'audio', id, timescale, codec: 'aac', config, sampleRate: info.sampleRate, channels: info.channels, profile: info.profile };
}

/** objectTypeIndication of MPEG-4 audio and the MPEG-2 AAC profiles (14496-1 Table 5). */
const AAC_OBJECT_TYPES = new Set([0x40, 0x66, 0x67, 0x68]);

// Descriptor tags (14496-1 7.2.2.1).
const ES_DESCR_TAG = 0x03;
const DECODER_CONFIG_DESCR_TAG = 0x04;
const DEC_SPECIFIC_INFO_TAG = 0x05;

/** esds (14496-14 5.6.1): the DecoderConfigDescriptor's objectTypeIndication and DecoderSpecificInfo. */
function readEsds(bytes: Uint8Array, esds: BoxHeader): { objectType: number; specificInfo: Uint8Array | null } {
  const end = esds.end;
  let at = esds.bodyStart + 4; // version and flags
  const es = readDescriptor(bytes, at, end);
  if (es.tag !== ES_DESCR_TAG) throw new Fmp4ParseError(`esds starts with descriptor tag ${es.tag}, not an ES_Descriptor`);
  at = es.body + 3; // ES_ID, flags
  if (at > es.end) throw new Fmp4ParseError('ES_Descriptor is too short');
  const flags = bytes[es.body + 2]!;
  if (flags & 0x80) at += 2; // streamDependenceFlag → dependsOn_ES_ID
  if (flags & 0x40) at += 1 + (bytes[at] ?? 0); // URL_Flag → URLlength, URLstring
  if (flags & 0x20) at += 2; // OCRstreamFlag → OCR_ES_Id
  while (at < es.end) {
    const descriptor = readDescriptor(bytes, at, es.end);
    if (descriptor.tag === DECODER_CONFIG_DESCR_TAG) {
      if (descriptor.end - descriptor.body < 13) throw new Fmp4ParseError('DecoderConfigDescriptor is too short');
      const objectType = bytes[descriptor.body]!;
      let specificInfo: Uint8Array | null = null;
      for (let inner = descriptor.body + 13; inner < descriptor.end; ) {
        const child = readDescriptor(bytes, inner, descriptor.end);
        if (child.tag === DEC_SPECIFIC_INFO_TAG) specificInfo = bytes.subarray(child.body, child.end);
        inner = child.end;
      }
      return { objectType, specificInfo };
    }
    at = descriptor.end;
  }
  throw new Fmp4ParseError('esds without a DecoderConfigDescriptor');
}

/** A descriptor's tag and expandable size (14496-1 8.3.3), bounded by `limit`. */
function readDescriptor(bytes: Uint8Array, at: number, limit: number): { tag: number; body: number; end: number } {
  if (at >= limit) throw new Fmp4ParseError('descriptor runs past its container');
  const tag = bytes[at]!;
  let size = 0;
  let i = at + 1;
  for (let n = 0; ; n++) {
    if (n === 4 || i >= limit) throw new Fmp4ParseError('descriptor size runs past its container');
    const byte = bytes[i++]!;
    size = size * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) break;
  }
  if (i + size > limit) throw new Fmp4ParseError(`descriptor of ${size} bytes runs past its container`);
  return { tag, body: i, end: i + size };
}
