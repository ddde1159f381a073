import type { ComponentType, SVGProps } from 'react';
import type { SectionId } from '../../app/sections';
import { DvrIcon, LibraryIcon, MixerIcon, MonitorIcon, SettingsIcon } from '../icons';

export const sectionIcons: Record<SectionId, ComponentType<SVGProps<SVGSVGElement> & { size?: number }>> = {
  monitor: MonitorIcon,
  dvr: DvrIcon,
  library: LibraryIcon,
  mixer: MixerIcon,
  settings: SettingsIcon,
};
