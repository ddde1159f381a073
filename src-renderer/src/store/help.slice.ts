// The first-run screen, the OBS guide, the About dialog, and the port-moved banner's dismissal.
import { ApiError, errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import type { HelpSlice } from './help.state';
import type { SliceCreator } from './types';

const dismissedKey = 'framehouse.portMovesDismissed';

export const createHelpSlice: SliceCreator<HelpSlice> = (set, get) => ({
  welcomeDone: null,
  help: null,
  portMovesDismissed: readSession(dismissedKey),

  async loadWelcome() {
    try {
      const { done } = await api.welcome();
      set({ welcomeDone: done });
      if (!done && get().help === null) set({ help: 'welcome' });
    } catch (err) {
      // A studio without the route (older server) has no first-run screen to show; any other failure asks again next time.
      if (err instanceof ApiError && err.status === 404) set({ welcomeDone: true });
    }
  },

  async finishWelcome() {
    set({ help: null, welcomeDone: true });
    try {
      await api.finishWelcome();
    } catch (err) {
      get().pushToast({ tone: 'warning', text: `The studio could not remember that the first-run screen is done, so it may show again: ${errorMessage(err)}` });
    }
  },

  openHelp(help) {
    set({ help });
  },

  dismissPortMoves(key) {
    writeSession(dismissedKey, key);
    set({ portMovesDismissed: key });
  },
});

function readSession(key: string): string | null {
  try {
    return window.sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeSession(key: string, value: string): void {
  try {
    window.sessionStorage.setItem(key, value);
  } catch {
    // Storage refused (private mode): dismissed until the page reloads.
  }
}
