// What the server says of library folders changing; the Library window refetches the folder it shows.
// Also files dropped anywhere on the window, handed to the Library.
import type { LibrarySlice } from './library.state';
import type { SliceCreator } from './types';

export const createLibrarySlice: SliceCreator<LibrarySlice> = (set, get) => ({
  libraryVersion: {},
  noteLibraryChanged(folder) {
    set({ libraryVersion: { ...get().libraryVersion, [folder]: (get().libraryVersion[folder] ?? 0) + 1 } });
  },
  droppedFiles: null,
  dropFiles(files) {
    if (files.length === 0) return;
    set({ droppedFiles: files });
    get().setSection('library');
  },
  takeDroppedFiles() {
    const files = get().droppedFiles;
    if (files) set({ droppedFiles: null });
    return files;
  },
});
