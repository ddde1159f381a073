// The DVR's keys, in one table: the section reads actions from it and the `?` list
// shows the same rows, so the two cannot drift.

export type DvrAction =
  | { type: 'play-pause' }
  | { type: 'shuttle'; key: 'j' | 'k' | 'l' }
  | { type: 'step'; frames?: number; seconds?: number }
  | { type: 'mark-in' }
  | { type: 'mark-out' }
  | { type: 'go-in' }
  | { type: 'go-out' }
  | { type: 'clear-marks' }
  | { type: 'zoom'; direction: 'in' | 'out' }
  | { type: 'zoom-fit' }
  | { type: 'go-live' }
  | { type: 'go-start' }
  | { type: 'export' }
  | { type: 'jump' }
  | { type: 'lane'; delta: 1 | -1 }
  | { type: 'mute' };

export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

interface Binding {
  /** Matched against event.key, letters case-insensitively. */
  keys: readonly string[];
  shift: boolean | 'any';
  action: DvrAction;
  /** Shown in the shortcut list; bindings that share a row leave it out. */
  label?: string;
  help?: string;
}

const bindings: readonly Binding[] = [
  { keys: [' '], shift: false, action: { type: 'play-pause' }, label: 'Space', help: 'Play or pause' },
  { keys: ['j'], shift: false, action: { type: 'shuttle', key: 'j' }, label: 'J K L', help: 'Shuttle back, stop, forward (press again: faster)' },
  { keys: ['k'], shift: false, action: { type: 'shuttle', key: 'k' } },
  { keys: ['l'], shift: false, action: { type: 'shuttle', key: 'l' } },
  { keys: ['ArrowLeft'], shift: false, action: { type: 'step', frames: -1 }, label: '← →', help: 'Step one frame' },
  { keys: ['ArrowRight'], shift: false, action: { type: 'step', frames: 1 } },
  { keys: ['ArrowLeft'], shift: true, action: { type: 'step', seconds: -1 }, label: 'Shift+← →', help: 'Step one second' },
  { keys: ['ArrowRight'], shift: true, action: { type: 'step', seconds: 1 } },
  { keys: ['i'], shift: false, action: { type: 'mark-in' }, label: 'I  O', help: 'Mark In, mark Out at the playhead' },
  { keys: ['o'], shift: false, action: { type: 'mark-out' } },
  { keys: ['i'], shift: true, action: { type: 'go-in' }, label: 'Shift+I  Shift+O', help: 'Go to In, go to Out' },
  { keys: ['o'], shift: true, action: { type: 'go-out' } },
  { keys: ['x'], shift: false, action: { type: 'clear-marks' }, label: 'X', help: 'Clear In and Out' },
  { keys: ['+', '='], shift: 'any', action: { type: 'zoom', direction: 'in' }, label: '+  −', help: 'Zoom the timeline in, out' },
  { keys: ['-', '_'], shift: 'any', action: { type: 'zoom', direction: 'out' } },
  { keys: ['z'], shift: false, action: { type: 'zoom-fit' }, label: 'Z', help: 'Zoom to the marked range, or the whole recording' },
  { keys: ['ArrowUp'], shift: false, action: { type: 'lane', delta: -1 }, label: '↑ ↓', help: 'Previous, next camera (several streams)' },
  { keys: ['ArrowDown'], shift: false, action: { type: 'lane', delta: 1 } },
  { keys: ['g'], shift: false, action: { type: 'jump' }, label: 'G', help: 'Go to a date and time' },
  { keys: ['Home'], shift: false, action: { type: 'go-start' }, label: 'Home', help: 'Go to the start of the recording' },
  { keys: ['End'], shift: false, action: { type: 'go-live' }, label: 'End', help: 'Go to live' },
  { keys: ['e'], shift: false, action: { type: 'export' }, label: 'E', help: 'Export the marked range' },
  { keys: ['m'], shift: false, action: { type: 'mute' }, label: 'M', help: 'Mute or unmute' },
];

/** The DVR action for a key press, or null. Presses with Ctrl, ⌘ or Alt are never the DVR's. */
export function dvrAction(event: KeyLike): DvrAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  for (const b of bindings) {
    if (!b.keys.includes(key)) continue;
    if (b.shift !== 'any' && b.shift !== event.shiftKey) continue;
    return b.action;
  }
  return null;
}

/** [keys, what] rows for the shortcut list. */
export const dvrShortcutRows: readonly (readonly [string, string])[] = bindings
  .filter((b): b is Binding & { label: string; help: string } => b.label !== undefined && b.help !== undefined)
  .map((b) => [b.label, b.help] as const);
