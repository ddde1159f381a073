import { useState } from 'react';
import type { LibraryFile } from '../../../../src-main/contract/library-api';
import { api } from '../../api/endpoints';
import { errorMessage } from '../../api/api-error';
import { platform } from '../../platform';
import { formatBytes } from '../../lib/format';
import { formatSpan } from '../../lib/timeline/clock';
import { QrCode } from '../common/QrCode';
import { CopyField } from '../sections/CopyField';
import { PlayAsLive } from './PlayAsLive';
import { VodPlayer } from './VodPlayer';
import { ConfirmDialog } from '../common/ConfirmDialog';

/** Rename in place (a new path moves it to a sub-folder), and delete after asking. */
function FileActions({ file, folderPath }: { file: LibraryFile; folderPath: string | null }) {
  // The desktop app moves files to the OS trash (they can be got back); a browser can only delete.
  const toTrash = platform.kind === 'desktop' && folderPath !== null;
  const remove = async () => {
    if (toTrash) {
      await platform.trash(`${folderPath}/${file.path}`);
      await api.rescanLibraryFolder(file.folder);
    } else {
      await api.deleteLibraryFile(file.folder, file.path);
    }
  };
  const [renaming, setRenaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const rename = async () => {
    if (renaming === null || renaming === file.path) return setRenaming(null);
    try {
      await api.moveLibraryFile({ folder: file.folder, path: file.path, toPath: renaming });
      setRenaming(null);
      setProblem(null);
    } catch (e) {
      setProblem(errorMessage(e));
    }
  };
  return (
    <div className="library-actions">
      {renaming === null ? (
        <>
          <button type="button" className="button" data-testid="library-rename" onClick={() => setRenaming(file.path)} title="Rename, or move into a sub-folder with a path (clips/intro.mp4)">
            Rename
          </button>
          <button type="button" className="button" data-testid="library-delete" onClick={() => setDeleting(true)} title="Delete from disk">
            Delete
          </button>
        </>
      ) : (
        <form className="input-row" onSubmit={(e) => { e.preventDefault(); void rename(); }}>
          <input className="input" aria-label="New name" data-testid="library-rename-input" value={renaming} autoFocus onChange={(e) => setRenaming(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && setRenaming(null)} />
          <button type="submit" className="button button-primary">Save</button>
        </form>
      )}
      {problem && <p className="help help-warning">{problem}</p>}
      {deleting && (
        <ConfirmDialog title={toTrash ? 'Move this file to the Trash?' : 'Delete this file?'} confirmLabel={toTrash ? 'Move to Trash' : 'Delete'} danger testId="library-delete-confirm" onClose={() => setDeleting(false)} onConfirm={remove}>
          <p>
            {toTrash ? `${file.path} goes to the Trash, where you can get it back.` : `${file.path} is deleted from disk (${file.folder} folder); a browser cannot use the Trash.`} Players that have it open stop.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** The URL a device on the LAN opens: the studio's LAN address when it has one, this page's origin otherwise. */
function lanUrl(path: string, lanBase: string | null, token: string | null): string {
  const base = lanBase ?? window.location.origin;
  return `${base.replace(/\/$/, '')}${path}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

function facts(file: LibraryFile): [string, string][] {
  const m = file.media;
  if (!m) return [['Size', formatBytes(file.size)]];
  const v = m.video;
  return [
    ['Duration', formatSpan(m.duration)],
    ['Container', m.container.split(',')[0]!],
    ...(v ? ([['Video', `${v.codec} ${v.width}×${v.height}${v.rotation ? ` ↻${v.rotation}°` : ''}${v.fps ? ` · ${v.fps} fps` : ''}${v.bitDepth > 8 ? ` · ${v.bitDepth}-bit` : ''}${v.hdr ? ' · HDR' : ''}`]] as [string, string][]) : []),
    ...m.audio.map((a, i) => [i === 0 ? 'Audio' : '', `${a.codec} · ${a.channels} ch · ${a.sampleRate / 1000} kHz${a.language ? ` · ${a.language}` : ''}`] as [string, string]),
    ...(m.subtitles.length ? ([['Subtitles', m.subtitles.map((s) => s.language ?? s.codec).join(', ')]] as [string, string][]) : []),
    ['Bitrate', m.bitrate ? `${(m.bitrate / 1e6).toFixed(2)} Mb/s` : '–'],
    ['Size', formatBytes(file.size)],
    ['Modified', new Date(file.modifiedAt).toLocaleString()],
  ];
}

/** The selected file: played, described, and its links to hand to other devices. */
export function LibraryDetail({ file, lanBase, token, folderPath }: { file: LibraryFile; lanBase: string | null; token: string | null; folderPath: string | null }) {
  const link = lanUrl(file.hlsUrl, lanBase, token);
  return (
    <aside className="library-detail" data-testid="library-detail" data-path={file.path}>
      {file.state === 'ready' ? (
        <VodPlayer key={file.hlsUrl} src={`${file.hlsUrl}${token ? `?token=${encodeURIComponent(token)}` : ''}`} />
      ) : (
        <div className="library-detail-state" data-testid="library-detail-state">
          {file.state === 'probing' ? 'Reading the file…' : `Cannot play this file: ${file.problem ?? 'unknown reason'}`}
        </div>
      )}
      <h3 className="library-detail-name" title={file.path}>
        {file.path.split('/').at(-1)}
      </h3>
      <dl className="library-facts">
        {facts(file).map(([k, v], i) => (
          <div key={i} className="library-fact">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <FileActions key={file.path} file={file} folderPath={folderPath} />
      {file.state === 'ready' && <PlayAsLive files={[file]} />}
      {file.state === 'ready' && (
        <div className="library-links">
          <span className="field-label">Play on any device (HLS)</span>
          <CopyField value={link} label="LAN link" testId="library-link" />
          <span className="field-label">The file as it is</span>
          <CopyField value={lanUrl(file.url, lanBase, token)} label="file link" />
          <QrCode text={link} size={120} testId="library-qr" />
        </div>
      )}
    </aside>
  );
}
