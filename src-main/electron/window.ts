import path from 'node:path';
import { BrowserWindow, shell } from 'electron';

/** The studio window: sandboxed, isolated, no Node; it may only show the studio's own (current) origin. */
export function createStudioWindow(url: string, preloadPath: string, studioOrigin: () => string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    backgroundColor: '#0f1115',
    title: 'Framehouse',
    show: false,
    webPreferences: {
      preload: path.resolve(preloadPath),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('will-navigate', (event, target) => {
    if (new URL(target).origin !== studioOrigin()) event.preventDefault();
  });
  // Links to anywhere else open in the user's browser, never inside the studio window.
  win.webContents.setWindowOpenHandler(({ url: target }) => {
    // Player pages and other playback links open in the system browser (they need no sign-in);
    // the studio's own UI stays in this one window.
    const link = /^https?:/.test(target) ? new URL(target) : null;
    if (link && (link.origin !== studioOrigin() || link.pathname !== '/')) void shell.openExternal(target);
    return { action: 'deny' };
  });
  void win.loadURL(url);
  return win;
}
