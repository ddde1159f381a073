// Checks on the studio's data folder for the first-run screen: where it lives and how
// much room it has for video.

/**
 * Windows' roaming profile folder (%APPDATA%, …\AppData\Roaming\…): synced with the
 * user's profile on domain machines and backed up with it, so no place for recordings.
 * The desktop shell puts new data folders in %LOCALAPPDATA% instead.
 */
export function isRoamingAppData(path: string): boolean {
  return /[\\/]AppData[\\/]Roaming([\\/]|$)/i.test(path);
}

export type SpaceLevel = 'ok' | 'low' | 'critical';

const GB = 1e9;

/**
 * Room for video: low under 20 GB or 5 % of the disk (an hour of 6 Mbit/s is about
 * 2.7 GB per stream), critical under the free space recording needs to go on
 * (dvrMinFreeMB) or 2 GB when that is not known.
 */
export function spaceLevel(freeBytes: number, totalBytes: number, minFreeMB: number | null = null): SpaceLevel {
  const floor = minFreeMB !== null ? minFreeMB * 1024 * 1024 : 2 * GB;
  if (freeBytes <= floor) return 'critical';
  if (freeBytes < 20 * GB || (totalBytes > 0 && freeBytes / totalBytes < 0.05)) return 'low';
  return 'ok';
}
