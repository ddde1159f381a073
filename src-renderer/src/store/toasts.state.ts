// The toasts slice's shape, apart from its code so the combined store's type
// (types.ts) can name it without importing the slice, which imports types.ts.

/** quiet: routine comings and goings, shown small and briefly. */
export type ToastTone = 'quiet' | 'info' | 'success' | 'warning' | 'danger';

export interface Toast {
  id: number;
  tone: ToastTone;
  text: string;
  /** How many times this same message arrived while it was showing (OBS retries every few seconds). */
  count: number;
  /** The stream it is about, so a click can open it. */
  stream: string | null;
}

export interface ToastInput {
  tone: ToastTone;
  text: string;
  stream?: string | null;
}

export interface ToastsSlice {
  toasts: Toast[];
  /** Adds a toast (or counts a repeat of one showing); it goes away by itself. */
  pushToast(toast: ToastInput): void;
  dismissToast(id: number): void;
  /** Stops a toast from expiring while the pointer rests on it, and restarts its clock after. */
  holdToast(id: number, hold: boolean): void;
}
