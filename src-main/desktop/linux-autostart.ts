import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The XDG autostart entry that starts the app in the tray at login (GNOME, KDE, Xfce … read these). */
export function autostartEntry(exec: string, name: string): string {
  // Desktop Entry quoting: a path with spaces in double quotes, with \ " ` $ escaped.
  const quoted = /[\s"'\\`$]/.test(exec) ? `"${exec.replace(/[\\"`$]/g, (c) => `\\${c}`)}"` : exec;
  return ['[Desktop Entry]', 'Type=Application', `Name=${name}`, `Exec=${quoted} --hidden`, 'X-GNOME-Autostart-enabled=true', 'Terminal=false', ''].join('\n');
}

export function autostartFile(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'autostart', 'framehouse.desktop');
}

/** Writes or removes the entry; Electron's login items do not exist on Linux. */
export async function setLinuxAutostart(on: boolean, o: { exec: string; name: string; file?: string }): Promise<void> {
  const file = o.file ?? autostartFile();
  if (!on) return fs.rm(file, { force: true });
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, autostartEntry(o.exec, o.name));
}
