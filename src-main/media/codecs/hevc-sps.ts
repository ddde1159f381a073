import { BitReader, removeEmulationPrevention } from './bit-reader.js';
import { chromaSubsampling, readWindowOffsets } from './sps-common.js';
import { CodecParseError } from './codec-error.js';
import { HevcNalType, hevcNalLayerId, hevcNalType } from './nal.js';

export interface HevcSpsInfo {
  /** general_profile_idc, or the first general_profile_compatibility_flag set when it is 0 (A.3). */
  profileIdc: number;
  /** "Main", "Main 10", "Main Still Picture", "Range Extensions", … */
  profile: string;
  /** general_tier_flag: 0 Main tier, 1 High tier */
  tierFlag: number;
  /** general_level_idc: 30 × the level number */
  levelIdc: number;
  /** general_level_idc / 30, e.g. "4.1" */
  level: string;
  spsId: number;
  /** Luma samples inside the conformance window (7.4.3.2.1). */
  width: number;
  height: number;
  /** VUI timing: vui_time_scale / vui_num_units_in_tick (E.3.1); null when the SPS has none. */
  fps: number | null;
  chromaFormatIdc: number;
  /** bit_depth_luma_minus8 + 8 */
  bitDepth: number;
  bitDepthChroma: number;

  // The general profile_tier_level fields and the rest an hvcC record restates (14496-15 8.3.3.1).
  profileSpace: number;
  /** general_profile_compatibility_flag[0..31], flag 0 in the most significant bit. */
  profileCompatibilityFlags: number;
  /** The 48 bits from general_progressive_source_flag to general_inbld_flag/reserved, as 6 bytes. */
  constraintIndicatorFlags: Uint8Array;
  /** sps_max_sub_layers_minus1 + 1 */
  maxSubLayers: number;
  temporalIdNesting: boolean;
  /** From the VUI bitstream restriction; 0 when absent. */
  minSpatialSegmentationIdc: number;
}

/** Spec limits (7.4.3.2.1, 7.4.8), so corrupt counts fail fast. */
const MAX_SPS_ID = 15;
const MAX_SHORT_TERM_REF_PIC_SETS = 64;
const MAX_DELTA_POCS = 16;
const MAX_LONG_TERM_REF_PICS = 32;
const MAX_CPB_CNT = 32;

/** seq_parameter_set_rbsp (H.265 7.3.2.2.1) of a base-layer SPS NAL unit (2-byte header included, emulation prevention not yet removed). */
export function parseHevcSps(nal: Uint8Array): HevcSpsInfo {
  if (hevcNalType(nal) !== HevcNalType.SPS) throw new CodecParseError(`not an HEVC SPS (nal_unit_type ${hevcNalType(nal)})`);
  if (hevcNalLayerId(nal) !== 0) throw new CodecParseError(`HEVC SPS of layer ${hevcNalLayerId(nal)}: only the base layer is supported`);
  const rbsp = removeEmulationPrevention(nal).subarray(2);
  const r = new BitReader(rbsp);
  r.skipBits(4); // sps_video_parameter_set_id
  const maxSubLayersMinus1 = r.readBits(3);
  const temporalIdNesting = r.readBool();
  const ptl = readProfileTierLevel(r, rbsp, maxSubLayersMinus1);

  const spsId = r.readUE();
  if (spsId > MAX_SPS_ID) throw new CodecParseError(`sps_seq_parameter_set_id ${spsId} > ${MAX_SPS_ID}`);
  const chromaFormatIdc = r.readUE();
  if (chromaFormatIdc > 3) throw new CodecParseError(`chroma_format_idc ${chromaFormatIdc} > 3`);
  const separateColourPlane = chromaFormatIdc === 3 ? r.readBool() : false;
  const codedWidth = r.readUE(); // pic_width_in_luma_samples
  const codedHeight = r.readUE(); // pic_height_in_luma_samples
  const conf = readWindowOffsets(r); // conformance_window_flag and its offsets
  // SubWidthC/SubHeightC (Table 6-1): the offsets are in chroma sample units.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const { subWidthC, subHeightC } = chromaSubsampling(chromaArrayType);
  const width = codedWidth - subWidthC * (conf.left + conf.right);
  const height = codedHeight - subHeightC * (conf.top + conf.bottom);
  if (width <= 0 || height <= 0) throw new CodecParseError(`conformance window leaves no picture (${width}x${height})`);
  const bitDepth = r.readUE() + 8; // bit_depth_luma_minus8
  const bitDepthChroma = r.readUE() + 8; // bit_depth_chroma_minus8
  if (bitDepth > 16 || bitDepthChroma > 16) throw new CodecParseError(`bit depth ${bitDepth}/${bitDepthChroma} > 16`);
  const log2MaxPocLsb = r.readUE() + 4; // log2_max_pic_order_cnt_lsb_minus4
  if (log2MaxPocLsb > 16) throw new CodecParseError(`log2_max_pic_order_cnt_lsb ${log2MaxPocLsb} > 16`);
  const subLayerOrderingInfo = r.readBool();
  for (let i = subLayerOrderingInfo ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
    r.readUE(); // sps_max_dec_pic_buffering_minus1[i]
    r.readUE(); // sps_max_num_reorder_pics[i]
    r.readUE(); // sps_max_latency_increase_plus1[i]
  }
  r.readUE(); // log2_min_luma_coding_block_size_minus3
  r.readUE(); // log2_diff_max_min_luma_coding_block_size
  r.readUE(); // log2_min_luma_transform_block_size_minus2
  r.readUE(); // log2_diff_max_min_luma_transform_block_size
  r.readUE(); // max_transform_hierarchy_depth_inter
  r.readUE(); // max_transform_hierarchy_depth_intra
  if (r.readBool() && r.readBool()) skipScalingListData(r); // scaling_list_enabled_flag, sps_scaling_list_data_present_flag
  r.skipBits(2); // amp_enabled_flag, sample_adaptive_offset_enabled_flag
  if (r.readBool()) {
    // pcm_enabled_flag
    r.skipBits(8); // pcm_sample_bit_depth_luma_minus1, pcm_sample_bit_depth_chroma_minus1
    r.readUE(); // log2_min_pcm_luma_coding_block_size_minus3
    r.readUE(); // log2_diff_max_min_pcm_luma_coding_block_size
    r.skipBits(1); // pcm_loop_filter_disabled_flag
  }
  skipShortTermRefPicSets(r);
  if (r.readBool()) {
    // long_term_ref_pics_present_flag
    const count = r.readUE(); // num_long_term_ref_pics_sps
    if (count > MAX_LONG_TERM_REF_PICS) throw new CodecParseError(`num_long_term_ref_pics_sps ${count} > ${MAX_LONG_TERM_REF_PICS}`);
    for (let i = 0; i < count; i++) r.skipBits(log2MaxPocLsb + 1); // lt_ref_pic_poc_lsb_sps[i], used_by_curr_pic_lt_sps_flag[i]
  }
  r.skipBits(2); // sps_temporal_mvp_enabled_flag, strong_intra_smoothing_enabled_flag
  const vui = r.readBool() ? readVui(r, maxSubLayersMinus1) : { fps: null, minSpatialSegmentationIdc: 0 }; // vui_parameters_present_flag

  return {
    profileIdc: ptl.profileIdc,
    profile: hevcProfileName(ptl.profileIdc),
    tierFlag: ptl.tierFlag,
    levelIdc: ptl.levelIdc,
    level: (ptl.levelIdc / 30).toFixed(1),
    spsId,
    width,
    height,
    fps: vui.fps,
    chromaFormatIdc,
    bitDepth,
    bitDepthChroma,
    profileSpace: ptl.profileSpace,
    profileCompatibilityFlags: ptl.compatibilityFlags,
    constraintIndicatorFlags: ptl.constraintFlags,
    maxSubLayers: maxSubLayersMinus1 + 1,
    temporalIdNesting,
    minSpatialSegmentationIdc: vui.minSpatialSegmentationIdc,
  };
}

interface GeneralProfileTierLevel {
  profileSpace: number;
  tierFlag: number;
  profileIdc: number;
  compatibilityFlags: number;
  constraintFlags: Uint8Array;
  levelIdc: number;
}

/** profile_tier_level(1, maxNumSubLayersMinus1) (7.3.3); the general part is byte-aligned, so its 48 constraint bits are copied as bytes. */
function readProfileTierLevel(r: BitReader, rbsp: Uint8Array, maxSubLayersMinus1: number): GeneralProfileTierLevel {
  const profileSpace = r.readBits(2);
  const tierFlag = r.readBit();
  let profileIdc = r.readBits(5);
  const compatibilityFlags = r.readBits(32);
  const constraintAt = rbsp.length * 8 - r.bitsLeft();
  r.skipBits(48); // progressive/interlaced/non_packed/frame_only flags and the 44 bits after them
  // A copy, not a view: the input may be a pooled Buffer, and Buffer#slice would not copy.
  const constraintFlags = new Uint8Array(rbsp.subarray(constraintAt / 8, constraintAt / 8 + 6));
  const levelIdc = r.readBits(8);
  if (profileIdc === 0) {
    // Older encoders signal the profile only by compatibility flag (A.3: flag j means profile j).
    for (let j = 1; j < 32; j++) {
      if ((compatibilityFlags >>> (31 - j)) & 1) {
        profileIdc = j;
        break;
      }
    }
  }
  const profilePresent: boolean[] = [];
  const levelPresent: boolean[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    profilePresent.push(r.readBool()); // sub_layer_profile_present_flag[i]
    levelPresent.push(r.readBool()); // sub_layer_level_present_flag[i]
  }
  if (maxSubLayersMinus1 > 0) r.skipBits(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    if (profilePresent[i]) r.skipBits(88); // sub_layer profile space … inbld/reserved
    if (levelPresent[i]) r.skipBits(8); // sub_layer_level_idc[i]
  }
  return { profileSpace, tierFlag, profileIdc, compatibilityFlags, constraintFlags, levelIdc };
}

/** scaling_list_data() (7.3.4) */
function skipScalingListData(r: BitReader): void {
  for (let sizeId = 0; sizeId < 4; sizeId++) {
    for (let matrixId = 0; matrixId < 6; matrixId += sizeId === 3 ? 3 : 1) {
      if (!r.readBool()) {
        r.readUE(); // scaling_list_pred_mode_flag = 0: scaling_list_pred_matrix_id_delta
      } else {
        const coefNum = Math.min(64, 1 << (4 + (sizeId << 1)));
        if (sizeId > 1) r.readSE(); // scaling_list_dc_coef_minus8
        for (let i = 0; i < coefNum; i++) r.readSE(); // scaling_list_delta_coef
      }
    }
  }
}

/** num_short_term_ref_pic_sets and each st_ref_pic_set(i) (7.3.7), tracking NumDeltaPocs for inter-set prediction (7-61). */
function skipShortTermRefPicSets(r: BitReader): void {
  const count = r.readUE(); // num_short_term_ref_pic_sets
  if (count > MAX_SHORT_TERM_REF_PIC_SETS) throw new CodecParseError(`num_short_term_ref_pic_sets ${count} > ${MAX_SHORT_TERM_REF_PIC_SETS}`);
  const numDeltaPocs: number[] = [];
  for (let idx = 0; idx < count; idx++) {
    let interPrediction = false;
    if (idx !== 0) interPrediction = r.readBool(); // inter_ref_pic_set_prediction_flag
    if (interPrediction) {
      // In the SPS delta_idx_minus1 is absent (0): the reference set is the previous one.
      r.skipBits(1); // delta_rps_sign
      r.readUE(); // abs_delta_rps_minus1
      let pocs = 0;
      const referencePocs = numDeltaPocs[idx - 1] ?? 0;
      for (let j = 0; j <= referencePocs; j++) {
        const usedByCurrPic = r.readBool(); // used_by_curr_pic_flag[j]
        const useDelta = usedByCurrPic || r.readBool(); // use_delta_flag[j], inferred 1 when absent
        if (useDelta) pocs++;
      }
      numDeltaPocs.push(pocs);
    } else {
      const negative = r.readUE(); // num_negative_pics
      const positive = r.readUE(); // num_positive_pics
      if (negative > MAX_DELTA_POCS || positive > MAX_DELTA_POCS) throw new CodecParseError(`st_ref_pic_set with ${negative}+${positive} pictures`);
      for (let i = 0; i < negative + positive; i++) {
        r.readUE(); // delta_poc_s0/s1_minus1[i]
        r.skipBits(1); // used_by_curr_pic_s0/s1_flag[i]
      }
      numDeltaPocs.push(negative + positive);
    }
  }
}

interface VuiInfo {
  fps: number | null;
  minSpatialSegmentationIdc: number;
}

/**
 * vui_parameters() (E.2.1) for the timing and the bitstream restriction. A VUI that runs
 * out early only loses those: the picture size is already known.
 */
function readVui(r: BitReader, maxSubLayersMinus1: number): VuiInfo {
  const info: VuiInfo = { fps: null, minSpatialSegmentationIdc: 0 };
  try {
    if (r.readBool()) {
      // aspect_ratio_info_present_flag
      if (r.readBits(8) === 255) r.skipBits(32); // aspect_ratio_idc == EXTENDED_SAR: sar_width, sar_height
    }
    if (r.readBool()) r.skipBits(1); // overscan_info_present_flag → overscan_appropriate_flag
    if (r.readBool()) {
      // video_signal_type_present_flag: video_format, video_full_range_flag
      r.skipBits(4);
      if (r.readBool()) r.skipBits(24); // colour_description_present_flag
    }
    if (r.readBool()) {
      // chroma_loc_info_present_flag
      r.readUE();
      r.readUE();
    }
    r.skipBits(3); // neutral_chroma_indication_flag, field_seq_flag, frame_field_info_present_flag
    if (r.readBool()) {
      // default_display_window_flag: offsets
      for (let i = 0; i < 4; i++) r.readUE();
    }
    if (r.readBool()) {
      // vui_timing_info_present_flag
      const numUnitsInTick = r.readBits(32);
      const timeScale = r.readBits(32);
      if (numUnitsInTick > 0 && timeScale > 0) info.fps = timeScale / numUnitsInTick;
      if (r.readBool()) r.readUE(); // vui_poc_proportional_to_timing_flag → vui_num_ticks_poc_diff_one_minus1
      if (r.readBool()) skipHrdParameters(r, maxSubLayersMinus1); // vui_hrd_parameters_present_flag
    }
    if (r.readBool()) {
      // bitstream_restriction_flag
      r.skipBits(3); // tiles_fixed_structure_flag, motion_vectors_over_pic_boundaries_flag, restricted_ref_pic_lists_flag
      info.minSpatialSegmentationIdc = r.readUE();
    }
  } catch (error) {
    if (!(error instanceof CodecParseError)) throw error;
  }
  return info;
}

/** hrd_parameters(1, maxNumSubLayersMinus1) (E.2.2) */
function skipHrdParameters(r: BitReader, maxSubLayersMinus1: number): void {
  const nalHrd = r.readBool(); // nal_hrd_parameters_present_flag
  const vclHrd = r.readBool(); // vcl_hrd_parameters_present_flag
  let subPicHrd = false;
  if (nalHrd || vclHrd) {
    subPicHrd = r.readBool(); // sub_pic_hrd_params_present_flag
    if (subPicHrd) r.skipBits(8 + 5 + 1 + 5); // tick_divisor_minus2 … dpb_output_delay_du_length_minus1
    r.skipBits(4 + 4); // bit_rate_scale, cpb_size_scale
    if (subPicHrd) r.skipBits(4); // cpb_size_du_scale
    r.skipBits(5 + 5 + 5); // initial_cpb_removal_delay_length_minus1, au_cpb_removal_delay_length_minus1, dpb_output_delay_length_minus1
  }
  for (let i = 0; i <= maxSubLayersMinus1; i++) {
    const fixedPicRateGeneral = r.readBool();
    const fixedPicRateWithinCvs = fixedPicRateGeneral || r.readBool();
    let lowDelay = false;
    if (fixedPicRateWithinCvs) r.readUE(); // elemental_duration_in_tc_minus1
    else lowDelay = r.readBool(); // low_delay_hrd_flag
    const cpbCount = lowDelay ? 1 : r.readUE() + 1; // cpb_cnt_minus1
    if (cpbCount > MAX_CPB_CNT) throw new CodecParseError(`cpb_cnt_minus1 ${cpbCount - 1} > ${MAX_CPB_CNT - 1}`);
    const layers = (nalHrd ? 1 : 0) + (vclHrd ? 1 : 0);
    // sub_layer_hrd_parameters(i) (E.2.3) for the NAL and the VCL HRD
    for (let k = 0; k < layers * cpbCount; k++) {
      r.readUE(); // bit_rate_value_minus1
      r.readUE(); // cpb_size_value_minus1
      if (subPicHrd) {
        r.readUE(); // cpb_size_du_value_minus1
        r.readUE(); // bit_rate_du_value_minus1
      }
      r.skipBits(1); // cbr_flag
    }
  }
}

/** video_parameter_set_id: the first 4 bits after the header (7.3.2.1); what in-band VPS updates are keyed by. */
export function hevcVpsId(nal: Uint8Array): number {
  if (hevcNalType(nal) !== HevcNalType.VPS || nal.length < 3) throw new CodecParseError('not an HEVC VPS');
  return nal[2]! >> 4;
}

/** pps_pic_parameter_set_id, the first field of a PPS (7.3.2.3.1). */
export function hevcPpsId(nal: Uint8Array): number {
  if (hevcNalType(nal) !== HevcNalType.PPS) throw new CodecParseError('not an HEVC PPS');
  return new BitReader(removeEmulationPrevention(nal).subarray(2)).readUE();
}

const HEVC_PROFILE_NAMES: Record<number, string> = {
  1: 'Main',
  2: 'Main 10',
  3: 'Main Still Picture',
  4: 'Range Extensions',
  5: 'High Throughput',
  6: 'Multiview Main',
  7: 'Scalable Main',
  8: '3D Main',
  9: 'Screen Content Coding',
  10: 'Scalable Range Extensions',
  11: 'High Throughput Screen Content Coding',
};

export function hevcProfileName(profileIdc: number): string {
  return HEVC_PROFILE_NAMES[profileIdc] ?? `Profile ${profileIdc}`;
}
