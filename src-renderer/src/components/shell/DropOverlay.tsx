import { platform } from '../../platform';
import { UploadIcon } from '../icons';

/** Shown while files from the desktop are dragged over the window: where they will go. */
export function DropOverlay({ visible }: { visible: boolean }) {
  if (!visible) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <div className="drop-overlay-card">
        <UploadIcon size={26} />
        <p className="drop-overlay-title">Drop to add to the Library</p>
        <p className="help">
          {platform.nativePaths ? 'Copy the files in, or use them where they are.' : 'The files are uploaded to the studio.'}
        </p>
      </div>
    </div>
  );
}
