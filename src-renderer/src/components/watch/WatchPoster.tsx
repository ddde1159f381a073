import { useEffect, useState } from 'react';
import { posterUrl } from '../../lib/watch';
import { LockIcon, MonitorIcon } from '../icons';

/** Posters change slowly on purpose: many visitors may have the page open. */
const REFRESH_MS = 10_000;

interface WatchPosterProps {
  name: string;
  live: boolean;
  hasVideo: boolean;
  locked: boolean;
  /** The visitor's token for a locked stream; without one a locked stream shows no picture. */
  token: string | null;
}

/**
 * The latest keyframe of a stream, loaded off-screen and swapped in only once it
 * arrived (a failed load never shows a broken image). A locked stream's picture is
 * asked for only with its token.
 */
export function WatchPoster({ name, live, hasVideo, locked, token }: WatchPosterProps) {
  const [shown, setShown] = useState<{ key: string; url: string } | null>(null);
  const allowed = hasVideo && (!locked || token !== null);
  const key = `${name}|${token ?? ''}`;

  useEffect(() => {
    if (!allowed) return;
    let cancelled = false;
    let loader: HTMLImageElement | null = null;
    const load = () => {
      if (document.hidden) return;
      const url = posterUrl(name, token, Math.floor(Date.now() / REFRESH_MS));
      const img = new Image();
      loader = img;
      img.onload = () => {
        if (!cancelled && loader === img) setShown({ key, url });
      };
      img.src = url;
    };
    load();
    const timer = live ? setInterval(load, REFRESH_MS) : null;
    return () => {
      cancelled = true;
      if (timer) clearInterval(timer);
      if (loader) loader.onload = null;
    };
  }, [allowed, name, token, live, key]);

  const picture = allowed && shown?.key === key ? shown.url : null;
  return (
    <div className={`watch-poster${live ? '' : ' is-offline'}`} data-testid="watch-poster">
      {picture ? (
        <img className="watch-poster-img" src={picture} alt="" draggable={false} />
      ) : (
        <div className="watch-poster-empty" aria-hidden="true">
          {locked && !token ? <LockIcon size={24} /> : <MonitorIcon size={24} />}
        </div>
      )}
    </div>
  );
}
