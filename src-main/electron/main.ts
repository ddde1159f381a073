// The desktop shell: a window and a tray icon on the studio server, which runs in
// its own process. Everything here is Electron glue; the logic it uses lives in
// src-main/desktop (plain Node, tested there).
import path from 'node:path';
import { app, type BrowserWindow, clipboard, dialog, Notification, powerMonitor, session, shell, type OpenDialogOptions } from 'electron';
import electronUpdater from 'electron-updater';
import { superviseStudioServer } from './server-process.js';
import { registerIpcHandlers } from './ipc.js';
import { createStudioWindow } from './window.js';
import { installAppMenu } from './menu.js';
import { StudioTray } from './tray.js';
import { ShellStateFile } from '../desktop/desktop-prefs.js';
import { StudioLink } from '../desktop/studio-link.js';
import { ownFileToOpen, ownMediaToTrash } from '../desktop/path-guard.js';
import { setLinuxAutostart } from '../desktop/linux-autostart.js';
import { defaultDataDir } from '../config/data-dir.js';
import type { ServerReady } from '../desktop/server-supervisor.js';
import type { DesktopNotice } from '../desktop/tray-status.js';
import type { DesktopPrefs } from '../contract/desktop-api.js';

const appDir = app.getAppPath();
const cliPath = path.join(appDir, 'dist', 'main', 'cli.js');
const preloadPath = path.join(appDir, 'dist', 'preload', 'index.cjs');
const iconsDir = app.isPackaged ? path.join(process.resourcesPath, 'icons') : path.join(appDir, 'resources', 'icons');
// Started at login: stay in the tray until the user opens the window.
const startHidden = process.argv.includes('--hidden') || app.getLoginItemSettings().wasOpenedAtLogin === true;

const shellState = new ShellStateFile(path.join(app.getPath('userData'), 'desktop-shell.json'));
/** Set for one start when the user chose to start with a taken pinned port moving after all. */
let unpinPortsOnce = false;
const server = superviseStudioServer(cliPath, () => {
  const dataDir = shellState.current().prefs.dataDir;
  const env: NodeJS.ProcessEnv = unpinPortsOnce ? { FRAMEHOUSE_PIN_PORTS: 'off' } : {};
  unpinPortsOnce = false;
  return { args: ['serve', ...(dataDir ? ['--data-dir', dataDir] : [])], env };
});
const link = new StudioLink(() => server.connection());
let window: BrowserWindow | null = null;
let tray: StudioTray | null = null;
let quitting = false;
/** The origin and token the window was last loaded with: a restart on the same ones needs no reload. */
let loaded: ServerReady | null = null;
/** The folder the user last picked in a dialog of this shell: the only one the page may make the data folder. */
let lastPickedFolder: string | null = null;

const studioOrigin = () => {
  const at = server.connection();
  return at ? new URL(at.url).origin : '';
};
const dataDirNow = () => shellState.current().prefs.dataDir || defaultDataDir();

function openWindow(show = true): void {
  if (window) {
    if (show) {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    }
    return;
  }
  const at = server.connection();
  if (!at) return;
  loaded = at;
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
  // Windows log-off and shutdown: the server stops while Windows still waits for the app.
  win.on('session-end', () => void quitGracefully());
}

/** The server answers (again): the window goes there only when the address or token changed (else the page reconnects itself). */
function followServer(at: ServerReady): void {
  if (window && (!loaded || new URL(loaded.url).origin !== new URL(at.url).origin || loaded.token !== at.token)) void window.loadURL(at.url);
  loaded = at;
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
  if (!app.isPackaged) return;
  if (process.platform === 'linux') {
    // Electron's login items are macOS and Windows only; Linux desktops read XDG autostart entries.
    void setLinuxAutostart(prefs.startAtLogin, { exec: process.env.APPIMAGE || process.execPath, name: app.getName() }).catch(() => undefined);
  } else {
    app.setLoginItemSettings({ openAtLogin: prefs.startAtLogin, args: ['--hidden'] });
  }
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

const showFolder = (sub: '' | 'logs') => shell.openPath(path.join(dataDirNow(), sub));

function watchServer(): void {
  server.on('ready', (at) => {
    link.serverRestarted();
    followServer(at);
  });
  server.on('moved', (url) => {
    link.reconnect();
    const at = server.connection();
    if (at) followServer({ ...at, url });
  });
  server.on('crashed', () => tray?.update({ state: 'error', live: 0, recording: 0, summary: 'Framehouse: the studio server stopped; starting it again' }, false));
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

/**
 * A first start that failed: say why, and offer what can get the studio going
 * without the command line (another data folder, a moving port, a retry).
 */
async function startOrAsk(): Promise<boolean> {
  for (;;) {
    try {
      await server.start();
      return true;
    } catch (err) {
      const reason = (err as Error).message;
      const customFolder = shellState.current().prefs.dataDir !== '';
      const portTaken = /already in use/.test(reason);
      const buttons = ['Try Again', ...(customFolder ? ['Use the Default Data Folder'] : []), ...(portTaken ? ['Take the Next Free Port'] : []), 'Show Log Folder', 'Quit'];
      const { response } = await dialog.showMessageBox({ type: 'error', message: 'Framehouse could not start', detail: reason, buttons, defaultId: 0, cancelId: buttons.length - 1 });
      const choice = buttons[response];
      if (choice === 'Quit') return false;
      if (choice === 'Use the Default Data Folder') await shellState.update({ prefs: { dataDir: '' } });
      if (choice === 'Take the Next Free Port') unpinPortsOnce = true;
      if (choice === 'Show Log Folder') await showFolder('logs');
    }
  }
}

/** Restarts the server on the newly chosen data folder; when it cannot start there, goes back and says why. */
async function moveDataDir(previous: string): Promise<void> {
  try {
    await server.relaunch();
  } catch (err) {
    await shellState.update({ prefs: { dataDir: previous } });
    const reason = `The studio cannot use that folder: ${(err as Error).message}. It goes on with the folder it had.`;
    void dialog.showMessageBox({ type: 'error', message: 'Data folder not changed', detail: reason });
    await server.relaunch().catch(() => server.restart());
    throw new Error(reason, { cause: err });
  }
}

function registerIpc(): void {
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
        lastPickedFolder = result.canceled ? null : (result.filePaths[0] ?? null);
        return lastPickedFolder;
      },
      'shell:reveal': (file) => {
        if (typeof file === 'string' && path.isAbsolute(file)) shell.showItemInFolder(path.resolve(file));
      },
      // The page names the files; only the studio's own media go to the trash, only its own files open.
      'shell:trash': async (file) => {
        const own = await ownMediaToTrash(file, await link.ownFolders());
        if (!own) throw new Error('only media files in the studio\'s folders can be moved to the trash from here');
        await shell.trashItem(own);
      },
      'shell:open-path': async (file) => {
        const own = await ownFileToOpen(file, await link.ownFolders());
        if (!own) throw new Error('only media, pictures and logs in the studio\'s folders can be opened from here');
        const error = await shell.openPath(own);
        if (error) throw new Error(error);
      },
      'desktop:get-prefs': () => shellState.current().prefs,
      'desktop:set-prefs': async (patch) => {
        const before = shellState.current().prefs;
        // A data folder only as the user picked it in this shell's own dialog (or back to the default).
        const dataDir = patch.dataDir;
        if (dataDir !== undefined && dataDir !== '' && dataDir !== before.dataDir && dataDir !== lastPickedFolder) {
          throw new Error('choose the data folder with Choose…');
        }
        const next = await shellState.update({ prefs: patch });
        applyPrefs(next.prefs);
        if (next.prefs.dataDir !== before.dataDir) await moveDataDir(before.dataDir);
        return shellState.current().prefs;
      },
    },
    studioOrigin,
  );
}

async function boot(): Promise<void> {
  // The studio page needs no device or notification permissions from the shell.
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
  const state = await shellState.load();
  applyPrefs(state.prefs);
  if (!(await startOrAsk())) {
    app.exit(1);
    return;
  }
  watchServer();
  link.start();
  registerIpc();
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
  app.setAboutPanelOptions({ applicationName: 'Framehouse', applicationVersion: app.getVersion(), credits: 'Includes FFmpeg (ffmpeg.org), licensed under the GNU GPL; Help → About in the studio shows the notices.' });
  tray = new StudioTray(iconsDir, {
    open: () => openWindow(),
    copyLanLink: () =>
      void link.lanWatchLink().then(
        (url) => (url ? clipboard.writeText(url) : notify({ title: 'LAN access is off', body: 'Turn it on in Settings so phones and other computers can watch.', urgent: false, route: '#/settings' })),
        () => undefined,
      ),
    togglePause: () =>
      void (link.pausedStreams().length > 0 ? link.resumeRecording() : link.pauseRecording())
        .catch((err: unknown) => notify({ title: 'Recording not changed', body: (err as Error).message, urgent: true, route: '#/monitor' }))
        .finally(() => tray?.update(link.status(), link.pausedStreams().length > 0)),
    quit: () => app.quit(),
  });
  openWindow(!startHidden);
  void checkForUpdates(false);
}

/** Quit (menu, tray, log-off, shutdown): the server finishes its writes first (a stop message; a kill only after 20 s). */
function quitGracefully(): Promise<void> {
  quitting = true;
  link.close();
  tray?.destroy();
  tray = null;
  return server.close();
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
  app.on('before-quit', (event) => {
    if (quitting && !server.running()) return;
    event.preventDefault();
    if (!quitting) void quitGracefully().finally(() => app.exit(0));
  });
  void app.whenReady().then(() => {
    // Shutdown and log-off end the app without before-quit (macOS, Linux here; Windows through the window's session-end).
    powerMonitor.on('shutdown', (...args: unknown[]) => {
      (args[0] as Electron.Event | undefined)?.preventDefault();
      void quitGracefully().finally(() => app.exit(0));
    });
    return boot();
  });
}
