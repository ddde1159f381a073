import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { DesktopIpcChannel, DesktopIpcContract } from '../../src-preload/contract.js';

type Handler<K extends DesktopIpcChannel> = (
  ...args: Parameters<DesktopIpcContract[K]>
) => ReturnType<DesktopIpcContract[K]> | Promise<ReturnType<DesktopIpcContract[K]>>;

export type DesktopIpcHandlers = { [K in DesktopIpcChannel]: Handler<K> };

/**
 * Registers one handler per contract channel. Calls are answered only for frames
 * showing the studio's own origin, so a page navigated elsewhere cannot use them.
 */
export function registerIpcHandlers(handlers: DesktopIpcHandlers, trustedOrigin: () => string): void {
  for (const channel of Object.keys(handlers) as DesktopIpcChannel[]) {
    const handler = handlers[channel] as (...args: unknown[]) => unknown;
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, ...args: unknown[]) => {
      const url = event.senderFrame?.url;
      if (!url || new URL(url).origin !== trustedOrigin()) throw new Error(`${channel}: refused for ${url ?? 'an unknown frame'}`);
      return handler(...args);
    });
  }
}
