import { useShallow } from 'zustand/react/shallow';
import { LoadError } from '../common/LoadError';
import { platform } from '../../platform';
import { useStudio } from '../../store';
import { DesktopPrefsPanel } from './DesktopPrefsPanel';
import { LanPanel } from './LanPanel';
import { MediaEnginePanel } from './MediaEnginePanel';
import { SettingsActions } from './SettingsActions';
import { SettingsForm } from './SettingsForm';
import { WebhooksPanel } from './WebhooksPanel';

export function SettingsSection() {
  const { draft, loadError, reload } = useStudio(
    useShallow((s) => ({ draft: s.draft, loadError: s.settingsLoadError, reload: s.loadSettings })),
  );

  return (
    <>
      {draft && <SettingsActions />}
      <div className="page page-narrow">
        <LanPanel />
        {platform.kind === 'desktop' && <DesktopPrefsPanel />}
        {draft ? (
          <SettingsForm draft={draft} />
        ) : loadError ? (
          <LoadError what="Settings" message={loadError} retry={() => void reload()} />
        ) : (
          <p className="muted">Loading settings…</p>
        )}
        <MediaEnginePanel />
        <WebhooksPanel />
      </div>
    </>
  );
}
