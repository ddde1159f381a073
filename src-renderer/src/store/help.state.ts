// The help slice's shape, apart from its code so the combined store's type
// (types.ts) can name it without importing the slice, which imports types.ts.

/** welcome: the first-run checks and the OBS guide; obs-guide: the guide alone; about: version and notices. */
export type HelpView = 'welcome' | 'obs-guide' | 'about';

export interface HelpSlice {
  /** An admin finished or skipped the first-run screen; null until the server said. */
  welcomeDone: boolean | null;
  /** The help dialog open now, if any. */
  help: HelpView | null;
  /** The port moves whose banner was dismissed this session (their key); a different set shows again. */
  portMovesDismissed: string | null;
  /** Asks the server; opens the first-run screen when nobody has been through it. */
  loadWelcome(): Promise<void>;
  /** Done or Skip: remembered by the server for every admin browser. */
  finishWelcome(): Promise<void>;
  openHelp(view: HelpView | null): void;
  dismissPortMoves(key: string): void;
}
