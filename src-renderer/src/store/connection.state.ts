// The connection slice's shape, apart from its code so the combined store's type
// (types.ts) can name it without importing the slice, which imports types.ts.
import type { SocketState } from '../api/events';

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
  /** Skips the wait before the next attempt to reach the studio (the Reconnecting overlay's button). */
  retryConnectionNow(): void;
  /** The event client that retryConnectionNow pokes, while one runs. */
  setConnectionRetry(retry: (() => void) | null): void;
  noteHello(version: string): void;
}
