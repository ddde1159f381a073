// HEVC in one import: SPS fields and the hvcC record built from the parameter sets.
export { parseHevcSps, hevcPpsId, hevcVpsId, hevcProfileName, type HevcSpsInfo } from './hevc-sps.js';
export { parseHvcC, buildHvcC, type HevcConfig } from './hvcc.js';
