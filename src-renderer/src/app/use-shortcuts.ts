import { useEffect } from 'react';
import { isTypingTarget } from '../lib/keys';
import { useStudio } from '../store';
import { sections } from './sections';

/**
 * Studio-wide keys: Ctrl/Cmd+1..5 switch sections, Ctrl/Cmd+S saves settings,
 * `?` toggles the shortcut overlay, Escape closes it.
 */
export function useGlobalShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const state = useStudio.getState();
      // Either modifier counts, so Ctrl works on a Mac keyboard too and tests need not care.
      const mod = (event.ctrlKey || event.metaKey) && !event.altKey;

      if (mod && !event.shiftKey) {
        const digit = /^Digit([1-9])$/.exec(event.code)?.[1] ?? (/^[1-9]$/.test(event.key) ? event.key : null);
        const section = digit ? sections[Number(digit) - 1] : undefined;
        if (section) {
          event.preventDefault();
          state.setSection(section.id);
          return;
        }
        if (event.key.toLowerCase() === 's') {
          // Never the browser's "save page" dialog, whatever section is open.
          event.preventDefault();
          if (state.section === 'settings') void state.saveSettings();
          return;
        }
      }

      if (event.key === 'Escape' && state.shortcutsOpen) {
        event.preventDefault();
        state.setShortcutsOpen(false);
        return;
      }
      if (event.key === '?' && !mod && !isTypingTarget(event.target)) {
        event.preventDefault();
        state.setShortcutsOpen(!state.shortcutsOpen);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
