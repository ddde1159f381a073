// The settings slice's shape, apart from its code so the combined store's type
// (types.ts) can name it without importing the slice, which imports types.ts.
import type { SettingsView } from '../../../src-main/contract/studio-api';
import type { FieldError, SettingsDraft } from '../lib/settings-draft';

export interface SavedNote {
  id: number;
  text: string;
}

export interface SettingsSlice {
  settingsView: SettingsView | null;
  draft: SettingsDraft | null;
  settingsLoadError: string | null;
  saving: boolean;
  saveError: FieldError | null;
  /** The transient "Saved" confirmation. */
  savedNote: SavedNote | null;
  loadSettings(): Promise<void>;
  editSetting<K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]): void;
  revertSettings(): void;
  saveSettings(): Promise<void>;
  /** A fresh view from the server, from our own save or from a settings_changed event. */
  applySettingsView(view: SettingsView): void;
}
