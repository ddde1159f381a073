export type { Frame, Track, VideoTrack, AudioTrack, VideoCodec, AudioCodec } from './frame.js';
