import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LibraryFile, LibraryFolder, LibrarySort } from '../../../../src-main/contract/library-api';
import { api } from '../../api/endpoints';
import { errorMessage } from '../../api/api-error';
import { isTypingTarget } from '../../lib/keys';
import { platform } from '../../platform';
import { useStudio } from '../../store';
import { LibraryIcon } from '../icons';
import { EmptyState } from '../sections/EmptyState';
import { LibraryDetail } from './LibraryDetail';
import { PlayAsLive } from './PlayAsLive';
import { LibraryFileList, libraryDragType, type LibraryView, type SelectMode } from './LibraryFileList';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { UploadQueue, useUploads } from './UploadQueue';

/** Folders on the left, files in the middle (grid or list), the selected one on the right. */
export function LibrarySection() {
  const [folders, setFolders] = useState<LibraryFolder[]>([]);
  const [folderName, setFolderName] = useState('media');
  const [files, setFiles] = useState<LibraryFile[]>([]);
  const [total, setTotal] = useState(0);
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<LibrarySort>('name');
  const [view, setView] = useState<LibraryView>('grid');
  const [selected, setSelected] = useState<string | null>(null);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [bulkDelete, setBulkDelete] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const version = useStudio((s) => s.libraryVersion[folderName] ?? 0);
  const lan = useStudio((s) => s.lan);
  const loadLan = useStudio((s) => s.loadLan);
  const search = useRef<HTMLInputElement>(null);
  const folder = folders.find((f) => f.name === folderName) ?? null;
  const token = folder && !folder.shared ? folder.playToken : null;
  const uploads = useUploads(folderName);

  const loadFolders = useCallback(() => {
    api.libraryFolders().then(setFolders, (e: unknown) => setError(errorMessage(e)));
  }, []);
  useEffect(() => {
    loadFolders();
    if (!lan) void loadLan();
  }, [loadFolders, lan, loadLan]);

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api
        .library({ folder: folderName, q: query || undefined, sort, order: sort === 'date' || sort === 'size' || sort === 'duration' ? 'desc' : 'asc', limit: 20_000 }, controller.signal)
        .then((listing) => {
          setFiles(listing.files);
          setTotal(listing.total);
          setError(null);
        })
        .catch((e: unknown) => {
          if (!controller.signal.aborted) setError(errorMessage(e));
        });
    }, 120);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [folderName, query, sort, version]);
  useEffect(() => {
    if (version > 0) loadFolders();
  }, [version, loadFolders]);

  const selectedFile = useMemo(() => files.find((f) => f.path === selected) ?? null, [files, selected]);
  // Files that went (deleted, moved) leave the selection.
  const pickedNow = useMemo(() => new Set(files.filter((f) => picked.has(f.path)).map((f) => f.path)), [files, picked]);

  const select = useCallback(
    (path: string, mode: SelectMode) => {
      if (mode === 'only') setPicked(new Set([path]));
      else if (mode === 'toggle') {
        const next = new Set(pickedNow);
        if (next.has(path)) next.delete(path);
        else next.add(path);
        setPicked(next);
      } else {
        const from = files.findIndex((f) => f.path === selected);
        const to = files.findIndex((f) => f.path === path);
        const [a, b] = from < 0 ? [to, to] : [Math.min(from, to), Math.max(from, to)];
        setPicked(new Set(files.slice(a, b + 1).map((f) => f.path)));
      }
      setSelected(path);
    },
    [files, pickedNow, selected],
  );

  // ↑/↓ (←/→ in the grid) move the selection, / finds, G switches grid and list.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTypingTarget(e.target)) return;
      if ((e.ctrlKey || e.metaKey) && e.key === 'a') {
        e.preventDefault();
        setPicked(new Set(files.map((f) => f.path)));
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '/') {
        e.preventDefault();
        search.current?.focus();
        return;
      }
      if (e.key === 'g' || e.key === 'G') {
        setView((v) => (v === 'grid' ? 'list' : 'grid'));
        return;
      }
      if (e.key === 'Delete' && pickedNow.size > 0) {
        setBulkDelete(true);
        return;
      }
      const step = { ArrowDown: 1, ArrowUp: -1, ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (step === undefined || files.length === 0) return;
      e.preventDefault();
      const index = files.findIndex((f) => f.path === selected);
      const next = Math.min(files.length - 1, Math.max(0, index < 0 ? 0 : index + step));
      select(files[next]!.path, e.shiftKey ? 'range' : 'only');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [files, selected, pickedNow, select]);

  // The desktop app knows where a dropped file lives: the user chooses to copy it in or use it in place. A browser uploads it.
  const [dropped, setDropped] = useState<string[] | null>(null);
  const addUploads = uploads.add;
  const receiveFiles = useCallback(
    (files: File[]) => {
      const paths = files.map((f) => platform.pathForFile(f));
      if (platform.nativePaths && paths.every((p) => p)) setDropped(paths as string[]);
      else addUploads(files);
    },
    [addUploads],
  );
  // Files dropped anywhere on the window, here too, arrive through the store (app/use-file-drop.ts), which opened this section for them.
  useEffect(() => {
    const take = () => {
      const files = useStudio.getState().takeDroppedFiles();
      if (files) receiveFiles(files);
    };
    // Those that opened this section are waiting already; later ones come while it is open.
    const waiting = setTimeout(take, 0);
    const unsubscribe = useStudio.subscribe((state, before) => {
      if (state.droppedFiles && state.droppedFiles !== before.droppedFiles) take();
    });
    return () => {
      clearTimeout(waiting);
      unsubscribe();
    };
  }, [receiveFiles]);
  const onDrop = (e: React.DragEvent) => {
    // Library tiles dropped beside a folder: nothing to do. Files from the desktop are the window's (see above).
    e.preventDefault();
  };
  const importDropped = async (mode: 'copy' | 'place') => {
    const paths = dropped ?? [];
    setDropped(null);
    for (const p of paths) await api.importLibraryFile({ path: p, mode, folder: folderName }).catch((err: unknown) => setError(errorMessage(err)));
    loadFolders();
  };
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const dropOnFolder = (target: string) => (e: React.DragEvent) => {
    setDropTarget(null);
    const raw = e.dataTransfer.getData(libraryDragType);
    if (!raw) return;
    e.preventDefault();
    e.stopPropagation();
    const from = JSON.parse(raw) as { folder: string; paths: string[] };
    if (from.folder === target) return;
    void (async () => {
      for (const p of from.paths) await api.moveLibraryFile({ folder: from.folder, path: p, toFolder: target, toPath: p.split('/').at(-1)! }).catch((err: unknown) => setError(errorMessage(err)));
    })();
  };

  return (
    <div className="library" data-testid="library" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <nav className="library-folders" aria-label="Library folders">
        <div className="library-folders-head">Folders</div>
        {folders.map((f) => (
          <button
            key={f.name}
            type="button"
            className={`library-folder${f.name === folderName ? ' is-selected' : ''}${dropTarget === f.name ? ' is-drop-target' : ''}`}
            data-testid="library-folder"
            data-folder={f.name}
            onClick={() => { setFolderName(f.name); setSelected(null); setPicked(new Set()); }}
            onDragOver={(e) => {
              if (!e.dataTransfer.types.includes(libraryDragType)) return;
              e.preventDefault();
              setDropTarget(f.name);
            }}
            onDragLeave={() => setDropTarget(null)}
            onDrop={dropOnFolder(f.name)}
            title={f.problem ?? `${f.path} (drop a file here to move it)`}
          >
            <span className="library-folder-name">{f.name === 'media' ? 'Media' : f.name}</span>
            <span className="library-folder-count">{f.problem ? '!' : f.files}</span>
            {!f.shared && <span className="chip chip-quiet">private</span>}
          </button>
        ))}
        {adding ? <AddFolder onDone={(name) => { setAdding(false); loadFolders(); if (name) setFolderName(name); }} /> : (
          <button type="button" className="button library-add-folder" data-testid="library-add-folder" onClick={() => setAdding(true)}>
            + Add folder
          </button>
        )}
        {folder && <p className="help library-folder-path" title={folder.path}>{folder.path}</p>}
      </nav>
      <section className="library-main">
        <div className="library-toolbar">
          <input ref={search} className="input library-search" type="search" placeholder="Find by name  /" aria-label="Find by name" data-testid="library-search" value={query} onChange={(e) => setQuery(e.target.value)} />
          <select className="input select" aria-label="Sort by" value={sort} onChange={(e) => setSort(e.target.value as LibrarySort)}>
            <option value="name">Name</option>
            <option value="date">Newest</option>
            <option value="duration">Longest</option>
            <option value="size">Largest</option>
          </select>
          <div className="segmented" role="radiogroup" aria-label="View">
            {(['grid', 'list'] as const).map((v) => (
              <button key={v} type="button" role="radio" className="segment" aria-checked={view === v} onClick={() => setView(v)} title="G switches">
                <span className="segment-label">{v === 'grid' ? 'Grid' : 'List'}</span>
              </button>
            ))}
          </div>
          <span className="library-count" data-testid="library-count">
            {total.toLocaleString()} {total === 1 ? 'file' : 'files'}
          </span>
          <label className="button button-primary library-upload">
            Upload…
            <input type="file" multiple hidden data-testid="library-upload-input" onChange={(e) => { uploads.add([...(e.target.files ?? [])]); e.target.value = ''; }} />
          </label>
        </div>
        {error && <p className="help help-warning">{error}</p>}
        <UploadQueue uploads={uploads.list} onCancel={uploads.cancel} />
        {pickedNow.size > 1 && (
          <div className="library-bulk" data-testid="library-bulk">
            <span>{pickedNow.size} files selected</span>
            <span className="help">Drag them onto a folder to move them</span>
            <PlayAsLive files={files.filter((f) => pickedNow.has(f.path) && f.state === 'ready')} />
            <button type="button" className="button" data-testid="library-bulk-delete" onClick={() => setBulkDelete(true)}>
              Delete…
            </button>
            <button type="button" className="button" onClick={() => setPicked(new Set(selected ? [selected] : []))}>
              Clear
            </button>
          </div>
        )}
        {bulkDelete && (
          <ConfirmDialog
            title={`Delete ${pickedNow.size === 1 ? 'this file' : `${pickedNow.size} files`}?`}
            confirmLabel="Delete"
            danger
            testId="library-bulk-confirm"
            onClose={() => setBulkDelete(false)}
            onConfirm={async () => {
              for (const p of pickedNow) await api.deleteLibraryFile(folderName, p);
            }}
          >
            <p>{[...pickedNow].slice(0, 5).join(', ')}{pickedNow.size > 5 ? ` and ${pickedNow.size - 5} more` : ''} will be deleted from disk.</p>
          </ConfirmDialog>
        )}
        {dropped && (
          <div className="library-dropped" data-testid="library-dropped">
            <span>{dropped.length === 1 ? dropped[0]!.split(/[\\/]/).at(-1) : `${dropped.length} files`}:</span>
            <button type="button" className="button button-primary" onClick={() => void importDropped('copy')}>
              Copy into {folderName === 'media' ? 'Media' : folderName}
            </button>
            <button type="button" className="button" onClick={() => void importDropped('place')} title="The files stay where they are; their folder joins the library">
              Use where they are
            </button>
            <button type="button" className="button" onClick={() => setDropped(null)}>
              Cancel
            </button>
          </div>
        )}
        {files.length === 0 && !query ? (
          <EmptyState icon={<LibraryIcon size={28} />} title="Nothing in this folder yet" testId="library-empty">
            <p>Drop video files on this window, or use Upload. Every file becomes playable from any browser on the LAN, transcoded segment by segment where a device needs it.</p>
            <p className="help">
              {platform.nativePaths ? 'Files you copy into the folder on disk appear here within seconds.' : 'Files copied into the folder on the studio machine appear here within seconds.'}
            </p>
          </EmptyState>
        ) : (
          <LibraryFileList files={files} view={view} selected={selected} picked={pickedNow} token={token} onSelect={select} onOpen={(p) => select(p, 'only')} />
        )}
      </section>
      {selectedFile && <LibraryDetail file={selectedFile} lanBase={lan?.lan ? (lan.urls[0] ?? null) : null} token={token} folderPath={folder?.path ?? null} />}
    </div>
  );
}

function AddFolder({ onDone }: { onDone: (name: string | null) => void }) {
  const [name, setName] = useState('');
  const [path, setPath] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const choose = async () => {
    const picked = await platform.pickFolder('Add a folder to the library').catch(() => null);
    if (picked) {
      setPath(picked);
      if (!name) setName(picked.split(/[\\/]/).filter(Boolean).at(-1)?.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').slice(0, 40) ?? '');
    }
  };
  const save = async () => {
    try {
      await api.addLibraryFolder({ name, path });
      onDone(name);
    } catch (e) {
      setProblem(errorMessage(e));
    }
  };
  return (
    <form className="library-add-form" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <input className="input" placeholder="name (in URLs)" aria-label="Folder name" value={name} onChange={(e) => setName(e.target.value)} />
      <div className="input-row">
        <input className="input" placeholder="/absolute/folder" aria-label="Folder path" value={path} onChange={(e) => setPath(e.target.value)} />
        {platform.nativePaths && <button type="button" className="button" onClick={() => void choose()}>…</button>}
      </div>
      {problem && <p className="help help-warning">{problem}</p>}
      <div className="input-row">
        <button type="submit" className="button button-primary">Add</button>
        <button type="button" className="button" onClick={() => onDone(null)}>Cancel</button>
      </div>
    </form>
  );
}
