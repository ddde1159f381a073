import os from 'node:os';
import path from 'node:path';

export const appFolderName = 'Framehouse';

/**
 * The per-user folder Electron's `app.getPath('userData')` would give, so the
 * headless server and the desktop app share one archive and one config by default.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string {
  if (platform === 'win32') {
    return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), appFolderName);
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', appFolderName);
  return path.posix.join(env.XDG_CONFIG_HOME || path.posix.join(home, '.config'), appFolderName);
}

/** A folder setting: the setting when given (relative to the data dir), else <data-dir>/<fallback>. */
export const dataSubdir = (dataDir: string, setting: string, fallback: string) => path.resolve(dataDir, setting || fallback);
