import type { SliceCreator } from './types';

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

export const MAX_TOASTS = 4;

const lifetimeMs: Record<ToastTone, number> = {
  quiet: 4000,
  success: 4000,
  info: 6000,
  warning: 9000,
  danger: 12000,
};

let nextToastId = 1;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

export const createToastsSlice: SliceCreator<ToastsSlice> = (set, get) => {
  const schedule = (toast: Toast) => {
    const running = timers.get(toast.id);
    if (running) clearTimeout(running);
    timers.set(
      toast.id,
      setTimeout(() => get().dismissToast(toast.id), lifetimeMs[toast.tone]),
    );
  };

  return {
    toasts: [],

    pushToast({ tone, text, stream = null }) {
      const toasts = get().toasts;
      const same = toasts.find((t) => t.text === text && t.tone === tone);
      if (same) {
        const bumped = { ...same, count: same.count + 1 };
        set({ toasts: toasts.map((t) => (t.id === same.id ? bumped : t)) });
        schedule(bumped);
        return;
      }
      const toast: Toast = { id: nextToastId++, tone, text, count: 1, stream };
      // Oldest first; the fifth pushes out the oldest, whatever its tone.
      const kept = [...toasts, toast];
      for (const dropped of kept.splice(0, Math.max(0, kept.length - MAX_TOASTS))) {
        clearTimeout(timers.get(dropped.id));
        timers.delete(dropped.id);
      }
      set({ toasts: kept });
      schedule(toast);
    },

    dismissToast(id) {
      clearTimeout(timers.get(id));
      timers.delete(id);
      if (get().toasts.some((t) => t.id === id)) set({ toasts: get().toasts.filter((t) => t.id !== id) });
    },

    holdToast(id, hold) {
      const toast = get().toasts.find((t) => t.id === id);
      if (!toast) return;
      if (hold) {
        clearTimeout(timers.get(id));
        timers.delete(id);
      } else {
        schedule(toast);
      }
    },
  };
};
