import type { ConnectionSlice } from './connection.state';
import type { SliceCreator } from './types';

export const createConnectionSlice: SliceCreator<ConnectionSlice> = (set) => ({
  socketState: 'connecting',
  retryInMs: null,
  everOpened: false,
  helloCount: 0,
  serverVersion: null,

  setSocketState(socketState, { retryInMs, everOpened }) {
    set({ socketState, retryInMs, everOpened });
  },

  noteHello(version) {
    set((state) => ({ serverVersion: version, helloCount: state.helloCount + 1 }));
  },
});
