// Routes each server event into the slice that owns it.
import type { StudioEvent } from '../../../src-main/contract/studio-api';
import { streamEventToast } from '../lib/stream-events';
import { useStudio } from './index';

/** When each stream last lost its source: the `stream_stopped` right after says nothing new. */
const lostAt = new Map<string, number>();

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
        void state.loadStreams();
        void state.loadDvrRetention();
        if (state.exportOrder.length > 0) void state.refreshExports();
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
    case 'streams':
      state.applyStreams(event.data);
      break;
    case 'source_lost':
      lostAt.set(event.data.name, Date.now());
      state.pushToast(streamEventToast(event));
      break;
    case 'stream_stopped': {
      const lost = lostAt.get(event.data.name);
      lostAt.delete(event.data.name);
      if (lost === undefined || Date.now() - lost > 2000) state.pushToast(streamEventToast(event));
      break;
    }
    case 'stream_started':
    case 'source_switched':
    case 'publish_refused':
      state.pushToast(streamEventToast(event));
      break;
    case 'export_progress':
    case 'export_finished':
      state.applyExportJob(event.data);
      break;
    case 'dvr_deleted':
      // Retention removed recordings: timelines showing that stream draw them again.
      state.noteDvrChanged(event.data.stream);
      break;
    case 'library_changed':
      state.noteLibraryChanged(event.data.folder);
      break;
    case 'recording_changed':
      state.noteRecordingChanged(event.data.stream);
      break;
    case 'recording_finished':
      state.noteRecordingChanged(event.data.stream);
      if (event.data.state === 'failed') {
        state.pushToast({ tone: 'danger', stream: event.data.stream, text: `${event.data.stream}: recording file failed${event.data.error ? `: ${event.data.error}` : ''}` });
      }
      break;
    case 'recording_error':
      state.noteRecordingChanged(event.data.stream);
      state.pushToast({ tone: 'danger', stream: event.data.stream, text: `${event.data.stream}: recording to files: ${event.data.reason}` });
      break;
    case 'dvr_retention_stuck':
      state.applyDvrRetention(event.data);
      break;
    default:
      // Types from newer server features this build does not know yet.
      break;
  }
}
