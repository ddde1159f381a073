import { useEffect, useState, type MouseEvent } from 'react';
import type { PublicLibraryFile } from '../../../../src-main/contract/library-api';
import { api } from '../../api/endpoints';
import { formatSpan } from '../../lib/timeline/clock';
import { QrCode } from '../common/QrCode';
import { VodPlayer } from '../library/VodPlayer';
import { PlayIcon } from '../icons';

/** #vod=FOLDER/PATH: a library file open on the watch page, a link that can be shared. */
export const vodHash = (f: Pick<PublicLibraryFile, 'folder' | 'path'>) => `#vod=${encodeURIComponent(`${f.folder}/${f.path}`)}`;
export function vodFromHash(hash: string): { folder: string; path: string } | null {
  const m = /^#vod=(.+)$/.exec(hash);
  if (!m) return null;
  try {
    const [folder, ...rest] = decodeURIComponent(m[1]!).split('/');
    return folder && rest.length > 0 ? { folder, path: rest.join('/') } : null;
  } catch {
    return null;
  }
}

const nameOf = (f: PublicLibraryFile) => f.path.split('/').at(-1)!;

/** The shared library files, newest first, for anyone on the LAN. */
export function WatchLibrary({ onOpen }: { onOpen(file: PublicLibraryFile): void }) {
  const [files, setFiles] = useState<PublicLibraryFile[] | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    api.publicLibrary(abort.signal).then((page) => setFiles(page.files), () => setFiles([]));
    return () => abort.abort();
  }, []);
  if (!files || files.length === 0) return null;
  const click = (file: PublicLibraryFile) => (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    onOpen(file);
  };
  return (
    <section className="watch-library" data-testid="watch-library">
      <div className="watch-heading">
        <h2 className="watch-title">Library</h2>
        <span className="watch-summary">{files.length} files</span>
      </div>
      <div className="watch-grid">
        {files.map((f) => (
          <a key={`${f.folder}/${f.path}`} className="watch-card" href={vodHash(f)} onClick={click(f)} data-testid="watch-vod-card" data-path={f.path}>
            <div className="watch-card-picture">
              {f.posterUrl ? <img className="watch-poster" src={f.posterUrl} alt="" loading="lazy" /> : <div className="watch-poster" />}
              <span className="watch-state">{formatSpan(f.duration)}</span>
              <span className="watch-play" aria-hidden="true">
                <PlayIcon size={22} />
              </span>
            </div>
            <div className="watch-card-body">
              <span className="watch-card-title" title={f.path}>
                {nameOf(f)}
              </span>
              <span className="watch-card-meta">{f.width && f.height ? `${f.width}×${f.height}` : 'Audio'}</span>
            </div>
          </a>
        ))}
      </div>
    </section>
  );
}

/** One library file playing, with the QR code of this page for a phone. */
export function WatchVod({ file, onBack }: { file: { folder: string; path: string }; onBack(): void }) {
  const src = `/vod/${file.folder}/${file.path.split('/').map(encodeURIComponent).join('/')}/index.m3u8`;
  return (
    <div className="watch-vod" data-testid="watch-vod">
      <div className="watch-vod-head">
        <button type="button" className="button" onClick={onBack}>
          ← Back
        </button>
        <h1 className="watch-title">{file.path.split('/').at(-1)}</h1>
      </div>
      <div className="watch-vod-body">
        <VodPlayer src={src} />
        <div className="watch-vod-side">
          <QrCode text={window.location.href} size={132} testId="watch-vod-qr" />
          <p className="help">Scan to watch on a phone on this network.</p>
        </div>
      </div>
    </div>
  );
}
