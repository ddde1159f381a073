// MPEG-TS demuxing: bytes in, Frame/Track out (see media/frame.ts).
export { TsDemuxer } from './ts-demuxer.js';
export { defaultTsDemuxerLimits, type TsDemuxerHandlers, type TsDemuxerLimits, type TsDemuxerStats, type TsErrorKind } from './demuxer-types.js';
