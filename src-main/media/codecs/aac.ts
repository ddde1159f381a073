import { BitReader } from './bit-reader.js';
import { CodecParseError } from './codec-error.js';

/** samplingFrequencyIndex → Hz (ISO 14496-3 Table 1.18); 13 and 14 are reserved, 15 means an explicit 24-bit rate. */
export const aacSampleRates: readonly number[] = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** channelConfiguration → channel count (14496-3 Table 1.19, with the 2009 amendment's 11..14); 0 means a PCE decides, -1 reserved. */
const CHANNELS_BY_CONFIG = [0, 1, 2, 3, 4, 5, 6, 8, -1, -1, -1, 7, 8, 24, 8, -1];

export interface AudioSpecificConfigInfo {
  /**
   * The object type the stream is known by (the X in "mp4a.40.X"): 5 for HE-AAC and 29
   * for HE-AACv2 whether signalled hierarchically or by the backward-compatible sync
   * extension; otherwise the core type (2 for LC).
   */
  objectType: number;
  /** "LC", "HE-AAC", "HE-AACv2", "Main", … as ffprobe names them */
  profile: string;
  /** Output rate: the SBR extension rate for HE-AAC, else the core rate. */
  sampleRate: number;
  /** Output channels: 2 for parametric stereo over a mono core. */
  channels: number;
  /** The object type of the core coder (2 for HE-AAC over LC). */
  coreObjectType: number;
  coreSampleRate: number;
  channelConfig: number;
}

/** Object types whose specific config is GASpecificConfig (1.6.2.1). */
const GA_OBJECT_TYPES = new Set([1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23]);
/** Error-resilient object types, which carry epConfig after their specific config. */
const ER_OBJECT_TYPES = new Set([17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 39]);
const SBR = 5;
const PS = 29;
const ER_BSAC = 22;
/** syncExtensionType values of the backward-compatible SBR and PS signalling (1.6.6.2). */
const SYNC_EXTENSION_SBR = 0x2b7;
const SYNC_EXTENSION_PS = 0x548;

/** AudioSpecificConfig() (ISO 14496-3 1.6.2.1), far enough to name the profile, output rate and channels. */
export function parseAudioSpecificConfig(asc: Uint8Array): AudioSpecificConfigInfo {
  const r = new BitReader(asc);
  let objectType = readObjectType(r);
  const coreSampleRate = readSamplingFrequency(r);
  const channelConfig = r.readBits(4);
  let channels = CHANNELS_BY_CONFIG[channelConfig] ?? -1;
  if (channels < 0) throw new CodecParseError(`reserved channelConfiguration ${channelConfig}`);

  let sbr = false;
  let ps = false;
  let extensionSampleRate: number | null = null;
  if (objectType === SBR || objectType === PS) {
    // Hierarchical signalling: the SBR/PS layer first, then the core it extends.
    sbr = true;
    ps = objectType === PS;
    extensionSampleRate = readSamplingFrequency(r); // extensionSamplingFrequencyIndex
    objectType = readObjectType(r);
    if (objectType === ER_BSAC) r.skipBits(4); // extensionChannelConfiguration
  }
  const coreObjectType = objectType;

  if (GA_OBJECT_TYPES.has(coreObjectType)) {
    const pceChannels = readGaSpecificConfig(r, coreObjectType, channelConfig);
    if (channelConfig === 0) channels = pceChannels;
    let epConfig = 0;
    if (ER_OBJECT_TYPES.has(coreObjectType)) epConfig = r.readBits(2);
    // ErrorProtectionSpecificConfig (epConfig 2, 3) would come next; we stop before it.
    if (!sbr && epConfig < 2 && r.bitsLeft() >= 16) {
      const sync = readSyncExtension(r);
      sbr = sync.sbr;
      ps = sync.ps;
      extensionSampleRate = sync.sampleRate;
    }
  }
  // Other object types (CELP, HVXC, ALS, …) need no more for the fields we report.

  const knownAs = ps ? PS : sbr ? SBR : coreObjectType;
  return {
    objectType: knownAs,
    profile: aacProfileName(knownAs),
    sampleRate: extensionSampleRate ?? coreSampleRate,
    channels: ps && channels === 1 ? 2 : channels,
    coreObjectType,
    coreSampleRate,
    channelConfig,
  };
}

/** GetAudioObjectType() (1.6.2.1): 5 bits, 31 escapes to 32 + 6 more. */
function readObjectType(r: BitReader): number {
  const type = r.readBits(5);
  return type === 31 ? 32 + r.readBits(6) : type;
}

/** samplingFrequencyIndex, or 0xf followed by a 24-bit samplingFrequency. */
function readSamplingFrequency(r: BitReader): number {
  const index = r.readBits(4);
  if (index === 0xf) {
    const rate = r.readBits(24);
    if (rate === 0) throw new CodecParseError('explicit samplingFrequency of 0');
    return rate;
  }
  const rate = aacSampleRates[index];
  if (rate === undefined) throw new CodecParseError(`reserved samplingFrequencyIndex ${index}`);
  return rate;
}

/** GASpecificConfig() (4.4.1); returns the channel count of its program_config_element when channelConfiguration is 0. */
function readGaSpecificConfig(r: BitReader, objectType: number, channelConfig: number): number {
  r.skipBits(1); // frameLengthFlag
  if (r.readBool()) r.skipBits(14); // dependsOnCoreCoder → coreCoderDelay
  const extensionFlag = r.readBool();
  let channels = 0;
  if (channelConfig === 0) channels = readProgramConfigElementChannels(r);
  if (objectType === 6 || objectType === 20) r.skipBits(3); // layerNr
  if (extensionFlag) {
    if (objectType === ER_BSAC) r.skipBits(5 + 11); // numOfSubFrame, layer_length
    if (objectType === 17 || objectType === 19 || objectType === 20 || objectType === 23) {
      r.skipBits(3); // aacSectionDataResilienceFlag, aacScalefactorDataResilienceFlag, aacSpectralDataResilienceFlag
    }
    r.skipBits(1); // extensionFlag3
  }
  return channels;
}

/** program_config_element() (4.4.1.1): counts the channels its elements carry (a CPE is two). */
function readProgramConfigElementChannels(r: BitReader): number {
  r.skipBits(4 + 2 + 4); // element_instance_tag, object_type, sampling_frequency_index
  const front = r.readBits(4); // num_front_channel_elements
  const side = r.readBits(4); // num_side_channel_elements
  const back = r.readBits(4); // num_back_channel_elements
  const lfe = r.readBits(2); // num_lfe_channel_elements
  const assoc = r.readBits(3); // num_assoc_data_elements
  const cc = r.readBits(4); // num_valid_cc_elements
  if (r.readBool()) r.skipBits(4); // mono_mixdown_present → mono_mixdown_element_number
  if (r.readBool()) r.skipBits(4); // stereo_mixdown_present → stereo_mixdown_element_number
  if (r.readBool()) r.skipBits(3); // matrix_mixdown_idx_present → matrix_mixdown_idx, pseudo_surround_enable
  let channels = 0;
  for (let i = 0; i < front + side + back; i++) {
    channels += r.readBool() ? 2 : 1; // *_element_is_cpe
    r.skipBits(4); // *_element_tag_select
  }
  channels += lfe;
  r.skipBits(lfe * 4 + assoc * 4 + cc * 5); // lfe/assoc tags, cc_element_is_ind_sw + tags
  r.skipBits(r.bitsLeft() % 8); // byte_alignment(), relative to the start of the AudioSpecificConfig
  r.skipBits(r.readBits(8) * 8); // comment_field_bytes, comment_field_data
  if (channels === 0) throw new CodecParseError('program_config_element without channels');
  return channels;
}

/** The backward-compatible SBR/PS signalling after the core config (1.6.6.2, syncExtensionType 0x2b7 / 0x548). */
function readSyncExtension(r: BitReader): { sbr: boolean; ps: boolean; sampleRate: number | null } {
  const none = { sbr: false, ps: false, sampleRate: null };
  if (r.readBits(11) !== SYNC_EXTENSION_SBR) return none;
  const extensionType = readObjectType(r);
  if (extensionType === SBR) {
    if (!r.readBool()) return none; // sbrPresentFlag
    const sampleRate = readSamplingFrequency(r);
    let ps = false;
    if (r.bitsLeft() >= 12 && r.readBits(11) === SYNC_EXTENSION_PS) ps = r.readBool(); // psPresentFlag
    return { sbr: true, ps, sampleRate };
  }
  if (extensionType === ER_BSAC) {
    if (!r.readBool()) return none;
    const sampleRate = readSamplingFrequency(r);
    r.skipBits(4); // extensionChannelConfiguration
    return { sbr: true, ps: false, sampleRate };
  }
  return none;
}

const AAC_PROFILE_NAMES: Record<number, string> = {
  1: 'Main',
  2: 'LC',
  3: 'SSR',
  4: 'LTP',
  5: 'HE-AAC',
  23: 'LD',
  29: 'HE-AACv2',
  39: 'ELD',
};

/** Profile name for an audio object type, as ffprobe prints it. */
export function aacProfileName(objectType: number): string {
  return AAC_PROFILE_NAMES[objectType] ?? `AOT ${objectType}`;
}

/** adts_fixed_header + adts_variable_header (ISO 14496-3 1.A.2.2). */
export interface AdtsHeader {
  /** 7, or 9 with the CRC (protection_absent = 0) */
  headerLength: number;
  /** aac_frame_length: header included */
  frameLength: number;
  /** profile_ObjectType + 1 (1 Main, 2 LC, 3 SSR, 4 LTP) */
  objectType: number;
  sampleRateIndex: number;
  sampleRate: number;
  /** channel_configuration; 0 means a PCE in the payload decides */
  channelConfig: number;
  /** number_of_raw_data_blocks_in_frame + 1: each block is 1024 samples */
  rawDataBlocks: number;
}

/**
 * The ADTS header at offset, or null when there is none: no 0xFFF sync word, layer not 0,
 * a reserved sampling index, a frame length shorter than the header, or fewer than 7
 * bytes left. Returning null for all of these lets a caller scan for the next frame.
 */
export function parseAdtsHeader(data: Uint8Array, offset: number): AdtsHeader | null {
  if (!Number.isInteger(offset) || offset < 0 || offset + 7 > data.length) return null;
  const b1 = data[offset + 1]!;
  if (data[offset] !== 0xff || (b1 & 0xf6) !== 0xf0) return null; // syncword, (ID), layer == 0
  const b2 = data[offset + 2]!;
  const b3 = data[offset + 3]!;
  const headerLength = b1 & 0x01 ? 7 : 9; // protection_absent
  const sampleRateIndex = (b2 >> 2) & 0x0f;
  const sampleRate = aacSampleRates[sampleRateIndex];
  if (sampleRate === undefined) return null;
  const frameLength = ((b3 & 0x03) << 11) | (data[offset + 4]! << 3) | (data[offset + 5]! >> 5);
  if (frameLength < headerLength) return null;
  return {
    headerLength,
    frameLength,
    objectType: (b2 >> 6) + 1,
    sampleRateIndex,
    sampleRate,
    channelConfig: ((b2 & 0x01) << 2) | (b3 >> 6),
    rawDataBlocks: (data[offset + 6]! & 0x03) + 1,
  };
}

/**
 * The 2-byte AudioSpecificConfig of an ADTS stream: audioObjectType (1..4, what ADTS
 * can carry), samplingFrequencyIndex (0..12), channelConfiguration (1..7; 0 would need
 * a PCE) and a GASpecificConfig of 1024-sample frames, no core coder, no extension.
 */
export function buildAudioSpecificConfig(objectType: number, sampleRateIndex: number, channelConfig: number): Uint8Array {
  if (!Number.isInteger(objectType) || objectType < 1 || objectType > 4) throw new CodecParseError(`object type ${objectType}: only 1..4 (AAC Main/LC/SSR/LTP) are built`);
  if (!Number.isInteger(sampleRateIndex) || sampleRateIndex < 0 || sampleRateIndex > 12) throw new CodecParseError(`samplingFrequencyIndex ${sampleRateIndex} is not 0..12`);
  if (!Number.isInteger(channelConfig) || channelConfig < 1 || channelConfig > 7) throw new CodecParseError(`channelConfiguration ${channelConfig} is not 1..7`);
  // audioObjectType(5) samplingFrequencyIndex(4) channelConfiguration(4) frameLengthFlag(1) dependsOnCoreCoder(1) extensionFlag(1)
  const bits = (objectType << 11) | (sampleRateIndex << 7) | (channelConfig << 3);
  return Uint8Array.of(bits >> 8, bits & 0xff);
}
