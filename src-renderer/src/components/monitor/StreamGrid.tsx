import { useCallback, useRef, useState, type KeyboardEvent } from 'react';
import { gridColumnCount, isGridKey, moveInGrid } from '../../lib/grid-nav';
import { useStudio } from '../../store';
import { StreamTile } from './StreamTile';

/** The tile of `name`, for moving focus to it from outside the grid. */
export function tileElement(name: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-testid="stream-tile"][data-stream="${CSS.escape(name)}"]`);
}

/**
 * Every stream as a tile. One tile is in the Tab order; arrow keys (and Home/End)
 * move between tiles along the grid's current rows, Enter opens the details.
 */
export function StreamGrid({ names }: { names: string[] }) {
  const selected = useStudio((s) => s.selectedStream);
  const openStream = useStudio((s) => s.openStream);
  const gridRef = useRef<HTMLDivElement>(null);
  const [focusName, setFocusName] = useState<string | null>(null);

  // The focused stream may have gone away: the first tile stands in for it.
  const tabName = focusName !== null && names.includes(focusName) ? focusName : (selected !== null && names.includes(selected) ? selected : names[0]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!isGridKey(event.key) || event.altKey || event.ctrlKey || event.metaKey) return;
    const grid = gridRef.current;
    if (!grid) return;
    const current = names.indexOf(tabName ?? '');
    const columns = gridColumnCount(getComputedStyle(grid).gridTemplateColumns);
    const next = names[moveInGrid(current, event.key, columns, names.length)];
    event.preventDefault();
    if (next === undefined) return;
    setFocusName(next);
    const tile = tileElement(next);
    tile?.focus();
    tile?.scrollIntoView({ block: 'nearest' });
  };

  const onOpen = useCallback((name: string) => openStream(name), [openStream]);
  const onFocus = useCallback((name: string) => setFocusName(name), []);

  return (
    <div ref={gridRef} className="stream-grid" aria-label="Streams" data-testid="stream-grid" onKeyDown={onKeyDown}>
      {names.map((name) => (
        <StreamTile key={name} name={name} tabbable={name === tabName} selected={name === selected} onOpen={onOpen} onFocus={onFocus} />
      ))}
    </div>
  );
}
