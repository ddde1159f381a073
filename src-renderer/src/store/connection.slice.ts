import type { SocketState } from '../api/events';
import type { SliceCreator } from './types';

export interface ConnectionSlice {
  socketState: SocketState;
  /** How long until the next attempt while closed. */
  retryInMs: number | null;
  /** Whether the socket was ever open: "reconnecting" reads differently from "cannot connect". */
  everOpened: boolean;
  /** Counts `hello`s: every one after the first means we missed events while away. */
  helloCount: number;
  serverVersion: string | null;
  setSocketState(state: SocketState, info: { retryInMs: number | null; everOpened: boolean }): void;
  noteHello(version: string): void;
}

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
