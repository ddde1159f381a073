import { useCallback, useEffect, useRef, useState } from 'react';
import { sortForWatching, streamFromHash, watchHash } from '../../lib/watch';
import { plural } from '../../lib/format';
import { useStudio } from '../../store';
import { EmptyState } from '../sections/EmptyState';
import { AlertIcon, LogoMark, MonitorIcon, SignInIcon } from '../icons';
import { GoLiveDialog } from '../monitor/GoLiveDialog';
import { WatchCard } from './WatchCard';
import { WatchPlayer } from './WatchPlayer';
import { vodFromHash, vodHash, WatchLibrary, WatchVod } from './WatchLibrary';

const POLL_MS = 5000;

/**
 * What a visitor without the admin token sees: the studio's streams, each opening
 * in the player. The studio itself (Monitor, DVR, Settings…) stays behind Sign in.
 */
export function WatchPage() {
  const streams = useStudio((s) => s.publicStreams);
  const error = useStudio((s) => s.publicStreamsError);
  const tokens = useStudio((s) => s.playTokens);
  const openLogin = useStudio((s) => s.openLogin);
  const [open, setOpen] = useState<string | null>(() => streamFromHash(window.location.hash));
  const [vod, setVod] = useState(() => vodFromHash(window.location.hash));
  const [goLive, setGoLive] = useState(false);
  // Whether the player was opened from the grid, so Back can simply go back in history.
  const openedHere = useRef(false);

  useEffect(() => {
    const abort = new AbortController();
    const load = () => {
      if (!document.hidden) void useStudio.getState().loadPublicStreams(abort.signal);
    };
    load();
    const timer = setInterval(load, POLL_MS);
    document.addEventListener('visibilitychange', load);
    return () => {
      abort.abort();
      clearInterval(timer);
      document.removeEventListener('visibilitychange', load);
    };
  }, []);

  useEffect(() => {
    const onHashChange = () => {
      setOpen(streamFromHash(window.location.hash));
      setVod(vodFromHash(window.location.hash));
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  const openStream = useCallback((name: string) => {
    openedHere.current = true;
    window.location.hash = watchHash(name);
  }, []);

  const back = () => {
    if (openedHere.current) {
      openedHere.current = false;
      window.history.back();
      return;
    }
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    setOpen(null);
    setVod(null);
  };

  const signIn = () => {
    if (streamFromHash(window.location.hash)) window.history.replaceState(null, '', window.location.pathname + window.location.search);
    openLogin(true);
  };

  const sorted = streams ? sortForWatching(streams) : [];
  const live = sorted.filter((s) => s.live).length;
  const current = open ? (streams?.find((s) => s.name === open) ?? null) : null;

  return (
    <div className="watch" data-testid="watch-page">
      <header className="watch-bar">
        <div className="watch-brand">
          <LogoMark size={20} className="brand-mark" />
          <span className="brand-name">Framehouse</span>
          <span className="watch-host">{window.location.host}</span>
        </div>
        <div className="watch-actions">
        <button type="button" className="watch-sign-in" data-testid="watch-go-live" onClick={() => setGoLive(true)} title="Publish this device's camera or screen to the studio (WebRTC)">
          Go live
        </button>
        <button type="button" className="watch-sign-in" data-testid="watch-sign-in" onClick={signIn} title="Sign in to the studio with the admin token">
          <SignInIcon size={15} />
          Sign in
        </button>
        </div>
      </header>

      <main className="watch-body">
        {vod ? (
          <WatchVod key={`${vod.folder}/${vod.path}`} file={vod} onBack={back} />
        ) : open ? (
          <WatchPlayer key={open} name={open} stream={current} listed={streams !== null} onBack={back} />
        ) : (
          <div className="watch-content">
            <div className="watch-heading">
              <h1 className="watch-title">Streams</h1>
              {streams && streams.length > 0 && (
                <span className="watch-summary" data-testid="watch-summary">
                  {live > 0 ? <span className="watch-summary-live">{live} live</span> : 'Nothing live right now'}
                  <span className="sep">·</span>
                  {plural(sorted.length, 'stream')}
                </span>
              )}
            </div>
            {error && (
              <div className="callout callout-warning" role="status" data-testid="watch-error">
                <AlertIcon size={16} />
                <p>
                  {streams ? 'The list stopped updating' : 'The streams could not be loaded'}: {error} Trying again…
                </p>
              </div>
            )}
            {streams === null ? (
              !error && <p className="muted">Loading streams…</p>
            ) : sorted.length === 0 ? (
              <EmptyState icon={<MonitorIcon size={22} />} title="No streams yet" testId="watch-empty">
                <p>Streams of this studio appear here as soon as they are set up or start sending.</p>
              </EmptyState>
            ) : (
              <div className="watch-grid" data-testid="watch-grid">
                {sorted.map((stream) => (
                  <WatchCard key={stream.name} stream={stream} token={tokens[stream.name] ?? null} onOpen={openStream} />
                ))}
              </div>
            )}
            <WatchLibrary
              onOpen={(file) => {
                openedHere.current = true;
                window.location.hash = vodHash(file);
              }}
            />
          </div>
        )}
      </main>
      {goLive && <GoLiveDialog onClose={() => setGoLive(false)} />}
    </div>
  );
}
