// The streams slice's shape, apart from its code so the combined store's type
// (types.ts) can name it without importing the slice, which imports types.ts.
import type { StreamConfigCreate, StreamConfigPatch, StreamInfo } from '../../../src-main/contract/studio-api';

export interface StreamsSlice {
  /** False until the first list arrived (from GET or from a `streams` event). */
  streamsLoaded: boolean;
  streamsError: string | null;
  /** Names in server order (by name). Kept as the same array while the set of names is unchanged. */
  streamNames: string[];
  streamsByName: Record<string, StreamInfo>;
  /** The stream whose details panel is open. */
  selectedStream: string | null;
  addStreamOpen: boolean;
  loadStreams(): Promise<void>;
  /** The `streams` event: every stream, once a second. */
  applyStreams(list: StreamInfo[]): void;
  openStream(name: string | null): void;
  setAddStreamOpen(open: boolean): void;
  /** POST; resolves to the new stream, rejects with the server's ApiError. */
  createStream(body: StreamConfigCreate): Promise<StreamInfo>;
  /** PUT; a stream that is only published gets a configuration. */
  saveStream(name: string, patch: StreamConfigPatch): Promise<StreamInfo>;
  deleteStream(name: string): Promise<void>;
}
