import { sections } from '../../app/sections';
import { shortcutLabel } from '../../lib/keys';
import { dvrShortcutRows } from '../../lib/timeline/keymap';
import { useStudio } from '../../store';
import { CloseIcon } from '../icons';

export function ShortcutOverlay() {
  const open = useStudio((s) => s.shortcutsOpen);
  const setOpen = useStudio((s) => s.setShortcutsOpen);
  const openHelp = useStudio((s) => s.openHelp);
  if (!open) return null;

  const groups: { title: string; rows: (readonly [string, string])[] }[] = [
    {
      title: 'Studio',
      rows: [
        ...sections.map((s, i) => [shortcutLabel(String(i + 1)), `Go to ${s.title}`] as const),
        [shortcutLabel('S'), 'Save settings'],
        ['?', 'Show or hide this list'],
        ['Esc', 'Close a dialog or the details'],
      ],
    },
    {
      title: 'Monitor',
      rows: [
        ['N', 'Add a stream'],
        ['← ↑ → ↓', 'Move between stream tiles'],
        ['Enter', 'Open the stream details'],
        ['R', 'Record the open stream to files, or stop'],
      ],
    },
    { title: 'DVR', rows: [...dvrShortcutRows] },
  ];

  return (
    <div className="overlay" onClick={() => setOpen(false)} data-testid="shortcut-overlay">
      <div
        className="dialog dialog-shortcuts"
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
        <div className="shortcut-groups">
          {groups.map((group) => (
            <section key={group.title} className="shortcut-group" aria-label={group.title} data-testid={`shortcuts-${group.title.toLowerCase()}`}>
              <h3 className="shortcut-group-title">{group.title}</h3>
              <dl className="shortcut-list">
                {group.rows.map(([keys, action]) => (
                  <div className="shortcut-row" key={action}>
                    <dt>{action}</dt>
                    <dd>
                      <kbd>{keys}</kbd>
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
        <div className="shortcut-foot">
          <button
            type="button"
            className="link-button"
            data-testid="shortcuts-obs-guide"
            onClick={() => {
              setOpen(false);
              openHelp('obs-guide');
            }}
          >
            OBS setup guide
          </button>
          <button
            type="button"
            className="link-button"
            data-testid="shortcuts-about"
            onClick={() => {
              setOpen(false);
              openHelp('about');
            }}
          >
            About Framehouse
          </button>
        </div>
      </div>
    </div>
  );
}
