// The combined store's shape. Slices import this type (type-only) to reach each other
// through get(), so there is no runtime cycle between slice files.
import type { StateCreator } from 'zustand';
import type { AuthSlice } from './auth.slice';
import type { ConnectionSlice } from './connection.slice';
import type { DvrSlice } from './dvr.slice';
import type { ExportsSlice } from './exports.slice';
import type { LanSlice } from './lan.slice';
import type { SettingsSlice } from './settings.slice';
import type { StreamsSlice } from './streams.slice';
import type { SystemSlice } from './system.slice';
import type { ToastsSlice } from './toasts.slice';
import type { UiSlice } from './ui.slice';
import type { WatchSlice } from './watch.slice';

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
  ExportsSlice;

export type SliceCreator<Slice> = StateCreator<StudioState, [], [], Slice>;
