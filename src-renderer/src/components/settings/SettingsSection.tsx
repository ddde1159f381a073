import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../../store';
import { MediaEnginePanel } from './MediaEnginePanel';
import { SettingsActions } from './SettingsActions';
import { SettingsForm } from './SettingsForm';

export function SettingsSection() {
  const { draft, loadError, reload } = useStudio(
    useShallow((s) => ({ draft: s.draft, loadError: s.settingsLoadError, reload: s.loadSettings })),
  );

  return (
    <>
      {draft && <SettingsActions />}
      <div className="page page-narrow">
        {draft ? (
          <SettingsForm draft={draft} />
        ) : loadError ? (
          <div className="callout callout-danger">
            <div>
              <strong>Settings could not be loaded</strong>
              <p>{loadError}</p>
              <button type="button" className="button" onClick={() => void reload()}>
                Try again
              </button>
            </div>
          </div>
        ) : (
          <p className="muted">Loading settings…</p>
        )}
        <MediaEnginePanel />
      </div>
    </>
  );
}
