// The desktop shell: one window on the studio server, which runs in its own process.
// Everything here is Electron-only; the studio itself lives in the server.
import path from 'node:path';
import { app, BrowserWindow, dialog, session, shell, type OpenDialogOptions } from 'electron';
import { startStudioServer, type StudioServerProcess } from './server-process.js';
import { registerIpcHandlers } from './ipc.js';
import { createStudioWindow } from './window.js';
import { installAppMenu } from './menu.js';

const appDir = app.getAppPath();
const cliPath = path.join(appDir, 'dist', 'main', 'cli.js');
const preloadPath = path.join(appDir, 'dist', 'preload', 'index.cjs');

let server: StudioServerProcess | null = null;
let window: BrowserWindow | null = null;
let quitting = false;

const studioOrigin = () => (server ? new URL(server.connection().url).origin : '');

function openWindow(): void {
  if (!server) return;
  window = createStudioWindow(server.connection().url, preloadPath, studioOrigin);
  window.on('closed', () => (window = null));
}

/** Modal to the studio window when there is one. */
function showOpenDialog(options: OpenDialogOptions) {
  return window ? dialog.showOpenDialog(window, options) : dialog.showOpenDialog(options);
}

async function boot(): Promise<void> {
  // The studio page needs no device or notification permissions from the shell.
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
  const dataDir = app.getPath('userData');
  try {
    server = await startStudioServer(cliPath, ['serve', '--data-dir', dataDir]);
  } catch (err) {
    dialog.showErrorBox('Framehouse could not start', (err as Error).message);
    app.exit(1);
    return;
  }
  const studio = server;
  // A port change in Settings moves the server; the window follows it.
  studio.onMoved((url) => void window?.loadURL(url));
  registerIpcHandlers(
    {
      'studio:connection': () => studio.connection(),
      'dialog:open-files': async (options) => {
        const result = await showOpenDialog({
          title: options.title,
          filters: options.filters,
          properties: ['openFile', ...(options.multiple ? (['multiSelections'] as const) : [])],
        });
        return result.canceled ? [] : result.filePaths;
      },
      'dialog:open-folder': async (options) => {
        const result = await showOpenDialog({ title: options.title, properties: ['openDirectory', 'createDirectory'] });
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
      'shell:reveal': (file) => shell.showItemInFolder(path.resolve(file)),
      'shell:trash': (file) => shell.trashItem(path.resolve(file)),
      'shell:open-path': async (file) => {
        const error = await shell.openPath(path.resolve(file));
        if (error) throw new Error(error);
      },
    },
    studioOrigin,
  );
  installAppMenu({ dataDir, openInBrowser: () => void shell.openExternal(studio.connection().url) });
  openWindow();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!window) return openWindow();
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  // Quit waits for the server to finish its writes and close the database.
  app.on('before-quit', (event) => {
    if (quitting || !server) return;
    event.preventDefault();
    quitting = true;
    void server.stop().finally(() => app.quit());
  });
  void app.whenReady().then(boot);
}
