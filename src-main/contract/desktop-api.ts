// Types shared by the desktop shell (src-main/desktop, src-main/electron), the preload and the renderer.

/** The desktop shell's own preferences (kept by the shell, not the studio server). */
export interface DesktopPrefs {
  /** Closing the window keeps the studio running in the tray (menu bar on macOS). */
  closeToTray: boolean;
  /** Start Framehouse (in the tray) when the user logs in. */
  startAtLogin: boolean;
  /** Desktop notifications for recording errors, low disk and finished exports. */
  notifications: boolean;
  /**
   * Where the studio keeps its archive, database and logs; '' is the default
   * (%LOCALAPPDATA%\Framehouse, ~/Library/Application Support/Framehouse, ~/.local/share/Framehouse).
   * Changing it restarts the server on the new folder; nothing is moved.
   */
  dataDir: string;
}
