// The combined store's shape. Slices import this type (type-only) to reach each other
// through get(); it is made of each slice's shape (*.state.ts), never of the slice
// files themselves, so no import runs in a circle, not even a type-only one.
import type { StateCreator } from 'zustand';
import type { AuthSlice } from './auth.state';
import type { ConnectionSlice } from './connection.state';
import type { DvrSlice } from './dvr.state';
import type { ExportsSlice } from './exports.state';
import type { HelpSlice } from './help.state';
import type { LanSlice } from './lan.state';
import type { LibrarySlice } from './library.state';
import type { RecordingsSlice } from './recordings.state';
import type { SettingsSlice } from './settings.state';
import type { StreamsSlice } from './streams.state';
import type { SystemSlice } from './system.state';
import type { ToastsSlice } from './toasts.state';
import type { UiSlice } from './ui.state';
import type { WatchSlice } from './watch.state';

export type StudioState = AuthSlice &
  ConnectionSlice &
  SystemSlice &
  SettingsSlice &
  StreamsSlice &
  ToastsSlice &
  UiSlice &
  WatchSlice &
  LanSlice &
  DvrSlice &
  ExportsSlice &
  LibrarySlice &
  RecordingsSlice &
  HelpSlice;

export type SliceCreator<Slice> = StateCreator<StudioState, [], [], Slice>;
