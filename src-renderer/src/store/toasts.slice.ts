import type { ToastTone, Toast, ToastsSlice } from './toasts.state';
import type { SliceCreator } from './types';

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
