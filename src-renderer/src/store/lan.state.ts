// The LAN slice's shape, apart from its code so the combined store's type
// (types.ts) can name it without importing the slice, which imports types.ts.
import type { LanInfo } from '../../../src-main/contract/public-api';

export interface LanSlice {
  lan: LanInfo | null;
  lanError: string | null;
  /** A switch of the host setting is on its way. */
  lanSwitching: boolean;
  lanSwitchError: string | null;
  loadLan(): Promise<void>;
  /** Saves the host setting (0.0.0.0 or 127.0.0.1); the listeners move without a restart. */
  setLanAccess(on: boolean): Promise<void>;
}
