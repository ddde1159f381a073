// Sample entries (the stsd contents): what a decoder needs before the first sample.
// Codec configuration comes from the track as ingest built it; it is validated here
// with the codec parsers, never re-derived.
import type { AudioTrack, Track, VideoTrack } from '../../media/frame.js';
import { parseAudioSpecificConfig, parseAvcC, parseHvcC } from '../../media/codecs/index.js';
import { parseAv1Config } from '../../media/codecs/av1-config.js';
import type { BoxWriter } from './box-writer.js';
import { Fmp4WriteError } from './errors.js';

export type VisualSampleEntry = {
  kind: 'visual';
  /** avc1 / hvc1 (parameter sets in the sample entry) / av01 */
  format: 'avc1' | 'hvc1' | 'av01';
  configBox: 'avcC' | 'hvcC' | 'av1C';
  config: Uint8Array;
  width: number;
  height: number;
};

export type AudioSampleEntry =
  | { kind: 'audio'; format: 'mp4a'; audioSpecificConfig: Uint8Array; channels: number; sampleRate: number }
  /** Opus in ISOBMFF (opus-codec.org's encapsulation spec): dOps holds the Ogg OpusHead's fields, big-endian. */
  | { kind: 'audio'; format: 'Opus'; opusSpecific: Uint8Array; channels: number; sampleRate: 48_000 };

export type SampleEntry = VisualSampleEntry | AudioSampleEntry;

/** Byte of lengthSizeMinusOne in avcC (14496-15 5.3.3.1) and hvcC (8.3.3.1). */
const AVCC_LENGTH_SIZE_BYTE = 4;
const HVCC_LENGTH_SIZE_BYTE = 21;

/**
 * The sample entry a track needs. Throws CodecParseError for a config record that does
 * not parse and Fmp4WriteError for a codec this writer has no sample entry for.
 */
export function describeSampleEntry(track: Track): SampleEntry {
  return track.kind === 'video' ? describeVisual(track) : describeAudio(track);
}

function describeVisual(track: VideoTrack): VisualSampleEntry {
  if (!(track.width > 0 && track.width <= 0xffff && track.height > 0 && track.height <= 0xffff)) {
    throw new Fmp4WriteError(`track ${track.id}: video size ${track.width}x${track.height} does not fit a sample entry`);
  }
  const size = { kind: 'visual' as const, width: track.width, height: track.height };
  switch (track.codec) {
    case 'h264':
      // Frames carry 4-byte NAL lengths whatever the encoder's record said (FLV ingest rewrites them): the record must say 4 too.
      return { ...size, format: 'avc1', configBox: 'avcC', config: withFourByteNalLengths(track.config, parseAvcC(track.config).lengthSize, AVCC_LENGTH_SIZE_BYTE) };
    case 'hevc':
      return { ...size, format: 'hvc1', configBox: 'hvcC', config: withFourByteNalLengths(track.config, parseHvcC(track.config).lengthSize, HVCC_LENGTH_SIZE_BYTE) };
    case 'av1':
      parseAv1Config(track.config);
      return { ...size, format: 'av01', configBox: 'av1C', config: track.config };
  }
}

function describeAudio(track: AudioTrack): AudioSampleEntry {
  if (track.codec === 'opus') {
    const dOps = track.config;
    // Version 0, OutputChannelCount, PreSkip, InputSampleRate, OutputGain, ChannelMappingFamily (+ its table when not 0).
    if (dOps.length < 11 || dOps[0] !== 0) throw new Fmp4WriteError(`track ${track.id}: an Opus track needs its dOps record (version 0, 11 bytes or more)`);
    return { kind: 'audio', format: 'Opus', opusSpecific: dOps, channels: dOps[1]!, sampleRate: 48_000 };
  }
  if (track.codec !== 'aac') throw new Fmp4WriteError(`track ${track.id}: ${track.codec} audio cannot be recorded to fMP4 (AAC and Opus)`);
  // The AudioSpecificConfig is what decoders obey; the sample entry restates its output channels and rate.
  const info = parseAudioSpecificConfig(track.config);
  return { kind: 'audio', format: 'mp4a', audioSpecificConfig: track.config, channels: info.channels, sampleRate: info.sampleRate };
}

/** The record itself when it already says 4-byte lengths, else a copy that does (lengthSizeMinusOne = 3). */
function withFourByteNalLengths(record: Uint8Array, lengthSize: number, at: number): Uint8Array {
  if (lengthSize === 4) return record;
  const copy = record.slice();
  copy[at] = (copy[at]! & 0xfc) | 3;
  return copy;
}

/** stsd (14496-12 8.5.2): one sample entry, referenced by every sample (sample_description_index 1). */
export function stsd(w: BoxWriter, entry: SampleEntry): void {
  w.fullBox('stsd', 0, 0, () => {
    w.u32(1); // entry_count
    if (entry.kind === 'visual') visualSampleEntry(w, entry);
    else audioSampleEntry(w, entry);
  });
}

/** The fields every SampleEntry starts with (14496-12 8.5.2.2). */
function sampleEntryHeader(w: BoxWriter): void {
  w.zeros(6); // reserved
  w.u16(1); // data_reference_index: the one 'url ' entry of dref (the data is in this file)
}

/** VisualSampleEntry (14496-12 12.1.3) + its decoder configuration box. */
function visualSampleEntry(w: BoxWriter, entry: VisualSampleEntry): void {
  w.box(entry.format, () => {
    sampleEntryHeader(w);
    w.u16(0); // pre_defined
    w.u16(0); // reserved
    w.zeros(12); // pre_defined[3]
    w.u16(entry.width);
    w.u16(entry.height);
    w.u32(0x0048_0000); // horizresolution: 72 dpi
    w.u32(0x0048_0000); // vertresolution: 72 dpi
    w.u32(0); // reserved
    w.u16(1); // frame_count: one picture per sample
    w.zeros(32); // compressorname: empty (length byte 0)
    w.u16(0x0018); // depth: colour, no alpha
    w.i16(-1); // pre_defined
    decoderConfigurationBox(w, entry.configBox, entry.config);
  });
}

/** avcC (14496-15 5.4.2.1), hvcC (14496-15 8.4.1.1), av1C (AV1-ISOBMFF 2.3): the record the track carries. */
function decoderConfigurationBox(w: BoxWriter, type: VisualSampleEntry['configBox'], record: Uint8Array): void {
  w.box(type, () => w.bytes(record));
}

/** MP4AudioSampleEntry (14496-14 5.6.1) holding an esds, or OpusSampleEntry holding a dOps: an AudioSampleEntry (14496-12 12.2.3). */
function audioSampleEntry(w: BoxWriter, entry: AudioSampleEntry): void {
  w.box(entry.format, () => {
    sampleEntryHeader(w);
    w.zeros(8); // reserved[2]
    w.u16(entry.channels); // channelcount
    w.u16(16); // samplesize
    w.u16(0); // pre_defined
    w.u16(0); // reserved
    // samplerate is 16.16: rates above 65535 Hz do not fit; 0 then, as ffmpeg writes (decoders take the AudioSpecificConfig's).
    w.u32(entry.sampleRate <= 0xffff ? entry.sampleRate * 0x10000 : 0);
    if (entry.format === 'mp4a') esds(w, entry);
    else w.box('dOps', () => w.bytes(entry.opusSpecific));
  });
}

// Descriptor tags (14496-1 7.2.2.1).
const ES_DESCR_TAG = 0x03;
const DECODER_CONFIG_DESCR_TAG = 0x04;
const DEC_SPECIFIC_INFO_TAG = 0x05;
const SL_CONFIG_DESCR_TAG = 0x06;
/** objectTypeIndication for MPEG-4 Audio (14496-1 Table 5; the "40" of "mp4a.40.2"). */
const OBJECT_TYPE_MPEG4_AUDIO = 0x40;
/** streamType 0x05 (AudioStream) << 2 | upStream 0 << 1 | reserved 1. */
const AUDIO_STREAM_TYPE_BYTE = (0x05 << 2) | 1;
/** The decoder input buffer AAC guarantees per channel: 6144 bits (14496-3 4.5.3.1). */
const AAC_BUFFER_BYTES_PER_CHANNEL = 6144 / 8;

/** esds (14496-14 5.6.1): an ES_Descriptor with the DecoderConfigDescriptor carrying the AudioSpecificConfig. */
function esds(w: BoxWriter, entry: Extract<AudioSampleEntry, { format: 'mp4a' }>): void {
  const decoderSpecificInfoSize = descriptorSize(entry.audioSpecificConfig.length);
  const decoderConfigSize = descriptorSize(13 + decoderSpecificInfoSize);
  const slConfigSize = descriptorSize(1);
  w.fullBox('esds', 0, 0, () => {
    descriptorHeader(w, ES_DESCR_TAG, 3 + decoderConfigSize + slConfigSize);
    w.u16(0); // ES_ID: 0 in a file (14496-14 3.1.2)
    w.u8(0); // streamDependenceFlag, URL_Flag, OCRstreamFlag, streamPriority
    descriptorHeader(w, DECODER_CONFIG_DESCR_TAG, 13 + decoderSpecificInfoSize);
    w.u8(OBJECT_TYPE_MPEG4_AUDIO); // objectTypeIndication
    w.u8(AUDIO_STREAM_TYPE_BYTE);
    w.u24(AAC_BUFFER_BYTES_PER_CHANNEL * Math.max(1, entry.channels)); // bufferSizeDB
    w.u32(0); // maxBitrate: not known when recording live
    w.u32(0); // avgBitrate: 0 = variable
    descriptorHeader(w, DEC_SPECIFIC_INFO_TAG, entry.audioSpecificConfig.length);
    w.bytes(entry.audioSpecificConfig);
    descriptorHeader(w, SL_CONFIG_DESCR_TAG, 1);
    w.u8(0x02); // predefined: 2, reserved for MP4 files
  });
}

/** Bytes of a descriptor with `payload` bytes after its tag and expandable size. */
function descriptorSize(payload: number): number {
  return 1 + sizeFieldBytes(payload) + payload;
}

/** Length of sizeOfInstance (14496-1 8.3.3): 7 bits per byte. */
function sizeFieldBytes(size: number): number {
  let bytes = 1;
  while (size >= 2 ** (7 * bytes)) bytes++;
  return bytes;
}

/** A descriptor's tag and sizeOfInstance, shortest form (high bit = another size byte follows). */
function descriptorHeader(w: BoxWriter, tag: number, size: number): void {
  w.u8(tag);
  for (let i = sizeFieldBytes(size) - 1; i >= 0; i--) w.u8(((size >>> (7 * i)) & 0x7f) | (i > 0 ? 0x80 : 0));
}
