// The watch slice's shape, apart from its code so the combined store's type
// (types.ts) can name it without importing the slice, which imports types.ts.
import type { PublicStream } from '../../../src-main/contract/public-api';

export interface WatchSlice {
  /** The public list of streams; null until it first arrived. */
  publicStreams: PublicStream[] | null;
  publicStreamsError: string | null;
  /** Play tokens by stream name. */
  playTokens: Record<string, string>;
  loadPublicStreams(signal?: AbortSignal): Promise<void>;
  /** Remembers (or with null forgets) the token for a locked stream. */
  setPlayToken(name: string, token: string | null): void;
}
