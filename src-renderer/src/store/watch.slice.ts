import { errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import type { WatchSlice } from './watch.state';
import type { SliceCreator } from './types';

const TOKENS_KEY = 'framehouse.playTokens';

/** Play tokens a visitor typed, kept in this browser so a locked stream opens straight away next time. */
function readTokens(): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(TOKENS_KEY) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

function writeTokens(tokens: Record<string, string>): void {
  try {
    localStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
  } catch {
    // Private mode or storage off: the token lasts for this page only.
  }
}

export const createWatchSlice: SliceCreator<WatchSlice> = (set, get) => ({
  publicStreams: null,
  publicStreamsError: null,
  playTokens: readTokens(),

  async loadPublicStreams(signal) {
    try {
      const publicStreams = await api.publicStreams(signal);
      set({ publicStreams, publicStreamsError: null });
    } catch (err) {
      if (signal?.aborted) return;
      set({ publicStreamsError: errorMessage(err) });
    }
  },

  setPlayToken(name, token) {
    const playTokens = { ...get().playTokens };
    if (token) playTokens[name] = token;
    else delete playTokens[name];
    writeTokens(playTokens);
    set({ playTokens });
  },
});
