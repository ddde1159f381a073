import { sectionFromHash, writeSectionHash } from '../app/sections';
import type { UiSlice } from './ui.state';
import type { SliceCreator } from './types';

let nextNoticeId = 1;

export const createUiSlice: SliceCreator<UiSlice> = (set, get) => ({
  section: sectionFromHash() ?? 'monitor',
  shortcutsOpen: false,
  notice: null,

  setSection(section) {
    writeSectionHash(section);
    set({ section });
  },

  setShortcutsOpen(shortcutsOpen) {
    set({ shortcutsOpen });
  },

  showNotice(tone, text, ms = 6000) {
    const id = nextNoticeId++;
    set({ notice: { id, tone, text } });
    if (ms > 0) {
      setTimeout(() => {
        if (get().notice?.id === id) set({ notice: null });
      }, ms);
    }
  },

  dismissNotice() {
    set({ notice: null });
  },
});
