// CMAF / fragmented MP4 writing (DVR segments, HLS) and reading back the fragments it wrote.
export { buildInitSegment } from './init-segment.js';
export { buildMediaSegment, buildMediaSegmentParts, lastDurationsBefore, type MediaSegment, type MediaSegmentInput, type MediaSegmentParts } from './media-segment.js';
export { readFragmentSummary } from './fragment-reader.js';
export type { FragmentSummary, FragmentTrackSummary } from './fragment-summary.js';
export { Fmp4ParseError, Fmp4WriteError } from './errors.js';
export { readInitSegment, readInitTracks, type InitSegmentInfo, type TrackSampleDefaults } from './init-reader.js';
export { readFragmentFrames } from './fragment-frames.js';
