// The DVR slice's shape, apart from its code so the combined store's type
// (types.ts) can name it without importing the slice, which imports types.ts.
import type { DvrRetentionStatus } from '../../../src-main/contract/studio-api';
import type { Marks, TimeRange } from '../lib/timeline/marks';

export interface DvrSlice {
  /** Streams on the timeline, one lane each, in the order they were added. */
  dvrStreams: string[];
  /** The lane whose picture is large and whose sound plays; locks and exports default to it. */
  dvrActive: string | null;
  dvrMarks: Marks;
  /** Locked ranges per stream, merged, UTC seconds. */
  dvrLocks: Record<string, TimeRange[]>;
  dvrLocksError: string | null;
  /** The last stream whose archive changed under the timeline (retention deleted some of it). */
  dvrChanged: { stream: string; at: number } | null;
  /** Files retention could not delete (the Monitor warns about them); null until loaded. */
  dvrRetention: DvrRetentionStatus | null;
  setDvrStreams(names: string[]): void;
  toggleDvrStream(name: string): void;
  setDvrActive(name: string): void;
  setDvrMarks(marks: Marks): void;
  loadDvrLocks(stream: string): Promise<void>;
  /** Locks or unlocks [from, to] of `stream`; resolves to the server's note (e.g. nothing recorded yet). */
  setRangeLocked(stream: string, range: TimeRange, locked: boolean): Promise<string | null>;
  noteDvrChanged(stream: string): void;
  loadDvrRetention(): Promise<void>;
  applyDvrRetention(status: DvrRetentionStatus): void;
}
