export { ProcessRegistry, shellQuote, type RunOptions, type RunResult } from './process-registry.js';
export { FfmpegService } from './ffmpeg-service.js';
export { encoderCandidates } from './encoder-probe.js';
