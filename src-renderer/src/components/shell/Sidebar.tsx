import { sections } from '../../app/sections';
import { HelpMenu } from '../help/HelpMenu';
import { shortcutLabel } from '../../lib/keys';
import { platform } from '../../platform';
import { useStudio } from '../../store';
import { KeyboardIcon, LogoMark, SignOutIcon } from '../icons';
import { sectionIcons } from './section-icons';

export function Sidebar() {
  const current = useStudio((s) => s.section);
  const setSection = useStudio((s) => s.setSection);
  const setShortcutsOpen = useStudio((s) => s.setShortcutsOpen);
  const logout = useStudio((s) => s.logout);

  return (
    <aside className="sidebar">
      <div className="brand">
        <LogoMark size={20} className="brand-mark" />
        <span className="brand-name">Framehouse</span>
      </div>

      <nav className="nav" aria-label="Sections">
        {sections.map((section, index) => {
          const SectionIcon = sectionIcons[section.id];
          const active = section.id === current;
          return (
            <button
              key={section.id}
              type="button"
              className="nav-item"
              data-testid={`nav-${section.id}`}
              aria-current={active ? 'page' : undefined}
              title={`${section.title} (${shortcutLabel(String(index + 1))})`}
              onClick={() => setSection(section.id)}
            >
              <SectionIcon className="nav-icon" />
              <span className="nav-label">{section.title}</span>
              <kbd className="nav-hint">{shortcutLabel(String(index + 1))}</kbd>
            </button>
          );
        })}
      </nav>

      <div className="sidebar-foot">
        <HelpMenu />
        <button type="button" className="nav-item nav-item-quiet" onClick={() => setShortcutsOpen(true)}>
          <KeyboardIcon className="nav-icon" size={16} />
          <span className="nav-label">Shortcuts</span>
          <kbd className="nav-hint">?</kbd>
        </button>
        {/* The desktop window signs itself in; signing out there would only strand it. */}
        {platform.kind === 'browser' && (
          <button type="button" className="nav-item nav-item-quiet" data-testid="sign-out" onClick={() => void logout()}>
            <SignOutIcon className="nav-icon" size={16} />
            <span className="nav-label">Sign out</span>
          </button>
        )}
      </div>
    </aside>
  );
}
