import { useShallow } from 'zustand/react/shallow';
import { changedKeys } from '../../lib/settings-draft';
import { shortcutLabel } from '../../lib/keys';
import { plural } from '../../lib/format';
import { useStudio } from '../../store';
import { SETTINGS_FORM_ID } from './setting-meta';

/** The sticky bar above the form: what is unsaved, Revert, Save, and messages not tied to one field. */
export function SettingsActions() {
  const { changed, saving, savedNote, generalError, revert } = useStudio(
    useShallow((s) => ({
      changed: s.draft && s.settingsView ? changedKeys(s.draft, s.settingsView.settings).length : 0,
      saving: s.saving,
      savedNote: s.savedNote?.text ?? null,
      generalError: s.saveError && s.saveError.key === null ? s.saveError.message : null,
      revert: s.revertSettings,
    })),
  );

  return (
    <div className="settings-actions" data-dirty={changed > 0 ? 'true' : 'false'}>
      <div className="settings-actions-inner">
        <div className="settings-state">
          {generalError ? (
            <span className="field-error" role="alert" data-testid="settings-error">
              {generalError}
            </span>
          ) : changed > 0 ? (
            <span className="dirty-summary" data-testid="settings-dirty">
              <span className="dot dot-accent" aria-hidden="true" />
              Unsaved changes · {plural(changed, 'setting')}
            </span>
          ) : savedNote ? (
            <span className="saved-note" role="status" data-testid="settings-saved">
              {savedNote}
            </span>
          ) : (
            <span className="muted">All changes saved</span>
          )}
        </div>
        <button type="button" className="button" data-testid="settings-revert" disabled={changed === 0 || saving} onClick={revert}>
          Revert
        </button>
        <button
          type="submit"
          form={SETTINGS_FORM_ID}
          className="button button-primary"
          data-testid="settings-save"
          disabled={changed === 0 || saving}
          title={`Save (${shortcutLabel('S')})`}
        >
          {saving ? 'Saving…' : 'Save'}
          <kbd className="button-kbd">{shortcutLabel('S')}</kbd>
        </button>
      </div>
    </div>
  );
}
