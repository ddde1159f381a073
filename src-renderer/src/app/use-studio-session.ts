import { useEffect } from 'react';
import { EventsClient } from '../api/events';
import { useStudio } from '../store';
import { dispatchStudioEvent } from '../store/dispatch-event';
import { helpFromHash, sectionFromHash, writeSectionHash } from './sections';

const VERIFY_EVERY_MS = 5000;

/**
 * While the studio UI is mounted (signed in): fetch the first snapshot, keep the
 * event socket open, and follow the section in the address bar.
 */
export function useStudioSession(): void {
  useEffect(() => {
    const state = useStudio.getState();
    void state.loadSystem();
    void state.loadSettings();
    void state.loadStreams();
    void state.loadDvrRetention();
    void state.loadWelcome();

    // A socket refused again and again may mean the session is gone (the studio
    // restarted with a new token), which the socket itself cannot tell us.
    let lastVerify = 0;
    const client = new EventsClient({
      state: (socketState, info) => {
        const current = useStudio.getState();
        current.setSocketState(socketState, info);
        const now = Date.now();
        if (socketState === 'closed' && now - lastVerify > VERIFY_EVERY_MS) {
          lastVerify = now;
          void current.verifySession();
        }
      },
      event: dispatchStudioEvent,
    });
    client.start();
    state.setConnectionRetry(() => client.retryNow());

    const onHashChange = () => {
      const section = sectionFromHash();
      if (section) useStudio.getState().setSection(section);
      const help = helpFromHash();
      if (help) {
        useStudio.getState().openHelp(help);
        writeSectionHash(useStudio.getState().section);
      }
    };
    window.addEventListener('hashchange', onHashChange);
    if (helpFromHash()) onHashChange();

    return () => {
      client.stop();
      useStudio.getState().setConnectionRetry(null);
      window.removeEventListener('hashchange', onHashChange);
    };
  }, []);
}
