// A plain browser on the LAN: no native paths, so files are uploaded instead of
// imported by path, and folder/reveal calls explain that they need the desktop app.
import type { OpenFileOptions } from '../../../src-preload/contract';
import { PlatformUnavailableError, type PickedFile, type Platform } from './types';

export function browserPlatform(): Platform {
  return {
    kind: 'browser',
    nativePaths: false,
    canReveal: false,
    os: guessOs(),
    connection: () => Promise.resolve(null),
    pickFiles: pickWithInput,
    pickFolder: () => Promise.reject(new PlatformUnavailableError('Choosing a folder on the studio machine')),
    reveal: () => Promise.reject(new PlatformUnavailableError('Reveal in folder')),
    trash: () => Promise.reject(new PlatformUnavailableError('Move to the trash')),
    openPath: () => Promise.reject(new PlatformUnavailableError('Opening files on the studio machine')),
    pathForFile: () => null,
    desktopPrefs: () => Promise.resolve(null),
    setDesktopPrefs: () => Promise.reject(new PlatformUnavailableError('Desktop preferences')),
  };
}

/** Opens the browser's file chooser; resolves to [] when the user cancels. */
function pickWithInput(options: OpenFileOptions = {}): Promise<PickedFile[]> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = options.multiple ?? false;
    const extensions = (options.filters ?? []).flatMap((f) => f.extensions).filter((e) => e !== '*');
    if (extensions.length > 0) input.accept = extensions.map((e) => `.${e}`).join(',');
    input.style.display = 'none';

    const finish = (files: File[]) => {
      input.remove();
      resolve(files.map((file) => ({ name: file.name, path: null, file })));
    };
    input.addEventListener('change', () => finish(Array.from(input.files ?? [])), { once: true });
    input.addEventListener('cancel', () => finish([]), { once: true });
    document.body.append(input);
    input.click();
  });
}

function guessOs(): string {
  const ua = navigator.userAgent;
  if (/Mac OS X|Macintosh/.test(ua)) return 'darwin';
  if (/Windows/.test(ua)) return 'win32';
  return 'linux';
}
