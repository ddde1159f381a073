import type { SettingsView } from '../../../src-main/contract/studio-api';
import { ApiError, errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import { movedHttpUrl, moveTo } from '../app/follow-restart';
import { buildPatch, changedKeys, fieldOfDetail, rebaseDraft, toDraft, withoutBodyPrefix } from '../lib/settings-draft';
import type { SettingsSlice } from './settings.state';
import type { SliceCreator, StudioState } from './types';

let nextSavedId = 1;

export const createSettingsSlice: SliceCreator<SettingsSlice> = (set, get) => ({
  settingsView: null,
  draft: null,
  settingsLoadError: null,
  saving: false,
  saveError: null,
  savedNote: null,

  async loadSettings() {
    try {
      get().applySettingsView(await api.settings());
      set({ settingsLoadError: null });
    } catch (err) {
      set({ settingsLoadError: errorMessage(err) });
    }
  },

  editSetting(key, value) {
    const draft = get().draft;
    if (!draft) return;
    const saveError = get().saveError;
    // The message was about this field; the user is fixing it now.
    const clearError = saveError !== null && (saveError.key === key || saveError.key === null);
    set({ draft: { ...draft, [key]: value }, ...(clearError ? { saveError: null } : {}) });
  },

  revertSettings() {
    const view = get().settingsView;
    if (view) set({ draft: toDraft(view.settings), saveError: null });
  },

  async saveSettings() {
    const { settingsView: view, draft, saving } = get();
    if (!view || !draft || saving) return;
    const built = buildPatch(draft, view.settings);
    if (built.error) {
      set({ saveError: built.error });
      return;
    }
    if (Object.keys(built.patch).length === 0) return;

    set({ saving: true, saveError: null });
    try {
      const next = await api.saveSettings(built.patch);
      get().applySettingsView(next);
      const id = nextSavedId++;
      set({ savedNote: { id, text: savedText(next) } });
      setTimeout(() => {
        if (get().savedNote?.id === id) set({ savedNote: null });
      }, 4000);
    } catch (err) {
      const key = err instanceof ApiError ? fieldOfDetail(err.detail) : null;
      set({ saveError: { key, message: withoutBodyPrefix(errorMessage(err)) } });
    } finally {
      set({ saving: false });
    }
  },

  applySettingsView(view) {
    const { settingsView: before, draft } = get();
    const nextDraft = before && draft ? rebaseDraft(draft, before.settings, view.settings) : toDraft(view.settings);
    set({ settingsView: view, draft: nextDraft });
    followHttpRestart(view, get);
  },
});

function followHttpRestart(view: SettingsView, get: () => StudioState): void {
  const url = movedHttpUrl(view);
  if (!url) return;
  if (import.meta.env.DEV) {
    // The dev server stays where it is; only say where the studio went.
    get().showNotice('warning', `The studio now listens on ${url.origin}. Point FRAMEHOUSE_DEV_API there and restart the dev server.`, 0);
    return;
  }
  if (moveTo(url)) get().showNotice('info', `The studio moved to ${url.origin}. Opening it…`, 0);
}

function savedText(view: SettingsView): string {
  const others = view.restarted.filter((r) => r.listener !== 'http');
  if (others.length === 0) return 'Saved';
  return `Saved · restarted ${others.map((r) => `${r.listener.toUpperCase()} on ${r.url}`).join(', ')}`;
}

/** Whether the form differs from what the server has. */
export function isDirty(state: Pick<SettingsSlice, 'draft' | 'settingsView'>): boolean {
  return state.draft !== null && state.settingsView !== null && changedKeys(state.draft, state.settingsView.settings).length > 0;
}
