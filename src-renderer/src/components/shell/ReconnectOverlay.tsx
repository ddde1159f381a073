import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { platform } from '../../platform';
import { useStudio } from '../../store';

/** A blip shorter than this (a listener restarting after a settings change) shows nothing. */
const GRACE_MS = 2000;

/**
 * The studio server went away (a crash the desktop shell restarts, a restart by hand):
 * instead of a page that silently stopped, say so and keep trying. The event socket retries
 * with backoff (api/events.ts); its `hello` on return reloads the data (store/dispatch-event.ts).
 */
export function ReconnectOverlay() {
  const { down, retryInMs, retryNow } = useStudio(
    useShallow((s) => ({ down: s.everOpened && s.socketState !== 'open', retryInMs: s.retryInMs, retryNow: s.retryConnectionNow })),
  );
  const [shown, setShown] = useState(false);

  useEffect(() => {
    if (!down) return;
    const timer = setTimeout(() => setShown(true), GRACE_MS);
    return () => {
      clearTimeout(timer);
      setShown(false);
    };
  }, [down]);

  if (!down || !shown) return null;
  return (
    <div className="overlay reconnect-overlay" data-testid="reconnecting">
      <div className="reconnect-card" role="alertdialog" aria-modal="true" aria-labelledby="reconnect-title" aria-describedby="reconnect-help">
        <span className="spinner" aria-hidden="true" />
        <p className="reconnect-title" id="reconnect-title">
          Reconnecting to the studio…
        </p>
        <p className="help" id="reconnect-help">
          {platform.kind === 'desktop'
            ? 'The studio server stopped answering. The app starts it again, and this window follows it, even to a new port.'
            : 'The studio server stopped answering. This page tries again by itself and picks up where it was.'}
          {retryInMs !== null && ` Next attempt in ${Math.max(1, Math.round(retryInMs / 1000))} s.`}
        </p>
        <button type="button" className="button" data-testid="reconnect-now" onClick={retryNow}>
          Try now
        </button>
      </div>
    </div>
  );
}
