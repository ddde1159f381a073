// The recording files slice's shape, apart from its code so the combined store's type
// (types.ts) can name it without importing the slice, which imports types.ts.
import type { RecordFormat } from '../../../src-main/contract/recording-api';
import type { RotationChoice } from '../lib/recording-files';

export interface RecordingsSlice {
  /** Bumped per stream by recording_changed, recording_finished and recording_error: lists of its files load again. */
  recordingsVersion: Record<string, number>;
  /** The format and rotation the Record button (and R in the Monitor) start with; kept in this browser. */
  recordFormat: RecordFormat;
  recordRotation: RotationChoice;
  /** Streams whose start or stop is on its way (until the streams tick shows it). */
  recordingBusy: Record<string, 'starting' | 'stopping'>;
  setRecordFormat(format: RecordFormat): void;
  setRecordRotation(rotation: RotationChoice): void;
  noteRecordingChanged(stream: string): void;
  /**
   * Starts recording the stream to files with the chosen format and rotation, or stops it
   * when it records; rejects with the server's ApiError (409 when another window won).
   */
  toggleFileRecording(name: string): Promise<'started' | 'stopped'>;
}
