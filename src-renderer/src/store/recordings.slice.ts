// Recording to plain files, per stream: what the Record button starts with, which
// streams are on their way in or out, and a version per stream that the file lists
// follow (recording_* events bump it). Whether a stream records comes from the streams
// tick (StreamInfo.files), the one source the tiles, the details and the DVR all read.
import { api } from '../api/endpoints';
import { isRecordFormat, isRotationChoice, rotateFor, type RotationChoice } from '../lib/recording-files';
import type { RecordFormat } from '../../../src-main/contract/recording-api';
import type { RecordingsSlice } from './recordings.state';
import type { SliceCreator, StudioState } from './types';

const storageKey = 'framehouse.recordFiles';
/** The streams tick comes every second; after this, the button believes the answer alone. */
const TICK_WAIT_MS = 2500;

function restore(): { format: RecordFormat; rotation: RotationChoice } {
  try {
    const raw = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as unknown;
    if (typeof raw === 'object' && raw !== null) {
      const { format, rotation } = raw as { format?: unknown; rotation?: unknown };
      return {
        format: typeof format === 'string' && isRecordFormat(format) ? format : 'mp4',
        rotation: typeof rotation === 'string' && isRotationChoice(rotation) ? rotation : 'off',
      };
    }
  } catch {
    // A broken entry starts afresh.
  }
  return { format: 'mp4', rotation: 'off' };
}

function persist(format: RecordFormat, rotation: RotationChoice): void {
  try {
    localStorage.setItem(storageKey, JSON.stringify({ format, rotation }));
  } catch {
    // Private mode or a full quota: the choice lasts for this page only.
  }
}

export const createRecordingsSlice: SliceCreator<RecordingsSlice> = (set, get, store) => {
  const initial = restore();

  /** Resolves once the streams tick says `name` records (or not), or after a short wait. */
  const tickShows = (name: string, recording: boolean) =>
    new Promise<void>((resolve) => {
      const agrees = (s: StudioState) => (s.streamsByName[name]?.files !== undefined) === recording;
      if (agrees(get())) return resolve();
      let unsubscribe = () => {};
      const timer = setTimeout(() => {
        unsubscribe();
        resolve();
      }, TICK_WAIT_MS);
      unsubscribe = store.subscribe((s) => {
        if (!agrees(s)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve();
      });
    });

  const setBusy = (name: string, busy: 'starting' | 'stopping' | null) => {
    const next = { ...get().recordingBusy };
    if (busy) next[name] = busy;
    else delete next[name];
    set({ recordingBusy: next });
  };

  return {
    recordingsVersion: {},
    recordFormat: initial.format,
    recordRotation: initial.rotation,
    recordingBusy: {},

    setRecordFormat(recordFormat) {
      persist(recordFormat, get().recordRotation);
      set({ recordFormat });
    },

    setRecordRotation(recordRotation) {
      persist(get().recordFormat, recordRotation);
      set({ recordRotation });
    },

    noteRecordingChanged(stream) {
      set({ recordingsVersion: { ...get().recordingsVersion, [stream]: (get().recordingsVersion[stream] ?? 0) + 1 } });
    },

    async toggleFileRecording(name) {
      const state = get();
      if (state.recordingBusy[name]) return state.recordingBusy[name] === 'starting' ? 'started' : 'stopped';
      const recording = state.streamsByName[name]?.files !== undefined;
      setBusy(name, recording ? 'stopping' : 'starting');
      try {
        if (recording) {
          await api.stopRecording(name);
        } else {
          const rotate = rotateFor(state.recordRotation);
          await api.startRecording(name, { format: state.recordFormat, ...(rotate ? { rotate } : {}) });
        }
        get().noteRecordingChanged(name);
        await tickShows(name, !recording);
        return recording ? 'stopped' : 'started';
      } finally {
        setBusy(name, null);
      }
    },
  };
};
