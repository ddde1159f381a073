// The system slice's shape, apart from its code so the combined store's type
// (types.ts) can name it without importing the slice, which imports types.ts.
import type { FfmpegStatus, SystemStatus } from '../../../src-main/contract/studio-api';

export interface SystemSlice {
  system: SystemStatus | null;
  ffmpeg: FfmpegStatus | null;
  systemError: string | null;
  /** This window asked for a re-probe and is waiting for the answer. */
  probeRequested: boolean;
  probeError: string | null;
  loadSystem(): Promise<void>;
  reprobeEncoders(): Promise<void>;
  applySystemStatus(status: SystemStatus): void;
  applyFfmpegStatus(status: FfmpegStatus): void;
}
