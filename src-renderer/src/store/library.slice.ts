// What the server says of library folders changing; the Library window refetches the folder it shows.
import type { LibrarySlice } from './library.state';
import type { SliceCreator } from './types';

export const createLibrarySlice: SliceCreator<LibrarySlice> = (set, get) => ({
  libraryVersion: {},
  noteLibraryChanged(folder) {
    set({ libraryVersion: { ...get().libraryVersion, [folder]: (get().libraryVersion[folder] ?? 0) + 1 } });
  },
});
