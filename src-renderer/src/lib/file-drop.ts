// What a drag over the window carries: files from the desktop (import them), or something
// the page itself is dragging (library tiles, text, pictures), which is left alone.

export type DragKind = 'files' | 'ignore';

/** A library file dragged inside the window (onto a folder: moved there); files from the OS carry no such type. */
export const libraryDragType = 'application/x-framehouse-library-file';

/** Types only the page's own drags carry. */
export const pageDragTypes: readonly string[] = [libraryDragType];

/**
 * `types` is DataTransfer.types; `fromPage` says the drag started inside this page (a
 * dragstart was seen), as Chromium adds "Files" to a dragged <img> too.
 */
export function classifyDrag(types: readonly string[], fromPage: boolean, pageTypes: readonly string[] = pageDragTypes): DragKind {
  if (fromPage) return 'ignore';
  if (!types.includes('Files')) return 'ignore';
  if (pageTypes.some((type) => types.includes(type))) return 'ignore';
  return 'files';
}
