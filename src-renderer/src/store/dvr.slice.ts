// The DVR section's lasting state: which streams are on the timeline, the In/Out
// marks, locks per stream. What moves every frame (the view, the playhead, hover)
// lives in the section's controller, outside the store, so it never re-renders React.
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import { mergeSpans, noMarks } from '../lib/timeline/marks';
import type { DvrSlice } from './dvr.state';
import type { SliceCreator } from './types';

const storageKey = 'framehouse.dvr';

function restore(): { streams: string[]; active: string | null } {
  try {
    const raw = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as unknown;
    if (typeof raw === 'object' && raw !== null) {
      const { streams, active } = raw as { streams?: unknown; active?: unknown };
      const names = Array.isArray(streams) ? streams.filter((s): s is string => typeof s === 'string').slice(0, 9) : [];
      return { streams: names, active: typeof active === 'string' && names.includes(active) ? active : (names[0] ?? null) };
    }
  } catch {
    // A broken entry starts afresh.
  }
  return { streams: [], active: null };
}

function persist(streams: string[], active: string | null): void {
  try {
    localStorage.setItem(storageKey, JSON.stringify({ streams, active }));
  } catch {
    // Private mode or a full quota: the choice lasts for this page only.
  }
}

/** At most this many cameras stacked: four pictures still read side by side. */
export const MAX_DVR_LANES = 4;

export const createDvrSlice: SliceCreator<DvrSlice> = (set, get) => {
  const initial = restore();
  const choose = (streams: string[], preferred: string | null) => {
    const active = preferred !== null && streams.includes(preferred) ? preferred : (streams[0] ?? null);
    persist(streams, active);
    set({ dvrStreams: streams, dvrActive: active });
  };
  return {
    dvrStreams: initial.streams,
    dvrActive: initial.active,
    dvrMarks: noMarks,
    dvrLocks: {},
    dvrLocksError: null,
    dvrChanged: null,
    dvrRetention: null,

    setDvrStreams(names) {
      choose([...new Set(names)].slice(0, MAX_DVR_LANES), get().dvrActive);
    },

    toggleDvrStream(name) {
      const current = get().dvrStreams;
      if (current.includes(name)) choose(current.filter((n) => n !== name), get().dvrActive);
      else choose([...current, name].slice(-MAX_DVR_LANES), current.length === 0 ? name : get().dvrActive);
    },

    setDvrActive(name) {
      if (get().dvrStreams.includes(name)) choose(get().dvrStreams, name);
    },

    setDvrMarks(dvrMarks) {
      set({ dvrMarks });
    },

    async loadDvrLocks(stream) {
      try {
        const locks = await api.dvrLocks(stream);
        set({ dvrLocks: { ...get().dvrLocks, [stream]: mergeSpans(locks) }, dvrLocksError: null });
      } catch (err) {
        set({ dvrLocksError: errorMessage(err) });
      }
    },

    async setRangeLocked(stream, range, locked) {
      const body = { stream, from: range.from, duration: range.to - range.from };
      let note: string | null = null;
      if (locked) note = (await api.lockRange(body)).note;
      else await api.unlockRange(body);
      await get().loadDvrLocks(stream);
      return note;
    },

    noteDvrChanged(stream) {
      if (get().dvrStreams.includes(stream)) set({ dvrChanged: { stream, at: Date.now() } });
    },

    async loadDvrRetention() {
      try {
        set({ dvrRetention: await api.dvrRetention() });
      } catch {
        // Only a warning line depends on it; the next dvr_retention_stuck event brings it.
      }
    },

    applyDvrRetention(dvrRetention) {
      set({ dvrRetention });
    },
  };
};
