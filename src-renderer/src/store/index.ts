// One store for the whole UI, made of feature slices. Components select single
// fields, or several with useShallow, so a status tick every 2 s (or the streams
// tick every second) re-renders only what shows it.
import { create } from 'zustand';
import { createAuthSlice } from './auth.slice';
import { createConnectionSlice } from './connection.slice';
import { createDvrSlice } from './dvr.slice';
import { createExportsSlice } from './exports.slice';
import { createHelpSlice } from './help.slice';
import { createLanSlice } from './lan.slice';
import { createLibrarySlice } from './library.slice';
import { createRecordingsSlice } from './recordings.slice';
import { createSettingsSlice } from './settings.slice';
import { createStreamsSlice } from './streams.slice';
import { createSystemSlice } from './system.slice';
import { createToastsSlice } from './toasts.slice';
import type { StudioState } from './types';
import { createUiSlice } from './ui.slice';
import { createWatchSlice } from './watch.slice';

export const useStudio = create<StudioState>()((...a) => ({
  ...createAuthSlice(...a),
  ...createConnectionSlice(...a),
  ...createSystemSlice(...a),
  ...createSettingsSlice(...a),
  ...createStreamsSlice(...a),
  ...createToastsSlice(...a),
  ...createUiSlice(...a),
  ...createWatchSlice(...a),
  ...createLanSlice(...a),
  ...createDvrSlice(...a),
  ...createExportsSlice(...a),
  ...createLibrarySlice(...a),
  ...createRecordingsSlice(...a),
  ...createHelpSlice(...a),
}));

export type { StudioState } from './types';
