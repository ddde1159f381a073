import type { ReactNode } from 'react';
import type { SettingKey } from '../../../../src-main/contract/studio-api';
import { useStudio } from '../../store';
import { settingLabels, sourceLabels } from './setting-meta';

interface SettingFieldProps {
  settingKey: SettingKey;
  /** id of the control, so the label focuses it. */
  controlId: string;
  dirty: boolean;
  help?: ReactNode;
  children: ReactNode;
}

/** Label row (changed marker, where the value came from, pinned badge), the control, help and error. */
export function SettingField({ settingKey, controlId, dirty, help, children }: SettingFieldProps) {
  const source = useStudio((s) => s.settingsView?.sources[settingKey]);
  const pinned = useStudio((s) => s.settingsView?.pinned.includes(settingKey) ?? false);
  const error = useStudio((s) => (s.saveError?.key === settingKey ? s.saveError.message : null));

  const pinnedBy = source === 'env' ? 'environment' : 'command line';

  return (
    <div className={`setting${dirty ? ' is-dirty' : ''}${error ? ' has-error' : ''}`}>
      <div className="setting-head">
        <label className="field-label" htmlFor={controlId}>
          {settingLabels[settingKey]}
        </label>
        {dirty && <span className="dirty-mark">modified</span>}
        {pinned && (
          <span
            className="badge badge-warning"
            data-testid={`setting-pinned-${settingKey}`}
            title={`Pinned by ${pinnedBy} — saved value applies now, the ${pinnedBy} wins at next start`}
          >
            pinned by {pinnedBy}
          </span>
        )}
        {source && !pinned && <span className="setting-source">{sourceLabels[source]}</span>}
      </div>
      <div className="setting-control">{children}</div>
      {error && (
        <p className="field-error" role="alert" data-testid="settings-error">
          {error}
        </p>
      )}
      {pinned && <p className="help help-warning">Saved value applies now, the {pinnedBy} wins at next start.</p>}
      {help && <p className="help">{help}</p>}
    </div>
  );
}
