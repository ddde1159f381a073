import { sections } from '../../app/sections';
import { shortcutLabel } from '../../lib/keys';
import { useStudio } from '../../store';
import { CloseIcon } from '../icons';

export function ShortcutOverlay() {
  const open = useStudio((s) => s.shortcutsOpen);
  const setOpen = useStudio((s) => s.setShortcutsOpen);
  if (!open) return null;

  const rows: [string, string][] = [
    ...sections.map((s, i): [string, string] => [shortcutLabel(String(i + 1)), `Go to ${s.title}`]),
    [shortcutLabel('S'), 'Save settings'],
    ['N', 'Add a stream (Monitor)'],
    ['← ↑ → ↓', 'Move between stream tiles'],
    ['Enter', 'Open the stream details'],
    ['?', 'Show or hide this list'],
    ['Esc', 'Close a dialog or the details'],
  ];

  return (
    <div className="overlay" onClick={() => setOpen(false)} data-testid="shortcut-overlay">
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        onClick={(event) => event.stopPropagation()}
      >
        <div className="dialog-head">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={() => setOpen(false)} autoFocus>
            <CloseIcon size={14} />
          </button>
        </div>
        <dl className="shortcut-list">
          {rows.map(([keys, action]) => (
            <div className="shortcut-row" key={action}>
              <dt>{action}</dt>
              <dd>
                <kbd>{keys}</kbd>
              </dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
