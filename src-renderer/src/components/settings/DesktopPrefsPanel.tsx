import { useEffect, useState } from 'react';
import type { DesktopPrefs } from '../../../../src-preload/contract';
import { errorMessage } from '../../api/api-error';
import { platform } from '../../platform';
import { FolderIcon } from '../icons';

/** The preferences that are on/off switches. */
type SwitchKey = { [K in keyof DesktopPrefs]: DesktopPrefs[K] extends boolean ? K : never }[keyof DesktopPrefs];

const rows: { key: SwitchKey; label: string; help: string }[] = [
  {
    key: 'closeToTray',
    label: 'Keep running when the window closes',
    help: 'Closing the window leaves the studio recording and serving in the tray (the menu bar on macOS); Quit from there stops it.',
  },
  { key: 'startAtLogin', label: 'Start at login', help: 'Framehouse starts in the tray when you log in, so streams are recorded without opening it.' },
  { key: 'notifications', label: 'Desktop notifications', help: 'Recording errors, low disk space and finished exports, also while the window is hidden.' },
];

/** The desktop shell's own preferences, kept by the shell (not in config.json); only in the desktop app. */
export function DesktopPrefsPanel() {
  const [prefs, setPrefs] = useState<DesktopPrefs | null>(null);
  const [saving, setSaving] = useState<keyof DesktopPrefs | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    platform.desktopPrefs().then(
      (answer) => {
        if (live) setPrefs(answer);
      },
      (err: unknown) => {
        if (live) setError(errorMessage(err));
      },
    );
    return () => {
      live = false;
    };
  }, []);

  const save = async (key: keyof DesktopPrefs, patch: Partial<DesktopPrefs>) => {
    setSaving(key);
    setError(null);
    try {
      setPrefs(await platform.setDesktopPrefs(patch));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(null);
    }
  };
  const chooseDataDir = async () => {
    const chosen = await platform.pickFolder('Choose the data folder').catch((err: unknown) => {
      setError(errorMessage(err));
      return null;
    });
    if (chosen) await save('dataDir', { dataDir: chosen });
  };

  return (
    <section className="panel" aria-labelledby="desktop-prefs-title" data-testid="desktop-prefs">
      <div className="panel-head">
        <h2 className="panel-title" id="desktop-prefs-title">
          Desktop
        </h2>
      </div>
      <div className="panel-body">
        {!prefs && !error && <p className="muted">Loading…</p>}
        {prefs &&
          rows.map((row) => (
            <div className="pref-row" key={row.key}>
              <div className="pref-text">
                <label className="pref-label" htmlFor={`desktop-${row.key}`}>
                  {row.label}
                </label>
                <p className="help">{row.help}</p>
              </div>
              {saving === row.key && <span className="spinner spinner-small" aria-hidden="true" />}
              <button
                id={`desktop-${row.key}`}
                type="button"
                role="switch"
                className="switch"
                aria-checked={prefs[row.key]}
                data-testid={`desktop-${row.key}`}
                disabled={saving !== null}
                onClick={() => void save(row.key, { [row.key]: !prefs[row.key] })}
              />
            </div>
          ))}
        {prefs && (
          <div className="pref-row">
            <div className="pref-text">
              <span className="pref-label">Data folder</span>
              <p className="help">
                <code data-testid="desktop-dataDir">{prefs.dataDir || 'default'}</code> Archive, database and logs. Changing it starts the studio again on the new folder;
                nothing is moved.
              </p>
            </div>
            {saving === 'dataDir' && <span className="spinner spinner-small" aria-hidden="true" />}
            {prefs.dataDir !== '' && (
              <button type="button" className="button button-small" disabled={saving !== null} onClick={() => void save('dataDir', { dataDir: '' })}>
                Use default
              </button>
            )}
            <button type="button" className="button button-small" data-testid="desktop-dataDir-choose" disabled={saving !== null} onClick={() => void chooseDataDir()}>
              <FolderIcon size={13} />
              Choose…
            </button>
          </div>
        )}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </section>
  );
}
