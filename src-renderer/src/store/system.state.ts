// The system slice's shape, apart from its code so the combined store's type
// (types.ts) can name it without importing the slice, which imports types.ts.
import type { FfmpegStatus, LanDiscovery, PortMove, SystemStatus } from '../../../src-main/contract/studio-api';

export interface SystemSlice {
  system: SystemStatus | null;
  /** Listeners whose port moved at start-up because another program held it; empty when none did (or an older server does not say). */
  portMoves: PortMove[];
  /** The data folder (archive, database, logs); null until the server said. */
  dataDirPath: string | null;
  lanDiscovery: LanDiscovery | null;
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
