import { lazy, Suspense, type ComponentType } from 'react';
import type { SectionId } from '../../app/sections';
import { useStudio } from '../../store';
import { LibrarySection } from '../library/LibrarySection';
import { MixerSection } from '../mixer/MixerSection';
import { MonitorSection } from '../monitor/MonitorSection';
import { SettingsSection } from '../settings/SettingsSection';

// The DVR brings hls.js and the timeline: loaded the first time it opens, not with the studio.
const DvrSection = lazy(() => import('../dvr/DvrSection').then((m) => ({ default: m.DvrSection })));

const views: Record<SectionId, ComponentType> = {
  monitor: MonitorSection,
  dvr: DvrSection,
  library: LibrarySection,
  mixer: MixerSection,
  settings: SettingsSection,
};

export function SectionView() {
  const section = useStudio((s) => s.section);
  const View = views[section];
  return (
    <Suspense fallback={<p className="monitor-loading muted">Loading…</p>}>
      <View />
    </Suspense>
  );
}
