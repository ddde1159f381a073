// Where the Electron binary is, without triggering the electron package's own
// download-on-require (which would print a stack trace when offline).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function electronPackageDir() {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** The executable, or null when it has not been downloaded. */
export function electronBinary() {
  const dir = electronPackageDir();
  if (!dir) return null;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const file = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return fs.existsSync(file) ? file : null;
  }
  try {
    const file = path.join(dir, 'dist', fs.readFileSync(path.join(dir, 'path.txt'), 'utf8'));
    return fs.existsSync(file) ? file : null;
  } catch {
    return null;
  }
}
