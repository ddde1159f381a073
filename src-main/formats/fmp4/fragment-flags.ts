// Flag values of the movie-fragment boxes, shared by the writer and the reader.

/** tf_flags of tfhd (ISO/IEC 14496-12 8.8.7.1). */
export const TfhdFlags = {
  baseDataOffsetPresent: 0x00_0001,
  sampleDescriptionIndexPresent: 0x00_0002,
  defaultSampleDurationPresent: 0x00_0008,
  defaultSampleSizePresent: 0x00_0010,
  defaultSampleFlagsPresent: 0x00_0020,
  durationIsEmpty: 0x01_0000,
  /** Data offsets count from the start of the enclosing moof: what CMAF requires (7.5.16). */
  defaultBaseIsMoof: 0x02_0000,
} as const;

/** tr_flags of trun (14496-12 8.8.8.1). */
export const TrunFlags = {
  dataOffsetPresent: 0x00_0001,
  firstSampleFlagsPresent: 0x00_0004,
  sampleDurationPresent: 0x00_0100,
  sampleSizePresent: 0x00_0200,
  sampleFlagsPresent: 0x00_0400,
  sampleCompositionTimeOffsetsPresent: 0x00_0800,
} as const;

/*
 * sample_flags (14496-12 8.8.3.1): reserved(4) is_leading(2) sample_depends_on(2)
 * sample_is_depended_on(2) sample_has_redundancy(2) sample_padding_value(3)
 * sample_is_non_sync_sample(1) sample_degradation_priority(16).
 */
/** sample_is_non_sync_sample: the bit readers (ffmpeg, browsers) take as "not a keyframe". */
export const IS_NON_SYNC_SAMPLE = 0x0001_0000;
/** A keyframe: sample_depends_on = 2 (depends on no other sample), as ffmpeg and CMAF packagers write it. */
export const SYNC_SAMPLE_FLAGS = 0x0200_0000;
/** Any other picture: sample_depends_on = 1 (depends on others) and sample_is_non_sync_sample = 1. */
export const NON_SYNC_SAMPLE_FLAGS = 0x0100_0000 | IS_NON_SYNC_SAMPLE;
