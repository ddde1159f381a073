// The library slice's shape, apart from its code so the combined store's type
// (types.ts) can name it without importing the slice, which imports types.ts.

export interface LibrarySlice {
  /** Bumped by every library_changed event: listings showing that folder load again. */
  libraryVersion: Record<string, number>;
  noteLibraryChanged(folder: string): void;
  /** Files dropped on the window outside the Library, waiting for it to take them in. */
  droppedFiles: File[] | null;
  /** Opens the Library with these files to import (by path in the desktop app, else by upload). */
  dropFiles(files: File[]): void;
  /** The Library takes the waiting files (once). */
  takeDroppedFiles(): File[] | null;
}
