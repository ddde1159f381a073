// The desktop shell: a window and a tray icon on the studio server, which runs in
// its own process. Everything here is Electron glue; the logic it uses lives in
// src-main/desktop (plain Node, tested there).
import path from 'node:path';
import { app, type BrowserWindow, clipboard, dialog, Notification, session, shell, type OpenDialogOptions } from 'electron';
import electronUpdater from 'electron-updater';
import { superviseStudioServer } from './server-process.js';
import { registerIpcHandlers } from './ipc.js';
import { createStudioWindow } from './window.js';
import { installAppMenu } from './menu.js';
import { StudioTray } from './tray.js';
import { ShellStateFile } from '../desktop/desktop-prefs.js';
import { StudioLink } from '../desktop/studio-link.js';
import { isInsideFolders } from '../desktop/path-guard.js';
import type { DesktopNotice } from '../desktop/tray-status.js';
import type { DesktopPrefs } from '../contract/desktop-api.js';

const appDir = app.getAppPath();
const cliPath = path.join(appDir, 'dist', 'main', 'cli.js');
const preloadPath = path.join(appDir, 'dist', 'preload', 'index.cjs');
const iconsDir = app.isPackaged ? path.join(process.resourcesPath, 'icons') : path.join(appDir, 'resources', 'icons');
// Started at login: stay in the tray until the user opens the window.
const startHidden = process.argv.includes('--hidden') || app.getLoginItemSettings().wasOpenedAtLogin === true;

const shellState = new ShellStateFile(path.join(app.getPath('userData'), 'desktop-shell.json'));
const server = superviseStudioServer(cliPath, () => {
  const dataDir = shellState.current().prefs.dataDir;
  return ['serve', ...(dataDir ? ['--data-dir', dataDir] : [])];
});
const link = new StudioLink(() => server.connection());
let window: BrowserWindow | null = null;
let tray: StudioTray | null = null;
let quitting = false;

const studioOrigin = () => {
  const at = server.connection();
  return at ? new URL(at.url).origin : '';
};

function openWindow(show = true): void {
  const at = server.connection();
  if (!at) return;
  if (window) {
    if (show) {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    }
    return;
  }
  const win = createStudioWindow(at.url, preloadPath, studioOrigin, shellState.current().window, (bounds) => void shellState.update({ window: bounds }), show);
  window = win;
  win.on('close', (event) => {
    if (quitting || !tray || !shellState.current().prefs.closeToTray) return;
    // The studio keeps recording and serving: only the window goes.
    event.preventDefault();
    win.hide();
    if (!shellState.current().toldAboutTray) {
      notify({ title: 'Framehouse is still running', body: 'Recording and serving go on. Open or quit it from the tray icon; Settings → Desktop changes this.', urgent: false, route: '' });
      void shellState.update({ toldAboutTray: true });
    }
  });
  win.on('closed', () => (window = null));
}

/** Shows a place in the studio UI (#/settings, #/help/obs-guide) by its address hash, without reloading the page. */
function showRoute(route: string): void {
  openWindow();
  if (window && /^#\/[a-z/-]+$/.test(route)) void window.webContents.executeJavaScript(`location.hash = ${JSON.stringify(route)}`);
}

function notify(notice: DesktopNotice): void {
  if (!Notification.isSupported() || !shellState.current().prefs.notifications) return;
  const n = new Notification({ title: notice.title, body: notice.body, urgency: notice.urgent ? 'critical' : 'normal', silent: !notice.urgent });
  n.on('click', () => (notice.route ? showRoute(notice.route) : openWindow()));
  n.show();
}

/** Modal to the studio window when there is one. */
function showOpenDialog(options: OpenDialogOptions) {
  return window ? dialog.showOpenDialog(window, options) : dialog.showOpenDialog(options);
}

function applyPrefs(prefs: DesktopPrefs): void {
  // Only an installed app can be a login item (a checkout would register the bare Electron binary).
  if (app.isPackaged) app.setLoginItemSettings({ openAtLogin: prefs.startAtLogin, args: ['--hidden'] });
}

async function checkForUpdates(userAsked: boolean): Promise<void> {
  // The feed is written into the installer at build time (electron-builder's publish); a checkout has none.
  if (!app.isPackaged) {
    if (userAsked) void dialog.showMessageBox({ message: 'Updates are checked in the installed app only.' });
    return;
  }
  try {
    const result = await electronUpdater.autoUpdater.checkForUpdatesAndNotify();
    if (userAsked && !result?.isUpdateAvailable) void dialog.showMessageBox({ message: `Framehouse ${app.getVersion()} is the newest version.` });
  } catch (err) {
    if (userAsked) dialog.showErrorBox('Could not check for updates', (err as Error).message);
  }
}

function watchServer(): void {
  // A restarted server may listen elsewhere: the window and the link follow it.
  server.on('ready', (at) => {
    link.reconnect();
    void window?.loadURL(at.url);
  });
  server.on('moved', (url) => {
    link.reconnect();
    void window?.loadURL(url);
  });
  server.on('gave-up', (crash) => {
    tray?.update({ state: 'error', live: 0, recording: 0, summary: 'Framehouse: the studio server stopped' }, false);
    void dialog
      .showMessageBox({
        type: 'error',
        message: 'The studio server keeps stopping',
        detail: `It stopped ${crash.crashes} times in a short while${crash.lastError ? `. Its last words: ${crash.lastError}` : ''}. The log folder has the details.`,
        buttons: ['Restart', 'Show Log Folder', 'Quit'],
        defaultId: 0,
        cancelId: 2,
      })
      .then(({ response }) => {
        if (response === 0) server.restart();
        else if (response === 1) void showFolder('logs').then(() => server.restart());
        else app.quit();
      });
  });
  link.on('status', (status) => tray?.update(status, link.pausedStreams().length > 0));
  link.on('notice', notify);
}

async function showFolder(sub: '' | 'logs'): Promise<void> {
  const folders = await link.ownFolders().catch(() => []);
  if (folders[0]) await shell.openPath(path.join(folders[0], sub));
}

/** Restarts the server on the newly chosen data folder; when it cannot start there, goes back and says why. */
async function moveDataDir(previous: string): Promise<void> {
  try {
    await server.relaunch();
  } catch (err) {
    await shellState.update({ prefs: { dataDir: previous } });
    await server.relaunch();
    throw new Error(`the studio cannot use that folder: ${(err as Error).message}`, { cause: err });
  }
}

async function boot(): Promise<void> {
  // The studio page needs no device or notification permissions from the shell.
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
  const state = await shellState.load();
  applyPrefs(state.prefs);
  try {
    await server.start();
  } catch (err) {
    dialog.showErrorBox('Framehouse could not start', (err as Error).message);
    app.exit(1);
    return;
  }
  watchServer();
  link.start();
  registerIpcHandlers(
    {
      'studio:connection': () => {
        const at = server.connection();
        if (!at) throw new Error('the studio server is restarting');
        return { url: at.url, token: at.token };
      },
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
        // Opening runs whatever the OS associates with the file: only the studio's own files.
        if (!(await isInsideFolders(file, await link.ownFolders()))) throw new Error('only files in the studio\'s folders can be opened from here');
        const error = await shell.openPath(file);
        if (error) throw new Error(error);
      },
      'desktop:get-prefs': () => shellState.current().prefs,
      'desktop:set-prefs': async (patch) => {
        const before = shellState.current().prefs;
        const next = await shellState.update({ prefs: patch });
        applyPrefs(next.prefs);
        if (next.prefs.dataDir !== before.dataDir) await moveDataDir(before.dataDir);
        return shellState.current().prefs;
      },
    },
    studioOrigin,
  );
  installAppMenu({
    openInBrowser: () => {
      const at = server.connection();
      if (at) void shell.openExternal(at.url);
    },
    showDataFolder: () => void showFolder(''),
    showLogFolder: () => void showFolder('logs'),
    showRoute,
    checkForUpdates: () => void checkForUpdates(true),
  });
  app.setAboutPanelOptions({ applicationName: 'Framehouse', applicationVersion: app.getVersion(), credits: 'Includes FFmpeg (ffmpeg.org), licensed under the GNU GPL; see Help → About in the studio for the notices.' });
  tray = new StudioTray(iconsDir, {
    open: () => openWindow(),
    copyLanLink: () =>
      void link.lanWatchLink().then(
        (url) => (url ? clipboard.writeText(url) : notify({ title: 'LAN access is off', body: 'Turn it on in Settings so phones and other computers can watch.', urgent: false, route: '#/settings' })),
        () => undefined,
      ),
    togglePause: () => void (link.pausedStreams().length > 0 ? link.resumeRecording() : link.pauseRecording()).then(() => tray?.update(link.status(), link.pausedStreams().length > 0)),
    quit: () => app.quit(),
  });
  openWindow(!startHidden);
  void checkForUpdates(false);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => openWindow());
  app.on('window-all-closed', () => {
    // With a tray the studio lives on; without one (closing to tray turned off), closing the window quits.
    if (!tray || !shellState.current().prefs.closeToTray) app.quit();
  });
  app.on('activate', () => openWindow());
  // Quit waits for the server to finish its writes and close the database (a stop message, then a kill after 20 s).
  app.on('before-quit', (event) => {
    quitting = true;
    if (!server.connection() && !tray) return;
    event.preventDefault();
    link.close();
    tray?.destroy();
    tray = null;
    void server.stop().finally(() => app.exit(0));
  });
  void app.whenReady().then(boot);
}
