export { ProcessRegistry, shellQuote, type RunOptions, type RunResult, type RunningProcess } from './process-registry.js';
export { FfmpegService } from './ffmpeg-service.js';
export { encoderCandidates } from './encoder-probe.js';
export { TranscodeCapacity, ladderCost, type CapacityLease } from './capacity.js';
export { TranscodeJob, type JobStatus, type TranscodeJobSpec } from './transcode-job.js';
export { checkTranscodeConfig } from './transcode-config.js';
