// The Electron window: every native call goes through the preload's `window.framehouse`.
import { bridgeKey, type DesktopBridge } from '../../../src-preload/contract';
import type { PickedFile, Platform } from './types';

/** The preload's bridge when this page runs inside the desktop app. */
export function findBridge(): DesktopBridge | null {
  const candidate = (window as unknown as Record<string, unknown>)[bridgeKey];
  if (typeof candidate !== 'object' || candidate === null) return null;
  return typeof (candidate as Partial<DesktopBridge>)['studio:connection'] === 'function'
    ? (candidate as DesktopBridge)
    : null;
}

export function desktopPlatform(bridge: DesktopBridge): Platform {
  return {
    kind: 'desktop',
    nativePaths: true,
    canReveal: true,
    os: bridge.platform,
    connection: () => bridge['studio:connection'](),
    async pickFiles(options = {}) {
      const paths = await bridge['dialog:open-files'](options);
      return paths.map((path): PickedFile => ({ name: baseName(path), path, file: null }));
    },
    pickFolder: (title) => bridge['dialog:open-folder'](title === undefined ? {} : { title }),
    reveal: (path) => bridge['shell:reveal'](path),
    trash: (path) => bridge['shell:trash'](path),
    openPath: (path) => bridge['shell:open-path'](path),
    pathForFile(file) {
      return bridge.pathForFile(file) || null;
    },
    desktopPrefs: () => bridge['desktop:get-prefs'](),
    setDesktopPrefs: (patch) => bridge['desktop:set-prefs'](patch),
  };
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
