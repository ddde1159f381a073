// Runs in the sandboxed preload of the studio window. It exposes one small object,
// built from the channel list of the contract, and nothing else of Electron.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { bridgeKey, desktopIpcChannels, type DesktopBridge, type DesktopIpcChannel } from './contract';

const invoker =
  (channel: DesktopIpcChannel) =>
  (...args: unknown[]): Promise<unknown> =>
    ipcRenderer.invoke(channel, ...args);

const calls = Object.fromEntries(desktopIpcChannels.map((channel) => [channel, invoker(channel)]));

const bridge = {
  ...calls,
  pathForFile: (file: File) => webUtils.getPathForFile(file),
  platform: process.platform,
} as DesktopBridge;

contextBridge.exposeInMainWorld(bridgeKey, bridge);
