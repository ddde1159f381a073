import type { FfmpegStatus, SystemInfo } from '../../../src-main/contract/studio-api';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import { readPortMoves } from '../lib/port-moves';
import type { SystemSlice } from './system.state';
import type { SliceCreator } from './types';

/** Fields /api/system gained with the desktop installer: a server from before sends none of them. */
type LaterKeys = 'portMoves' | 'dataDirPath' | 'lanDiscovery';
type SystemAnswer = Omit<SystemInfo, LaterKeys> & Partial<Pick<SystemInfo, LaterKeys>>;

export const createSystemSlice: SliceCreator<SystemSlice> = (set, get) => ({
  system: null,
  portMoves: [],
  dataDirPath: null,
  lanDiscovery: null,
  ffmpeg: null,
  systemError: null,
  probeRequested: false,
  probeError: null,

  async loadSystem() {
    try {
      // portMoves, dataDirPath and lanDiscovery came later: a server without them leaves the defaults.
      const { ffmpeg, portMoves, dataDirPath, lanDiscovery, ...system }: SystemAnswer = await api.system();
      set({
        system,
        ffmpeg: settled(ffmpeg),
        systemError: null,
        portMoves: readPortMoves(portMoves),
        dataDirPath: dataDirPath || system.dataDir.path,
        lanDiscovery: lanDiscovery ?? null,
      });
    } catch (err) {
      set({ systemError: errorMessage(err) });
    }
  },

  async reprobeEncoders() {
    if (get().probeRequested) return;
    set({ probeRequested: true, probeError: null });
    try {
      set({ ffmpeg: settled(await api.probeFfmpeg()) });
    } catch (err) {
      set({ probeError: errorMessage(err) });
    } finally {
      set({ probeRequested: false });
    }
  },

  applySystemStatus(system) {
    set({ system });
  },

  applyFfmpegStatus(ffmpeg) {
    set({ ffmpeg });
  },
});

/**
 * HTTP answers about ffmpeg come after any probe under way has finished (the server
 * waits for it), yet they can still carry `probing: true` from inside that probe.
 * Only events say a probe is running; believing the flag here could leave the UI
 * stuck on "probing" when the closing event raced ahead of the HTTP answer.
 */
function settled(status: FfmpegStatus): FfmpegStatus {
  return status.available ? { ...status, probing: false } : status;
}

/** A probe is running, whether this window or another one started it. */
export function isProbing(state: Pick<SystemSlice, 'ffmpeg' | 'probeRequested'>): boolean {
  return state.probeRequested || (state.ffmpeg?.available === true && state.ffmpeg.probing);
}
