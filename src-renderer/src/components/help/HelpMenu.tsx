import { useEffect, useRef, useState } from 'react';
import { useStudio } from '../../store';
import type { HelpView } from '../../store/help.state';
import { HelpIcon } from '../icons';

const items: { view: HelpView | 'shortcuts'; label: string; testId: string }[] = [
  { view: 'welcome', label: 'Getting started', testId: 'help-welcome' },
  { view: 'obs-guide', label: 'OBS setup guide', testId: 'help-obs-guide' },
  { view: 'shortcuts', label: 'Keyboard shortcuts', testId: 'help-shortcuts' },
  { view: 'about', label: 'About Framehouse', testId: 'help-about' },
];

/** The sidebar's Help entry: a small menu of the first-run checks, the OBS guide, the shortcuts and About. */
export function HelpMenu() {
  const [open, setOpen] = useState(false);
  const openHelp = useStudio((s) => s.openHelp);
  const setShortcutsOpen = useStudio((s) => s.setShortcutsOpen);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        setOpen(false);
      }
    };
    window.addEventListener('pointerdown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('pointerdown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const choose = (view: HelpView | 'shortcuts') => {
    setOpen(false);
    if (view === 'shortcuts') setShortcutsOpen(true);
    else openHelp(view);
  };

  return (
    <div className="help-menu" ref={root}>
      <button type="button" className="nav-item nav-item-quiet" data-testid="help-menu" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
        <HelpIcon className="nav-icon" size={16} />
        <span className="nav-label">Help</span>
      </button>
      {open && (
        <div className="help-menu-list" role="menu" aria-label="Help">
          {items.map((item) => (
            <button key={item.view} type="button" role="menuitem" className="help-menu-item" data-testid={item.testId} onClick={() => choose(item.view)}>
              {item.label}
              {item.view === 'shortcuts' && <kbd>?</kbd>}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
