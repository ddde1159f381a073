import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const appFolderName = 'Framehouse';

/** Where earlier versions kept the data (Electron's userData): used while it still holds a studio. */
function legacyDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string | null {
  if (platform === 'win32') return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), appFolderName);
  if (platform === 'darwin') return null;
  return path.posix.join(env.XDG_CONFIG_HOME || path.posix.join(home, '.config'), appFolderName);
}

/**
 * The per-user folder for the archive, database and logs. Video is machine-local
 * data: on Windows it goes under %LOCALAPPDATA% (Roaming AppData is copied to every
 * machine a domain user signs in to), on Linux under XDG_DATA_HOME (not ~/.config).
 * A studio an earlier version made in the old place keeps being used there.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
  hasStudio: (dir: string) => boolean = (dir) => fs.existsSync(path.join(dir, 'framehouse.db')),
): string {
  const legacy = legacyDataDir(platform, env, home);
  if (legacy && hasStudio(legacy)) return legacy;
  if (platform === 'win32') {
    return path.win32.join(env.LOCALAPPDATA ?? path.win32.join(home, 'AppData', 'Local'), appFolderName);
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', appFolderName);
  return path.posix.join(env.XDG_DATA_HOME || path.posix.join(home, '.local', 'share'), appFolderName);
}
/** A folder setting: the setting when given (relative to the data dir), else <data-dir>/<fallback>. */
export const dataSubdir = (dataDir: string, setting: string, fallback: string) => path.resolve(dataDir, setting || fallback);
