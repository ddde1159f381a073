export { ProcessRegistry, shellQuote, type RunOptions, type RunResult, type RunningProcess } from './process-registry.js';
export { FfmpegService } from './ffmpeg-service.js';
export { encoderCandidates } from './encoder-probe.js';
