import path from 'node:path';
import { Menu, Tray, nativeImage } from 'electron';
import type { TrayState, TrayStatus } from '../desktop/tray-status.js';

export interface TrayActions {
  open(): void;
  copyLanLink(): void;
  togglePause(): void;
  quit(): void;
}

/** The tray (menu bar) icon: recording state at a glance, and the studio's few everyday actions. */
export class StudioTray {
  private readonly tray: Tray;
  private readonly icons: Record<TrayState, Electron.NativeImage>;

  constructor(
    iconsDir: string,
    private readonly actions: TrayActions,
  ) {
    const icon = (state: TrayState) => nativeImage.createFromPath(path.join(iconsDir, `tray-${state}.png`));
    this.icons = { idle: icon('idle'), live: icon('live'), recording: icon('recording'), error: icon('error') };
    this.tray = new Tray(this.icons.idle);
    this.tray.on('click', () => actions.open());
    this.update({ state: 'idle', live: 0, recording: 0, summary: 'Framehouse: starting…' }, false);
  }

  update(status: TrayStatus, paused: boolean): void {
    this.tray.setImage(this.icons[status.state]);
    this.tray.setToolTip(status.summary);
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: status.summary, enabled: false },
        { type: 'separator' },
        { label: 'Open Framehouse', click: () => this.actions.open() },
        { label: 'Copy LAN Link', click: () => this.actions.copyLanLink() },
        { label: paused ? 'Resume Recording' : 'Pause Recording', enabled: paused || status.recording > 0, click: () => this.actions.togglePause() },
        { type: 'separator' },
        { label: 'Quit Framehouse', click: () => this.actions.quit() },
      ]),
    );
  }

  destroy(): void {
    this.tray.destroy();
  }
}
