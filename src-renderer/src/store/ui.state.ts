// The UI slice's shape, apart from its code so the combined store's type
// (types.ts) can name it without importing the slice, which imports types.ts.
import type { SectionId } from '../app/sections';

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
