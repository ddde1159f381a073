import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../../store';
import { LogoMark } from '../icons';

/** Shown while the session is checked, and when the server does not answer at all. */
export function SplashScreen({ unreachable = false }: { unreachable?: boolean }) {
  const { reason, checkSession } = useStudio(
    useShallow((s) => ({ reason: s.unreachableReason, checkSession: s.checkSession })),
  );

  return (
    <div className="center-screen">
      <div className="splash" data-testid={unreachable ? 'unreachable' : 'splash'}>
        <LogoMark size={32} className="brand-mark" />
        {unreachable ? (
          <>
            <p className="splash-title">The studio is not answering</p>
            <p className="help">{reason ?? 'Cannot reach the studio server.'}</p>
            <button type="button" className="button" onClick={() => void checkSession()}>
              Try again
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
