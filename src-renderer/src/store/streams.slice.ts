import type { StreamInfo } from '../../../src-main/contract/studio-api';
import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import type { StreamsSlice } from './streams.state';
import type { SliceCreator } from './types';

/**
 * What this window just changed. A `streams` event computed before a POST, PUT or
 * DELETE can arrive after its answer; for a moment the local result wins, so a new
 * tile does not blink out, nor a deleted one back in.
 */
const localChanges = new Map<string, { info: StreamInfo | null; until: number }>();
const LOCAL_GRACE_MS = 2500;

function rememberLocal(name: string, info: StreamInfo | null): void {
  localChanges.set(name, { info, until: Date.now() + LOCAL_GRACE_MS });
}

function withLocalChanges(byName: Record<string, StreamInfo>, now: number): void {
  for (const [name, change] of localChanges) {
    if (change.until < now) {
      localChanges.delete(name);
      continue;
    }
    const current = byName[name];
    if (change.info === null) delete byName[name];
    else if (!current) byName[name] = change.info;
    else byName[name] = { ...current, title: change.info.title, configured: change.info.configured, config: change.info.config };
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

export const createStreamsSlice: SliceCreator<StreamsSlice> = (set, get) => {
  const apply = (list: StreamInfo[]) => {
    const byName: Record<string, StreamInfo> = {};
    for (const info of list) byName[info.name] = info;
    withLocalChanges(byName, Date.now());
    const names = Object.keys(byName).sort();
    const previous = get().streamNames;
    set({
      streamsLoaded: true,
      streamsError: null,
      streamsByName: byName,
      streamNames: sameNames(previous, names) ? previous : names,
    });
  };

  const applyOne = (info: StreamInfo) => {
    rememberLocal(info.name, info);
    apply(Object.values(get().streamsByName).filter((s) => s.name !== info.name).concat(info));
  };

  return {
    streamsLoaded: false,
    streamsError: null,
    streamNames: [],
    streamsByName: {},
    selectedStream: null,
    addStreamOpen: false,

    async loadStreams() {
      try {
        apply(await api.streams());
      } catch (err) {
        set({ streamsError: errorMessage(err) });
      }
    },

    applyStreams(list) {
      apply(list);
    },

    openStream(name) {
      set({ selectedStream: name });
    },

    setAddStreamOpen(addStreamOpen) {
      set({ addStreamOpen });
    },

    async createStream(body) {
      const info = await api.createStream(body);
      applyOne(info);
      return info;
    },

    async saveStream(name, patch) {
      const info = await api.updateStream(name, patch);
      applyOne(info);
      return info;
    },

    async deleteStream(name) {
      await api.deleteStream(name);
      rememberLocal(name, null);
      apply(Object.values(get().streamsByName));
      if (get().selectedStream === name) set({ selectedStream: null });
    },
  };
};
