// The library slice's shape, apart from its code so the combined store's type
// (types.ts) can name it without importing the slice, which imports types.ts.

export interface LibrarySlice {
  /** Bumped by every library_changed event: listings showing that folder load again. */
  libraryVersion: Record<string, number>;
  noteLibraryChanged(folder: string): void;
}
