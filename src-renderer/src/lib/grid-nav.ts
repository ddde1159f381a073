// Arrow-key movement through a grid of tiles laid out in rows of `columns`.

export type GridKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End';

export function isGridKey(key: string): key is GridKey {
  return ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(key);
}

/**
 * The tile index after `key`, staying put at the edges (no wrap: a calm grid does
 * not jump to the other side). Left/right run through rows in reading order.
 */
export function moveInGrid(index: number, key: GridKey, columns: number, count: number): number {
  if (count <= 0) return -1;
  const cols = Math.max(1, Math.floor(columns));
  const from = Math.min(Math.max(index, 0), count - 1);
  switch (key) {
    case 'ArrowLeft':
      return Math.max(0, from - 1);
    case 'ArrowRight':
      return Math.min(count - 1, from + 1);
    case 'ArrowUp':
      return from - cols >= 0 ? from - cols : from;
    case 'ArrowDown':
      // Into a shorter last row: land on its last tile rather than nowhere.
      if (from + cols < count) return from + cols;
      return Math.floor(from / cols) < Math.floor((count - 1) / cols) ? count - 1 : from;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
  }
}

/** How many columns a CSS grid currently lays out, from its computed template. */
export function gridColumnCount(template: string): number {
  const tracks = template.trim().split(/\s+/).filter((t) => t.length > 0 && t !== 'none');
  return Math.max(1, tracks.length);
}
