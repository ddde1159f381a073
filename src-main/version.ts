import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The app's root folder (where package.json is), found from this file in src-main/ or dist/main/. */
export const appRoot: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate) && (JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string }).name === 'framehouse') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Framehouse package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
})();

export const studioVersion: string = (JSON.parse(fs.readFileSync(path.join(appRoot, 'package.json'), 'utf8')) as { version: string }).version;
