import path from 'node:path';
import { BrowserWindow, screen, shell } from 'electron';
import type { WindowBounds } from '../desktop/desktop-prefs.js';
import { windowPlace } from '../desktop/window-place.js';

export const defaultWindowSize = { width: 1440, height: 900 };

/** Where the window is now, to come back there next time (the normal bounds when maximized). */
function boundsOf(win: BrowserWindow): WindowBounds {
  const b = win.getNormalBounds();
  return { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
}

/**
 * The studio window: sandboxed, isolated, no Node; it may only show the studio's own
 * (current) origin. It opens where it was last (when that is still on a screen), and
 * reports its place as it moves so the shell can keep it.
 */
export function createStudioWindow(url: string, preloadPath: string, studioOrigin: () => string, saved: WindowBounds | null, onPlace: (bounds: WindowBounds) => void, show = true): BrowserWindow {
  // The primary screen first: a window whose monitor is gone comes back there.
  const primary = screen.getPrimaryDisplay();
  const screens = [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
  const place = windowPlace(saved, screens, defaultWindowSize);
  const win = new BrowserWindow({
    ...(place ? { x: place.x, y: place.y, width: place.width, height: place.height } : defaultWindowSize),
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
  win.once('ready-to-show', () => {
    if (place?.maximized) win.maximize();
    if (show) win.show();
  });
  let saving: NodeJS.Timeout | null = null;
  const keepPlace = () => {
    if (saving) clearTimeout(saving);
    saving = setTimeout(() => !win.isDestroyed() && onPlace(boundsOf(win)), 500);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(event as 'resize', keepPlace);
  win.on('close', () => onPlace(boundsOf(win)));
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
