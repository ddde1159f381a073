// Shortcut labels follow the OS the user is on: ⌘ on macOS, Ctrl elsewhere.
import { platform } from '../platform';

export const isMac = platform.os === 'darwin';

export const modLabel = isMac ? '⌘' : 'Ctrl';

/** "Ctrl+S" / "⌘S" */
export function shortcutLabel(key: string): string {
  return isMac ? `${modLabel}${key}` : `${modLabel}+${key}`;
}

/** Typing in a field must not trigger single-key shortcuts such as `?`. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color'].includes(type);
}
