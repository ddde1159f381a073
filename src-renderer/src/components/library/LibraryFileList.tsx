import { useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { LibraryFile } from '../../../../src-main/contract/library-api';
import { libraryDragType } from '../../lib/file-drop';
import { formatBytes } from '../../lib/format';
import { formatSpan } from '../../lib/timeline/clock';

export type LibraryView = 'grid' | 'list';

/** The type a library file dragged inside the window carries (onto a folder: moved there). */
export { libraryDragType };

const rowHeight = 44;
const cardHeight = 176;
const cardMinWidth = 200;

function Poster({ file, token }: { file: LibraryFile; token: string | null }) {
  const [failed, setFailed] = useState(false);
  if (file.state !== 'ready' || !file.media?.video || failed) {
    return <div className={`library-poster library-poster-empty${file.state === 'unplayable' ? ' is-bad' : ''}`}>{file.state === 'probing' ? '…' : file.media?.video ? '' : file.state === 'unplayable' ? '!' : '♪'}</div>;
  }
  return <img className="library-poster" loading="lazy" alt="" src={`${file.posterUrl}${token ? `?token=${encodeURIComponent(token)}` : ''}`} onError={() => setFailed(true)} />;
}

const sizeOf = (f: LibraryFile) => (f.media?.video ? `${f.media.video.width}×${f.media.video.height}` : f.media ? 'audio' : '');
const codecsOf = (f: LibraryFile) => (f.media ? [f.media.video?.codec, f.media.audio[0]?.codec].filter(Boolean).join(' · ') : (f.problem ?? 'reading…'));

/** Thousands of files: only the rows on screen are in the page. */
/** How a click selects: alone, added or taken away (Ctrl/⌘), or a range from the last (Shift). */
export type SelectMode = 'only' | 'toggle' | 'range';

export function LibraryFileList({
  files,
  view,
  selected,
  picked,
  token,
  onSelect,
  onOpen,
}: {
  files: LibraryFile[];
  view: LibraryView;
  /** The file in focus (the detail pane's). */
  selected: string | null;
  /** Every selected file (several with Ctrl/⌘ or Shift). */
  picked: ReadonlySet<string>;
  token: string | null;
  onSelect: (path: string, mode: SelectMode) => void;
  onOpen: (path: string) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const columns = view === 'grid' ? Math.max(1, Math.floor(width / cardMinWidth)) : 1;
  const rows = Math.ceil(files.length / columns);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer's functions are read during render by design
  const virtual = useVirtualizer({ count: rows, getScrollElement: () => scroller.current, estimateSize: () => (view === 'grid' ? cardHeight : rowHeight), overscan: 6 });

  // The selection stays in sight when moved by keyboard.
  useEffect(() => {
    const index = files.findIndex((f) => f.path === selected);
    if (index >= 0) virtual.scrollToIndex(Math.floor(index / columns), { align: 'auto' });
  }, [selected, files, columns, virtual]);

  return (
    <div className={`library-scroll library-${view}`} ref={scroller} data-testid="library-files" data-count={files.length}>
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {virtual.getVirtualItems().map((row) => (
          <div key={row.key} className="library-row-band" style={{ position: 'absolute', top: 0, left: 0, right: 0, height: row.size, transform: `translateY(${row.start}px)`, gridTemplateColumns: `repeat(${columns}, 1fr)` }}>
            {files.slice(row.index * columns, row.index * columns + columns).map((f) => (
              <button
                key={f.path}
                type="button"
                className={`library-item${picked.has(f.path) ? ' is-selected' : ''}${f.path === selected ? ' is-focus' : ''}${f.state === 'unplayable' ? ' is-bad' : ''}`}
                data-testid="library-file"
                data-path={f.path}
                data-state={f.state}
                aria-selected={picked.has(f.path)}
                onClick={(e) => onSelect(f.path, e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'only')}
                onDoubleClick={() => onOpen(f.path)}
                draggable
                onDragStart={(e) => {
                  // Dragging one of several selected files takes them all.
                  const paths = picked.has(f.path) ? [...picked] : [f.path];
                  e.dataTransfer.setData(libraryDragType, JSON.stringify({ folder: f.folder, paths }));
                  e.dataTransfer.effectAllowed = 'move';
                }}
              >
                <Poster file={f} token={token} />
                <span className="library-item-name" title={f.path}>
                  {f.path}
                </span>
                <span className="library-item-meta">{f.media ? formatSpan(f.media.duration) : ''}</span>
                {view === 'list' && <span className="library-item-meta">{sizeOf(f)}</span>}
                <span className="library-item-meta library-item-codecs">{codecsOf(f)}</span>
                {view === 'list' && <span className="library-item-meta">{formatBytes(f.size)}</span>}
              </button>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
