import { useState } from 'react';
import type { LibraryFile } from '../../../../src-main/contract/library-api';
import { api } from '../../api/endpoints';
import { errorMessage } from '../../api/api-error';
import { useStudio } from '../../store';

/** live/NAME from a file name: letters, digits, - and _ only. */
const liveName = (file: LibraryFile, playlist: boolean) =>
  `live/${(file.path.split('/').at(-1) ?? 'file').replace(/\.[^.]+$/, '').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50) || 'file'}${playlist ? '-playlist' : ''}`;

const libraryUrl = (file: LibraryFile) => `library://${file.folder}/${file.path.split('/').map(encodeURIComponent).join('/')}`;

/**
 * WCS's VOD-live: a file, or several one after another (a playlist, in the order shown),
 * as a live stream that loops and records, restreams and mixes like a camera.
 */
export function PlayAsLive({ files }: { files: readonly LibraryFile[] }) {
  const [state, setState] = useState<{ name: string } | { error: string } | null>(null);
  const setSection = useStudio((s) => s.setSection);
  const playlist = files.length > 1;
  const start = async () => {
    const name = liveName(files[0]!, playlist);
    try {
      await api.updateStream(name, { sources: files.map((f, i) => ({ url: libraryUrl(f), priority: i })), loop: true, playlist });
      setState({ name });
    } catch (e) {
      setState({ error: errorMessage(e) });
    }
  };
  return (
    <div className="library-live">
      <button
        type="button"
        className="button"
        data-testid="library-play-live"
        onClick={() => void start()}
        title={playlist ? `Start one live stream playing these ${files.length} files in turn, looping; stop it from the Monitor` : 'Start a live stream from this file, looping; stop it from the Monitor'}
      >
        {playlist ? `Play ${files.length} as live` : 'Play as live'}
      </button>
      {state && 'name' in state && (
        <span className="help">
          Live as{' '}
          <button type="button" className="link-button" onClick={() => setSection('monitor')}>
            {state.name}
          </button>
        </span>
      )}
      {state && 'error' in state && <span className="help help-warning">{state.error}</span>}
    </div>
  );
}
