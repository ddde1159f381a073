import type { ComponentType } from 'react';
import type { SectionId } from '../../app/sections';
import { useStudio } from '../../store';
import { DvrSection } from '../sections/DvrSection';
import { LibrarySection } from '../sections/LibrarySection';
import { MixerSection } from '../sections/MixerSection';
import { MonitorSection } from '../monitor/MonitorSection';
import { SettingsSection } from '../settings/SettingsSection';

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
  return <View />;
}
