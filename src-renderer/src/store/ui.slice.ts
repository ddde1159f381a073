import { sectionFromHash, writeSectionHash, type SectionId } from '../app/sections';
import type { SliceCreator } from './types';

export type NoticeTone = 'info' | 'success' | 'warning' | 'danger';

export interface Notice {
  id: number;
  tone: NoticeTone;
  text: string;
}

export interface UiSlice {
  section: SectionId;
  shortcutsOpen: boolean;
  notice: Notice | null;
  setSection(section: SectionId): void;
  setShortcutsOpen(open: boolean): void;
  /** Shows a banner; it clears itself after `ms` unless 0. */
  showNotice(tone: NoticeTone, text: string, ms?: number): void;
  dismissNotice(): void;
}

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
