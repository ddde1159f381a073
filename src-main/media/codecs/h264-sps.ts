import { BitReader, removeEmulationPrevention } from './bit-reader.js';
import { chromaSubsampling, readWindowOffsets } from './sps-common.js';
import { CodecParseError } from './codec-error.js';
import { H264NalType, h264NalType } from './nal.js';

export interface H264SpsInfo {
  profileIdc: number;
  /** ffmpeg's names: "Constrained Baseline", "Main", "High", "High 10", "High 4:2:2 Intra", … */
  profile: string;
  /** The second SPS byte: constraint_set0..5_flag and reserved_zero_2bits, as avcC's profile_compatibility. */
  constraintFlags: number;
  levelIdc: number;
  /** "4.1"; "1b" for level_idc 9, or 11 with constraint_set3_flag in Baseline/Main/Extended (A.3.1). */
  level: string;
  spsId: number;
  /** Luma samples after the frame cropping rectangle (7.4.2.1.1). */
  width: number;
  height: number;
  /** VUI timing: time_scale / (2 * num_units_in_tick) (E.2.1); null when not declared. */
  fps: number | null;
  chromaFormatIdc: number;
  /** bit_depth_luma_minus8 + 8 */
  bitDepth: number;
  bitDepthChroma: number;
}

/** Profiles whose SPS carries chroma_format_idc, bit depths and scaling matrices (7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** Limits from the spec's semantics, so corrupt counts fail fast instead of looping for long. */
const MAX_SPS_ID = 31;
const MAX_POC_CYCLE = 255;

/** seq_parameter_set_data (H.264 7.3.2.1.1) of an SPS NAL unit (header byte included, emulation prevention not yet removed). */
export function parseH264Sps(nal: Uint8Array): H264SpsInfo {
  if (h264NalType(nal) !== H264NalType.SPS) throw new CodecParseError(`not an H.264 SPS (nal_unit_type ${h264NalType(nal)})`);
  const r = new BitReader(removeEmulationPrevention(nal).subarray(1));
  const profileIdc = r.readBits(8);
  const constraintFlags = r.readBits(8);
  const levelIdc = r.readBits(8);
  const spsId = r.readUE();
  if (spsId > MAX_SPS_ID) throw new CodecParseError(`seq_parameter_set_id ${spsId} > ${MAX_SPS_ID}`);

  let chromaFormatIdc = 1;
  let separateColourPlane = false;
  let bitDepth = 8;
  let bitDepthChroma = 8;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.readUE();
    if (chromaFormatIdc > 3) throw new CodecParseError(`chroma_format_idc ${chromaFormatIdc} > 3`);
    if (chromaFormatIdc === 3) separateColourPlane = r.readBool();
    bitDepth = r.readUE() + 8; // bit_depth_luma_minus8
    bitDepthChroma = r.readUE() + 8; // bit_depth_chroma_minus8
    if (bitDepth > 14 || bitDepthChroma > 14) throw new CodecParseError(`bit depth ${bitDepth}/${bitDepthChroma} > 14`);
    r.skipBits(1); // qpprime_y_zero_transform_bypass_flag
    if (r.readBool()) {
      // seq_scaling_matrix_present_flag: lists only need skipping
      const lists = chromaFormatIdc !== 3 ? 8 : 12;
      for (let i = 0; i < lists; i++) {
        if (r.readBool()) skipScalingList(r, i < 6 ? 16 : 64); // seq_scaling_list_present_flag[i]
      }
    }
  }

  r.readUE(); // log2_max_frame_num_minus4
  const picOrderCntType = r.readUE();
  if (picOrderCntType === 0) {
    r.readUE(); // log2_max_pic_order_cnt_lsb_minus4
  } else if (picOrderCntType === 1) {
    r.skipBits(1); // delta_pic_order_always_zero_flag
    r.readSE(); // offset_for_non_ref_pic
    r.readSE(); // offset_for_top_to_bottom_field
    const cycle = r.readUE(); // num_ref_frames_in_pic_order_cnt_cycle
    if (cycle > MAX_POC_CYCLE) throw new CodecParseError(`num_ref_frames_in_pic_order_cnt_cycle ${cycle} > ${MAX_POC_CYCLE}`);
    for (let i = 0; i < cycle; i++) r.readSE(); // offset_for_ref_frame[i]
  } else if (picOrderCntType !== 2) {
    throw new CodecParseError(`pic_order_cnt_type ${picOrderCntType} > 2`);
  }
  r.readUE(); // max_num_ref_frames
  r.skipBits(1); // gaps_in_frame_num_value_allowed_flag
  const widthInMbs = r.readUE() + 1; // pic_width_in_mbs_minus1
  const heightInMapUnits = r.readUE() + 1; // pic_height_in_map_units_minus1
  const frameMbsOnly = r.readBit(); // frame_mbs_only_flag
  if (!frameMbsOnly) r.skipBits(1); // mb_adaptive_frame_field_flag
  r.skipBits(1); // direct_8x8_inference_flag

  const crop = readWindowOffsets(r); // frame_cropping_flag and its offsets
  // CropUnitX/CropUnitY (7-19..7-22): in chroma sample units, doubled for field coding.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const { subWidthC, subHeightC } = chromaSubsampling(chromaArrayType);
  const cropUnitX = chromaArrayType === 0 ? 1 : subWidthC;
  const cropUnitY = (chromaArrayType === 0 ? 1 : subHeightC) * (2 - frameMbsOnly);
  const width = widthInMbs * 16 - cropUnitX * (crop.left + crop.right);
  const height = (2 - frameMbsOnly) * heightInMapUnits * 16 - cropUnitY * (crop.top + crop.bottom);
  if (width <= 0 || height <= 0) throw new CodecParseError(`cropping leaves no picture (${width}x${height})`);

  let fps: number | null = null;
  if (r.readBool()) fps = readVuiFrameRate(r); // vui_parameters_present_flag

  return {
    profileIdc,
    profile: h264ProfileName(profileIdc, constraintFlags),
    constraintFlags,
    levelIdc,
    level: h264LevelName(profileIdc, constraintFlags, levelIdc),
    spsId,
    width,
    height,
    fps,
    chromaFormatIdc,
    bitDepth,
    bitDepthChroma,
  };
}

/** pic_parameter_set_id, the first field of a PPS (7.3.2.2); what in-band PPS updates are keyed by. */
export function h264PpsId(nal: Uint8Array): number {
  if (h264NalType(nal) !== H264NalType.PPS) throw new CodecParseError(`not an H.264 PPS (nal_unit_type ${h264NalType(nal)})`);
  return new BitReader(removeEmulationPrevention(nal).subarray(1)).readUE();
}

/** scaling_list() (7.3.2.1.1.1): delta_scale values until nextScale becomes 0. */
function skipScalingList(r: BitReader, size: number): void {
  let lastScale = 8;
  let nextScale = 8;
  for (let j = 0; j < size; j++) {
    if (nextScale !== 0) {
      const deltaScale = r.readSE();
      nextScale = (lastScale + deltaScale + 256) % 256;
    }
    lastScale = nextScale === 0 ? lastScale : nextScale;
  }
}

/**
 * vui_parameters() (E.1.1) up to the timing info. A VUI cut short only loses the frame
 * rate: some encoders write broken VUI, and the picture size is already known.
 */
function readVuiFrameRate(r: BitReader): number | null {
  try {
    if (r.readBool()) {
      // aspect_ratio_info_present_flag
      if (r.readBits(8) === 255) r.skipBits(32); // aspect_ratio_idc == Extended_SAR: sar_width, sar_height
    }
    if (r.readBool()) r.skipBits(1); // overscan_info_present_flag → overscan_appropriate_flag
    if (r.readBool()) {
      // video_signal_type_present_flag: video_format, video_full_range_flag
      r.skipBits(4);
      if (r.readBool()) r.skipBits(24); // colour_description_present_flag: primaries, transfer, matrix
    }
    if (r.readBool()) {
      // chroma_loc_info_present_flag
      r.readUE(); // chroma_sample_loc_type_top_field
      r.readUE(); // chroma_sample_loc_type_bottom_field
    }
    if (!r.readBool()) return null; // timing_info_present_flag
    const numUnitsInTick = r.readBits(32);
    const timeScale = r.readBits(32);
    // A frame is two field ticks (E.2.1, equation E-3 with fixed frame rate).
    return numUnitsInTick > 0 && timeScale > 0 ? timeScale / (2 * numUnitsInTick) : null;
  } catch (error) {
    if (error instanceof CodecParseError) return null;
    throw error;
  }
}

/** Profile names as ffmpeg prints them (libavcodec/profiles.c), so ours match ffprobe. */
export function h264ProfileName(profileIdc: number, constraintFlags: number): string {
  const constraintSet1 = (constraintFlags & 0x40) !== 0;
  const constraintSet3 = (constraintFlags & 0x10) !== 0;
  switch (profileIdc) {
    case 66:
      return constraintSet1 ? 'Constrained Baseline' : 'Baseline';
    case 77:
      return 'Main';
    case 88:
      return 'Extended';
    case 100:
      return 'High';
    case 110:
      return constraintSet3 ? 'High 10 Intra' : 'High 10';
    case 122:
      return constraintSet3 ? 'High 4:2:2 Intra' : 'High 4:2:2';
    case 244:
      return constraintSet3 ? 'High 4:4:4 Intra' : 'High 4:4:4 Predictive';
    case 44:
      return 'CAVLC 4:4:4';
    case 118:
      return 'Multiview High';
    case 128:
      return 'Stereo High';
    default:
      return `Profile ${profileIdc}`;
  }
}

function h264LevelName(profileIdc: number, constraintFlags: number, levelIdc: number): string {
  const constraintSet3 = (constraintFlags & 0x10) !== 0;
  if (levelIdc === 9 || (levelIdc === 11 && constraintSet3 && (profileIdc === 66 || profileIdc === 77 || profileIdc === 88))) return '1b';
  return `${Math.floor(levelIdc / 10)}.${levelIdc % 10}`;
}
