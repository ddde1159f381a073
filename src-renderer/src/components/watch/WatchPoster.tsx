import { posterUrl } from '../../lib/watch';
import { useRefreshingPicture } from '../common/use-refreshing-picture';
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
  const allowed = hasVideo && (!locked || token !== null);
  const picture = useRefreshingPicture(`${name}|${token ?? ''}`, allowed ? (step) => posterUrl(name, token, step) : null, live, REFRESH_MS);
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
