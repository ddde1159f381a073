import fs from 'node:fs/promises';
import path from 'node:path';
import type { DesktopPrefs } from '../contract/desktop-api.js';

export const defaultDesktopPrefs: Readonly<DesktopPrefs> = Object.freeze({ closeToTray: true, startAtLogin: false, notifications: true, dataDir: '' });

/** What the shell keeps for itself besides the user's choices. */
export interface ShellState {
  prefs: DesktopPrefs;
  /** The first close-to-tray said so in a notification. */
  toldAboutTray: boolean;
  window: WindowBounds | null;
}

export interface WindowBounds {
  x: number;
  y: number;
  width: number;
  height: number;
  maximized: boolean;
}

const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isInt = (v: unknown): v is number => Number.isInteger(v) && Math.abs(v as number) < 100_000;

/** Only the known fields with the right types: a hand-edited or half-written file cannot break the shell. */
export function readPrefsPatch(value: unknown): Partial<DesktopPrefs> {
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  const out: Partial<DesktopPrefs> = {};
  for (const key of ['closeToTray', 'startAtLogin', 'notifications'] as const) if (isBool(v[key])) out[key] = v[key];
  if (typeof v.dataDir === 'string' && v.dataDir.length <= 4096 && (v.dataDir === '' || path.isAbsolute(v.dataDir))) out.dataDir = v.dataDir;
  return out;
}

function readBounds(value: unknown): WindowBounds | null {
  if (typeof value !== 'object' || value === null) return null;
  const b = value as Record<string, unknown>;
  if (!isInt(b.x) || !isInt(b.y) || !isInt(b.width) || !isInt(b.height) || b.width < 100 || b.height < 100) return null;
  return { x: b.x, y: b.y, width: b.width, height: b.height, maximized: b.maximized === true };
}

/** The shell's state file (in Electron's userData): preferences, window place, what it has told the user. */
export class ShellStateFile {
  private state: ShellState = { prefs: { ...defaultDesktopPrefs }, toldAboutTray: false, window: null };
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  async load(): Promise<ShellState> {
    try {
      const raw = JSON.parse(await fs.readFile(this.file, 'utf8')) as Record<string, unknown>;
      this.state = { prefs: { ...defaultDesktopPrefs, ...readPrefsPatch(raw.prefs) }, toldAboutTray: raw.toldAboutTray === true, window: readBounds(raw.window) };
    } catch {
      // Missing or unreadable: defaults (the file is rewritten on the next change).
    }
    return this.current();
  }

  current(): ShellState {
    return { ...this.state, prefs: { ...this.state.prefs } };
  }

  /** Applies the valid fields of a patch and saves. */
  update(patch: { prefs?: unknown; toldAboutTray?: boolean; window?: WindowBounds | null }): Promise<ShellState> {
    this.state = {
      prefs: { ...this.state.prefs, ...readPrefsPatch(patch.prefs) },
      toldAboutTray: patch.toldAboutTray ?? this.state.toldAboutTray,
      window: patch.window === undefined ? this.state.window : readBounds(patch.window),
    };
    const snapshot = JSON.stringify(this.state, null, 2);
    // One write at a time, each whole (temp file, then rename): a crash mid-write keeps the previous file.
    const write = this.writing.then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      const temp = `${this.file}.tmp`;
      await fs.writeFile(temp, snapshot);
      await fs.rename(temp, this.file);
    });
    // The next write goes on after a failed one; this caller hears of the failure (the choice holds until quit only).
    this.writing = write.catch(() => undefined);
    return write.then(() => this.current());
  }
}
