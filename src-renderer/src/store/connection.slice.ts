import type { ConnectionSlice } from './connection.state';
import type { SliceCreator } from './types';

let retry: (() => void) | null = null;

export const createConnectionSlice: SliceCreator<ConnectionSlice> = (set) => ({
  socketState: 'connecting',
  retryInMs: null,
  everOpened: false,
  helloCount: 0,
  serverVersion: null,

  setSocketState(socketState, { retryInMs, everOpened }) {
    set({ socketState, retryInMs, everOpened });
  },

  retryConnectionNow() {
    retry?.();
  },

  setConnectionRetry(next) {
    retry = next;
  },

  noteHello(version) {
    set((state) => ({ serverVersion: version, helloCount: state.helloCount + 1 }));
  },
});
