// The five sections of the studio, in sidebar order; the position is also the
// Ctrl/Cmd+digit shortcut.
export const sections = [
  { id: 'monitor', title: 'Monitor' },
  { id: 'dvr', title: 'DVR' },
  { id: 'library', title: 'Library' },
  { id: 'mixer', title: 'Mixer' },
  { id: 'settings', title: 'Settings' },
] as const;

export type SectionId = (typeof sections)[number]['id'];

export function isSectionId(value: string): value is SectionId {
  return sections.some((s) => s.id === value);
}

export function sectionTitle(id: SectionId): string {
  return sections.find((s) => s.id === id)?.title ?? id;
}

/** The section in the address (#/settings), so a reload stays where the user was. */
export function sectionFromHash(hash: string = window.location.hash): SectionId | null {
  const id = hash.replace(/^#\/?/, '');
  return isSectionId(id) ? id : null;
}

export function writeSectionHash(id: SectionId): void {
  const hash = `#/${id}`;
  if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
}

const helpViews = ['welcome', 'obs-guide', 'about'] as const;

/** A help dialog asked for in the address (#/help/obs-guide): the desktop menu and notifications open them so. */
export function helpFromHash(hash: string = window.location.hash): (typeof helpViews)[number] | null {
  const match = /^#\/help\/([a-z-]+)$/.exec(hash);
  const view = match?.[1];
  return helpViews.find((v) => v === view) ?? null;
}
