import type { DesktopPrefs, OpenFileOptions, StudioConnection } from '../../../src-preload/contract';

export const DESKTOP_ONLY = 'Only in the desktop app';

/** Thrown by a browser-degraded call; its message is ready to show as is. */
export class PlatformUnavailableError extends Error {
  constructor(what: string) {
    super(`${what}: ${DESKTOP_ONLY}`);
    this.name = 'PlatformUnavailableError';
  }
}

/** A file the user chose: a native path in the desktop app, the File itself in a browser. */
export interface PickedFile {
  name: string;
  /** Absolute path on the studio machine; null when the browser only gives the bytes (upload instead). */
  path: string | null;
  file: File | null;
}

/** What the UI may do beyond HTTP, and how each thing degrades in a plain browser. */
export interface Platform {
  readonly kind: 'desktop' | 'browser';
  /** Native paths can be handed to the server (import by path, ffmpeg path browse). */
  readonly nativePaths: boolean;
  /** Reveal-in-folder and open-with-system-app are possible. */
  readonly canReveal: boolean;
  /** OS name as the desktop shell reports it, or a guess from the browser. */
  readonly os: string;
  /** The desktop shell's server URL and token; null in a browser (the cookie comes from the login URL). */
  connection(): Promise<StudioConnection | null>;
  pickFiles(options?: OpenFileOptions): Promise<PickedFile[]>;
  /** Resolves to null when the user cancels. */
  pickFolder(title?: string): Promise<string | null>;
  reveal(path: string): Promise<void>;
  /** Moves a file to the OS trash; the browser cannot (it rejects, saying so). */
  trash(path: string): Promise<void>;
  openPath(path: string): Promise<void>;
  /** Native path of a dropped file, or null when the page cannot know it. */
  pathForFile(file: File): string | null;
  /** The desktop shell's own preferences (tray, start at login, notifications); null in a browser. */
  desktopPrefs(): Promise<DesktopPrefs | null>;
  /** Saves the given preferences and answers with all of them; a browser rejects, saying so. */
  setDesktopPrefs(patch: Partial<DesktopPrefs>): Promise<DesktopPrefs>;
}
