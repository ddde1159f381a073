import { platform } from '../../platform';
import { LibraryIcon } from '../icons';
import { EmptyState } from './EmptyState';

export function LibrarySection() {
  return (
    <EmptyState icon={<LibraryIcon size={28} />} title="The library is empty" testId="library-empty">
      <p>
        Video files dropped here become playable from any browser on the LAN, through HLS or WebRTC, transcoded on the
        fly where a device needs it.
      </p>
      <p className="help">
        {platform.nativePaths
          ? 'Files dropped on this window are imported in place, by path: nothing is copied.'
          : 'In a browser, files are uploaded to the studio. Importing in place, by path, is only in the desktop app.'}
      </p>
    </EmptyState>
  );
}
