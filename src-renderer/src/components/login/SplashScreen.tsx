import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { reconnectDelay } from '../../api/backoff';
import { useStudio } from '../../store';
import { LogoMark } from '../icons';

/** Shown while the session is checked, and when the server does not answer at all (it keeps asking, with backoff). */
export function SplashScreen({ unreachable = false }: { unreachable?: boolean }) {
  const { reason, checkSession } = useStudio(
    useShallow((s) => ({ reason: s.unreachableReason, checkSession: s.checkSession })),
  );
  const [attempt, setAttempt] = useState(0);

  // A server that is starting (or being restarted by the desktop app) answers soon: ask again by itself.
  useEffect(() => {
    if (!unreachable) return;
    let live = true;
    const delay = reconnectDelay(attempt, 1000);
    const timer = setTimeout(() => {
      void checkSession().then(() => {
        if (live) setAttempt((n) => n + 1);
      });
    }, delay);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [unreachable, attempt, checkSession]);

  return (
    <div className="center-screen">
      <div className="splash" data-testid={unreachable ? 'unreachable' : 'splash'}>
        <LogoMark size={32} className="brand-mark" />
        {unreachable ? (
          <>
            <p className="splash-title">The studio is not answering</p>
            <p className="help">{reason ?? 'Cannot reach the studio server.'}</p>
            <p className="help">Trying again every few seconds…</p>
            <button type="button" className="button" onClick={() => void checkSession()}>
              Try now
            </button>
          </>
        ) : (
          <>
            <span className="spinner" aria-hidden="true" />
            <p className="help">Connecting to the studio…</p>
          </>
        )}
      </div>
    </div>
  );
}
