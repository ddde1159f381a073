import { ApiError, errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import { movedHttpUrl } from '../app/follow-restart';
import { withoutBodyPrefix } from '../lib/settings-draft';
import type { LanSlice } from './lan.state';
import type { SliceCreator } from './types';

/** Every interface, or this machine only: the two ends of the LAN switch. */
export const LAN_HOST = '0.0.0.0';
export const LOCAL_HOST = '127.0.0.1';

export const createLanSlice: SliceCreator<LanSlice> = (set, get) => ({
  lan: null,
  lanError: null,
  lanSwitching: false,
  lanSwitchError: null,

  async loadLan() {
    try {
      set({ lan: await api.lan(), lanError: null });
    } catch (err) {
      set({ lanError: errorMessage(err) });
    }
  },

  async setLanAccess(on) {
    if (get().lanSwitching) return;
    set({ lanSwitching: true, lanSwitchError: null });
    try {
      const view = await api.saveSettings({ host: on ? LAN_HOST : LOCAL_HOST });
      // The settings slice follows the HTTP listener if it moved to another origin.
      get().applySettingsView(view);
      if (!movedHttpUrl(view)) await get().loadLan();
    } catch (err) {
      set({ lanSwitchError: err instanceof ApiError ? withoutBodyPrefix(err.detail || err.message) : errorMessage(err) });
    } finally {
      set({ lanSwitching: false });
    }
  },
});
