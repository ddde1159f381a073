// H.264 in one import: SPS/PPS fields and the avcC record built from them.
export { parseH264Sps, h264PpsId, h264ProfileName, type H264SpsInfo } from './h264-sps.js';
export { parseAvcC, buildAvcC, type AvcConfig } from './avcc.js';
