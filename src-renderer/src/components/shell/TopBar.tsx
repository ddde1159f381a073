import { sectionTitle } from '../../app/sections';
import { platform } from '../../platform';
import { useStudio } from '../../store';

const subtitles = {
  monitor: 'Health of every live stream',
  dvr: 'Continuous recordings, timeline and export',
  library: 'Video files, playable anywhere on the LAN',
  mixer: 'Layouts of several sources as one new stream',
  settings: 'Network, media engine and logging',
} as const;

export function TopBar() {
  const section = useStudio((s) => s.section);
  return (
    <header className="topbar">
      <div className="topbar-titles">
        <h1 className="topbar-title" data-testid="section-title">
          {sectionTitle(section)}
        </h1>
        <span className="topbar-subtitle">{subtitles[section]}</span>
      </div>
      <div className="topbar-meta">
        <span className="chip" title="The address this window talks to">
          {window.location.host}
        </span>
        <span className="chip chip-quiet">{platform.kind === 'desktop' ? 'Desktop app' : 'Browser'}</span>
      </div>
    </header>
  );
}
