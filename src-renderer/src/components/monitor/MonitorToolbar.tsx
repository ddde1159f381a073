import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatBitrate, isLive } from '../../lib/stream-format';
import { plural } from '../../lib/format';
import { stuckSummary } from '../../lib/retention-status';
import { useStudio } from '../../store';
import { PlusIcon } from '../icons';
import { GoLiveDialog } from './GoLiveDialog';

/** Counts and total input across every stream, Go live (this browser by WebRTC), and the Add stream button. */
export function MonitorToolbar() {
  const [goLive, setGoLive] = useState(false);
  const summary = useStudio(
    useShallow((s) => {
      let live = 0;
      let failed = 0;
      let reconnecting = 0;
      let bitrate = 0;
      for (const name of s.streamNames) {
        const info = s.streamsByName[name];
        if (!info) continue;
        if (isLive(info.state)) live += 1;
        if (info.state === 'failed') failed += 1;
        if (info.state === 'reconnecting') reconnecting += 1;
        bitrate += info.bitrate.last1s;
      }
      return { count: s.streamNames.length, live, failed, reconnecting, bitrate, loaded: s.streamsLoaded };
    }),
  );
  const setAddStreamOpen = useStudio((s) => s.setAddStreamOpen);
  const stale = useStudio((s) => s.socketState !== 'open' && s.everOpened);
  const stuck = stuckSummary(useStudio((s) => s.dvrRetention));

  return (
    <div className="monitor-bar">
      <div className="monitor-summary" data-testid="monitor-summary">
        {summary.loaded && summary.count > 0 && (
          <>
            <span className="summary-strong">{plural(summary.count, 'stream')}</span>
            <span className="summary-item">
              <span className="state-dot state-ok" aria-hidden="true" />
              {summary.live} live
            </span>
            {summary.reconnecting > 0 && (
              <span className="summary-item text-warning">
                <span className="state-dot state-warning" aria-hidden="true" />
                {summary.reconnecting} reconnecting
              </span>
            )}
            {summary.failed > 0 && (
              <span className="summary-item text-danger">
                <span className="state-dot state-danger" aria-hidden="true" />
                {summary.failed} failed
              </span>
            )}
            <span className="summary-item summary-rate" title="Total input bitrate, last second">
              {formatBitrate(summary.bitrate)} in
            </span>
          </>
        )}
        {stale && (
          <span className="summary-item text-warning" data-testid="monitor-stale">
            Not updating: the connection to the studio is down
          </span>
        )}
        {stuck && (
          <span className="summary-item text-warning" data-testid="monitor-retention-stuck" title={stuck.details}>
            <span className="state-dot state-warning" aria-hidden="true" />
            {stuck.label}
          </span>
        )}
      </div>
      <button type="button" className="button" data-testid="go-live-open" onClick={() => setGoLive(true)} title="Publish this browser's camera or screen (WebRTC)">
        Go live
      </button>
      {goLive && <GoLiveDialog onClose={() => setGoLive(false)} />}
      <button type="button" className="button button-primary" data-testid="add-stream" onClick={() => setAddStreamOpen(true)} title="Add stream (N)">
        <PlusIcon size={14} />
        Add stream
        <kbd className="button-kbd">N</kbd>
      </button>
    </div>
  );
}
