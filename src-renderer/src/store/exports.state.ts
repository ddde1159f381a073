// The exports slice's shape, apart from its code so the combined store's type
// (types.ts) can name it without importing the slice, which imports types.ts.
import type { ExportJob, ExportRequest } from '../../../src-main/contract/export-api';

export interface ExportsSlice {
  exportJobs: Record<string, ExportJob>;
  /** Ids in the order they were started, newest last; only these show in the DVR's tray. */
  exportOrder: string[];
  exportsError: string | null;
  startExport(body: ExportRequest): Promise<ExportJob>;
  cancelExport(id: string): Promise<void>;
  /** A job from an event or a list: newer progress wins over older. */
  applyExportJob(job: ExportJob): void;
  /** Takes a finished job out of the tray (the file stays). */
  dismissExport(id: string): void;
  /** GET /api/exports: catches up on jobs this window follows (after a reconnect, or while the socket is down). */
  refreshExports(): Promise<void>;
}
