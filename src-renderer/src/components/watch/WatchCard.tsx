import type { MouseEvent } from 'react';
import type { PublicStream } from '../../../../src-main/contract/public-api';
import { archiveLabel, mediaLabel, watchHash } from '../../lib/watch';
import { LockIcon, PlayIcon } from '../icons';
import { WatchPoster } from './WatchPoster';

interface WatchCardProps {
  stream: PublicStream;
  token: string | null;
  onOpen(name: string): void;
}

/** One stream on the watch page: its picture, live or not, and what it is. A link, so it can open in a new tab too. */
export function WatchCard({ stream, token, onOpen }: WatchCardProps) {
  const heading = stream.title || stream.name;
  const media = mediaLabel(stream);
  const archive = archiveLabel(stream.archive);

  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    // A plain click opens the player here; modified clicks keep their browser meaning.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    onOpen(stream.name);
  };

  return (
    <a
      className={`watch-card${stream.live ? ' is-live' : ''}`}
      href={watchHash(stream.name)}
      onClick={onClick}
      data-testid="watch-card"
      data-stream={stream.name}
      data-live={stream.live ? 'true' : 'false'}
      data-locked={stream.locked ? 'true' : 'false'}
      aria-label={`${heading}: ${stream.live ? 'live' : 'offline'}${stream.locked ? ', needs a play token' : ''}`}
    >
      <div className="watch-card-picture">
        <WatchPoster name={stream.name} live={stream.live} hasVideo={stream.video !== null} locked={stream.locked} token={token} />
        <span className={`watch-state${stream.live ? ' is-live' : ''}`}>{stream.live ? 'Live' : 'Offline'}</span>
        {stream.locked && (
          <span className="watch-lock" title="Needs a play token" data-testid="watch-card-lock">
            <LockIcon size={13} />
          </span>
        )}
        <span className="watch-play" aria-hidden="true">
          <PlayIcon size={22} />
        </span>
      </div>
      <div className="watch-card-body">
        <span className="watch-card-title" title={heading}>
          {heading}
        </span>
        {stream.title && (
          <span className="watch-card-name" title={stream.name}>
            {stream.name}
          </span>
        )}
        <span className="watch-card-meta">
          <span className="watch-card-media">{media || (stream.live ? 'Starting…' : 'Not on air')}</span>
          {archive && <span className="watch-card-archive">{archive}</span>}
        </span>
      </div>
    </a>
  );
}
