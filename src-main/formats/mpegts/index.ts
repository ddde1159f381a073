// MPEG-TS demuxing: bytes in, Frame/Track out (see media/frame.ts).
export { TsDemuxer } from './ts-demuxer.js';
export { defaultTsDemuxerLimits, type TsDemuxerHandlers, type TsDemuxerLimits, type TsDemuxerStats, type TsErrorKind } from './demuxer-types.js';
// MPEG-TS muxing: Frame/Track in, 188-byte packets out (live and archive viewers).
export { TsMuxer, TsMuxError, defaultTsMuxerOptions, toTicks, type TsMuxerOptions, type TsMuxerStats, type SkippedTrack } from './ts-muxer.js';
