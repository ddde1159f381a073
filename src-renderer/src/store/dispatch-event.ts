// Routes each server event into the slice that owns it.
import type { StudioEvent } from '../../../src-main/api/contract';
import { useStudio } from './index';

export function dispatchStudioEvent(event: StudioEvent): void {
  const state = useStudio.getState();
  switch (event.type) {
    case 'hello':
      state.noteHello(event.data.version);
      // A second hello means the socket was down for a while: events were missed,
      // so fetch the full picture again.
      if (useStudio.getState().helloCount > 1) {
        void state.loadSystem();
        void state.loadSettings();
      }
      break;
    case 'system_status':
      state.applySystemStatus(event.data);
      break;
    case 'ffmpeg_status':
      state.applyFfmpegStatus(event.data);
      break;
    case 'settings_changed':
      state.applySettingsView(event.data);
      break;
    default:
      // Types from newer server features this build does not know yet.
      break;
  }
}
