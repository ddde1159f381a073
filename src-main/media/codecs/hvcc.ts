import { BitReader, removeEmulationPrevention } from './bit-reader.js';
import { ByteWriter } from './byte-writer.js';
import { CodecParseError } from './codec-error.js';
import { parseHevcSps } from './hevc-sps.js';
import { HevcNalType, hevcNalType } from './nal.js';

/** HEVCDecoderConfigurationRecord (ISO 14496-15 8.3.3.1); parameter sets are subarrays of the record. */
export interface HevcConfig {
  /** lengthSizeMinusOne + 1 */
  lengthSize: number;
  vps: Uint8Array[];
  sps: Uint8Array[];
  pps: Uint8Array[];
  /** general_profile_idc */
  profileIdc: number;
  /** general_level_idc */
  levelIdc: number;
}

/** Bytes before the first NAL array: version, general profile/tier/level (12), and the fixed fields after them. */
const HEADER_SIZE = 23;

export function parseHvcC(record: Uint8Array): HevcConfig {
  if (record.length < HEADER_SIZE) throw new CodecParseError(`hvcC of ${record.length} bytes is shorter than its ${HEADER_SIZE}-byte header`);
  if (record[0] !== 1) throw new CodecParseError(`hvcC configurationVersion ${record[0]} is not 1`);
  const profileIdc = record[1]! & 0x1f;
  const levelIdc = record[12]!;
  const lengthSize = (record[21]! & 0x03) + 1; // constantFrameRate, numTemporalLayers, temporalIdNested, lengthSizeMinusOne
  const arrays = record[22]!; // numOfArrays
  const config: HevcConfig = { lengthSize, vps: [], sps: [], pps: [], profileIdc, levelIdc };
  let at = HEADER_SIZE;
  for (let a = 0; a < arrays; a++) {
    if (at + 3 > record.length) throw new CodecParseError('hvcC ends inside a NAL array header');
    const nalType = record[at]! & 0x3f; // array_completeness, reserved, NAL_unit_type
    const count = (record[at + 1]! << 8) | record[at + 2]!; // numNalus
    at += 3;
    // Other arrays (SEI) are walked over: the track config keeps parameter sets only.
    const into = nalType === HevcNalType.VPS ? config.vps : nalType === HevcNalType.SPS ? config.sps : nalType === HevcNalType.PPS ? config.pps : null;
    for (let i = 0; i < count; i++) {
      if (at + 2 > record.length) throw new CodecParseError('hvcC ends inside a nalUnitLength');
      const length = (record[at]! << 8) | record[at + 1]!;
      const end = at + 2 + length;
      if (end > record.length) throw new CodecParseError(`hvcC NAL unit of ${length} bytes runs past the end`);
      into?.push(record.subarray(at + 2, end));
      at = end;
    }
  }
  return config;
}

/**
 * hvcC from VPS/SPS/PPS NAL units as they appear in the stream. The profile/tier/level,
 * chroma format, bit depths, sub-layer count and min_spatial_segmentation_idc come from
 * the first SPS; parallelismType from the first PPS, as ffmpeg derives them. Frame rate
 * fields are 0 (unspecified), lengthSizeMinusOne is 3 and every array is marked complete
 * (the parameter sets may still repeat in band).
 */
export function buildHvcC(vps: readonly Uint8Array[], sps: readonly Uint8Array[], pps: readonly Uint8Array[]): Uint8Array {
  const first = sps[0];
  if (!first) throw new CodecParseError('hvcC needs an SPS');
  const info = parseHevcSps(first);
  // parallelismType only means something alongside a min_spatial_segmentation_idc (8.3.3.1.2).
  const parallelismType = info.minSpatialSegmentationIdc > 0 && pps[0] ? ppsParallelismType(pps[0]) : 0;
  const arrays = [
    { type: HevcNalType.VPS, nals: vps },
    { type: HevcNalType.SPS, nals: sps },
    { type: HevcNalType.PPS, nals: pps },
  ].filter((array) => array.nals.length > 0);

  let size = HEADER_SIZE;
  for (const array of arrays) {
    if (array.nals.length > 0xffff) throw new CodecParseError(`hvcC array of ${array.nals.length} NAL units`);
    size += 3;
    for (const nal of array.nals) {
      if (nal.length > 0xffff) throw new CodecParseError(`NAL unit of ${nal.length} bytes does not fit a 16-bit length`);
      size += 2 + nal.length;
    }
  }
  const w = new ByteWriter(size);
  w.u8(1); // configurationVersion
  w.u8((info.profileSpace << 6) | (info.tierFlag << 5) | (info.profileIdc & 0x1f)); // general_profile_space, general_tier_flag, general_profile_idc
  w.u32(info.profileCompatibilityFlags); // general_profile_compatibility_flags
  w.write(info.constraintIndicatorFlags); // general_constraint_indicator_flags (48 bits)
  w.u8(info.levelIdc); // general_level_idc
  w.u16(0xf000 | (info.minSpatialSegmentationIdc & 0x0fff)); // reserved '1111' + min_spatial_segmentation_idc
  w.u8(0xfc | parallelismType); // reserved '111111' + parallelismType
  w.u8(0xfc | info.chromaFormatIdc); // reserved '111111' + chromaFormat
  w.u8(0xf8 | ((info.bitDepth - 8) & 7)); // reserved '11111' + bitDepthLumaMinus8
  w.u8(0xf8 | ((info.bitDepthChroma - 8) & 7)); // reserved '11111' + bitDepthChromaMinus8
  w.u16(0); // avgFrameRate: unspecified
  // constantFrameRate 0, numTemporalLayers, temporalIdNested, lengthSizeMinusOne 3
  w.u8(((info.maxSubLayers & 7) << 3) | ((info.temporalIdNesting ? 1 : 0) << 2) | 3);
  w.u8(arrays.length); // numOfArrays
  for (const array of arrays) {
    w.u8(0x80 | array.type); // array_completeness 1, reserved 0, NAL_unit_type
    w.u16(array.nals.length); // numNalus
    for (const nal of array.nals) {
      w.u16(nal.length);
      w.write(nal);
    }
  }
  return w.bytes;
}

/**
 * parallelismType from pic_parameter_set_rbsp (7.3.2.3.1): 3 wavefront
 * (entropy_coding_sync_enabled_flag), 2 tiles, 0 both (mixed), 1 slices only.
 */
function ppsParallelismType(nal: Uint8Array): number {
  if (hevcNalType(nal) !== HevcNalType.PPS) throw new CodecParseError('not an HEVC PPS');
  const r = new BitReader(removeEmulationPrevention(nal).subarray(2));
  r.readUE(); // pps_pic_parameter_set_id
  r.readUE(); // pps_seq_parameter_set_id
  r.skipBits(1 + 1 + 3 + 1 + 1); // dependent_slice_segments_enabled_flag … cabac_init_present_flag
  r.readUE(); // num_ref_idx_l0_default_active_minus1
  r.readUE(); // num_ref_idx_l1_default_active_minus1
  r.readSE(); // init_qp_minus26
  r.skipBits(2); // constrained_intra_pred_flag, transform_skip_enabled_flag
  if (r.readBool()) r.readUE(); // cu_qp_delta_enabled_flag → diff_cu_qp_delta_depth
  r.readSE(); // pps_cb_qp_offset
  r.readSE(); // pps_cr_qp_offset
  r.skipBits(4); // pps_slice_chroma_qp_offsets_present_flag, weighted_pred_flag, weighted_bipred_flag, transquant_bypass_enabled_flag
  const tiles = r.readBool(); // tiles_enabled_flag
  const wavefront = r.readBool(); // entropy_coding_sync_enabled_flag
  if (tiles && wavefront) return 0;
  if (wavefront) return 3;
  if (tiles) return 2;
  return 1;
}
