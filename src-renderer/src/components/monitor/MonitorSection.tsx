import { useCallback, useEffect } from 'react';
import { errorMessage } from '../../api/api-error';
import { LoadError } from '../common/LoadError';
import { isGridKey } from '../../lib/grid-nav';
import { isTypingTarget } from '../../lib/keys';
import { useStudio } from '../../store';
import { modalOpen } from '../common/Modal';
import { AddStreamDialog } from './AddStreamDialog';
import { MonitorEmpty } from './MonitorEmpty';
import { MonitorToolbar } from './MonitorToolbar';
import { StreamDetails } from './StreamDetails';
import { StreamGrid, tileElement } from './StreamGrid';

/**
 * Every stream's health at a glance, updated by the `streams` event once a second.
 * Keys: arrows move between tiles, Enter opens one, Esc closes it, N adds a stream,
 * R records the open stream to files (or stops).
 */
export function MonitorSection() {
  const names = useStudio((s) => s.streamNames);
  const loaded = useStudio((s) => s.streamsLoaded);
  const loadError = useStudio((s) => s.streamsError);
  const reload = useStudio((s) => s.loadStreams);
  const selected = useStudio((s) => s.selectedStream);
  const addOpen = useStudio((s) => s.addStreamOpen);
  // Without the event socket the figures stop moving: say so by dimming them, as the status bar does.
  const stale = useStudio((s) => s.socketState !== 'open' && s.everOpened);

  const closeDetails = useCallback(() => {
    const state = useStudio.getState();
    const name = state.selectedStream;
    state.openStream(null);
    // Back to the tile the details belonged to, so the arrows carry on from there.
    if (name) requestAnimationFrame(() => tileElement(name)?.focus());
  }, []);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      const state = useStudio.getState();
      if (modalOpen() || state.shortcutsOpen) return;
      if (event.key === 'Escape') {
        if (state.selectedStream) {
          event.preventDefault();
          closeDetails();
        }
        return;
      }
      if (isTypingTarget(event.target)) return;
      if (event.key === 'n' || event.key === 'N') {
        event.preventDefault();
        state.setAddStreamOpen(true);
        return;
      }
      if ((event.key === 'r' || event.key === 'R') && !event.repeat && state.selectedStream) {
        event.preventDefault();
        const name = state.selectedStream;
        if (state.recordingBusy[name]) return; // the button says Starting… or Stopping…
        state.toggleFileRecording(name).then(
          (done) => state.pushToast({ tone: 'quiet', stream: name, text: done === 'started' ? `${name}: recording to files` : `${name}: stopped recording to files` }),
          (err: unknown) => state.pushToast({ tone: 'danger', stream: name, text: `${name}: ${errorMessage(err)}` }),
        );
        return;
      }
      // Arrows with nothing focused (or focus on the page around the grid) start at a tile.
      if (isGridKey(event.key) && !(event.target instanceof Element && event.target.closest('.stream-grid, .details'))) {
        const name = state.selectedStream ?? state.streamNames[0];
        const tile = name ? tileElement(name) : null;
        if (tile) {
          event.preventDefault();
          tile.focus();
        }
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [closeDetails]);

  let body;
  if (!loaded) {
    body = loadError ? (
      <div className="page">
        <LoadError what="Streams" message={loadError} retry={() => void reload()} />
      </div>
    ) : (
      <p className="monitor-loading muted">Loading streams…</p>
    );
  } else if (names.length === 0) {
    body = <MonitorEmpty />;
  } else {
    body = <StreamGrid names={names} />;
  }

  return (
    <div className={`monitor${stale ? ' is-stale' : ''}`}>
      <MonitorToolbar />
      <div className="monitor-main">
        <div className="monitor-scroll">{body}</div>
        {selected && <StreamDetails key={selected} name={selected} onClose={closeDetails} />}
      </div>
      {addOpen && <AddStreamDialog />}
    </div>
  );
}
