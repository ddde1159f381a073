import type { ReactNode } from 'react';
import { errorMessage } from '../../api/api-error';
import { platform } from '../../platform';
import { FolderIcon } from '../icons';

/**
 * Where a saved export or a render is written: in the desktop app, the exports folder or a
 * folder the user picks (null: the exports folder); in a browser the studio's exports folder,
 * with `browserHelp` saying where to get the file.
 */
export function SaveToField({ folder, onFolder, onError, pickTitle, browserHelp }: { folder: string | null; onFolder: (folder: string | null) => void; onError: (message: string) => void; pickTitle: string; browserHelp: ReactNode }) {
  const choose = async () => {
    try {
      const picked = await platform.pickFolder(pickTitle);
      if (picked) onFolder(picked);
    } catch (err) {
      onError(errorMessage(err));
    }
  };
  return (
    <div className="form-field">
      <span className="field-label">Save to</span>
      {platform.kind === 'desktop' ? (
        <div className="export-destination">
          <span className={`export-folder${folder ? ' mono' : ''}`} title={folder ?? undefined}>
            {folder ?? 'The studio’s exports folder'}
          </span>
          <button type="button" className="button button-small" onClick={() => void choose()}>
            <FolderIcon size={13} />
            Choose…
          </button>
          {folder && (
            <button type="button" className="link-button" onClick={() => onFolder(null)}>
              Use the exports folder
            </button>
          )}
        </div>
      ) : (
        <p className="help">{browserHelp}</p>
      )}
    </div>
  );
}
