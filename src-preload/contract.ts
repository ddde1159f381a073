// The one contract between the Electron window and the desktop shell. Each IPC
// channel maps to the signature the renderer sees; the preload and the main
// process are both typed from this map, so the two sides cannot drift.
// Type-only: imported by the preload, the Electron main process and the renderer.
import type { DesktopPrefs } from '../src-main/contract/desktop-api.js';

export type { DesktopPrefs };

export interface StudioConnection {
  /** Base URL of the studio server, e.g. http://127.0.0.1:53211/ */
  url: string;
  /** Admin token, exchanged by the renderer for a session cookie. */
  token: string;
}

export interface OpenFileOptions {
  title?: string;
  multiple?: boolean;
  filters?: { name: string; extensions: string[] }[];
}

/** Channel name → (arguments) → result. Every call is an `ipcRenderer.invoke`. */
export interface DesktopIpcContract {
  'studio:connection': () => StudioConnection;
  'dialog:open-files': (options: OpenFileOptions) => string[];
  'dialog:open-folder': (options: { title?: string }) => string | null;
  'shell:reveal': (path: string) => void;
  'shell:open-path': (path: string) => void;
  /** Moves a file to the OS trash (Recycle Bin, Trash), where the user can get it back. */
  'shell:trash': (path: string) => void;
  'desktop:get-prefs': () => DesktopPrefs;
  /** Saves the given fields and answers with all of them. */
  'desktop:set-prefs': (patch: Partial<DesktopPrefs>) => DesktopPrefs;
}
export type DesktopIpcChannel = keyof DesktopIpcContract;

export const desktopIpcChannels: readonly DesktopIpcChannel[] = [
  'studio:connection',
  'dialog:open-files',
  'dialog:open-folder',
  'shell:reveal',
  'shell:open-path',
  'shell:trash',
  'desktop:get-prefs',
  'desktop:set-prefs',
];

type Invoker<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never;

/** What the preload exposes as `window.framehouse`. */
export type DesktopBridge = { [K in DesktopIpcChannel]: Invoker<DesktopIpcContract[K]> } & {
  /** Native path of a file dropped on the window (webUtils.getPathForFile); '' when it has none. */
  pathForFile(file: File): string;
  readonly platform: string;
};

export const bridgeKey = 'framehouse';
