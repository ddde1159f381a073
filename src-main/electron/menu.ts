import { Menu, app, type MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openInBrowser(): void;
  showDataFolder(): void;
  showLogFolder(): void;
  /** Opens a route of the studio UI in the window (e.g. the OBS guide). */
  showRoute(route: string): void;
  checkForUpdates(): void;
}

/** The usual menus and shortcuts of a desktop app, plus the studio's own entries. */
export function installAppMenu(actions: MenuActions): void {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open in Browser', accelerator: 'CmdOrCtrl+Shift+B', click: actions.openInBrowser },
        { label: 'Show Data Folder', click: actions.showDataFolder },
        { label: 'Show Log Folder', click: actions.showLogFolder },
        { type: 'separator' },
        { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => actions.showRoute('#/settings') },
        { type: 'separator' },
        { role: 'close', label: 'Close Window' },
        ...(isMac ? [] : [{ role: 'quit' as const }]),
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'Getting Started', click: () => actions.showRoute('#/help/welcome') },
        { label: 'OBS Setup Guide', click: () => actions.showRoute('#/help/obs-guide') },
        { label: 'Check for Updates…', click: actions.checkForUpdates },
        { type: 'separator' },
        // The studio's own About: version, the bundled ffmpeg and every licence notice.
        { label: `About ${app.getName()}`, click: () => actions.showRoute('#/help/about') },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
