import { useState } from 'react';
import type { PublicStream } from '../../../../src-main/contract/public-api';
import { archiveLabel, embedUrl, mediaLabel } from '../../lib/watch';
import { useStudio } from '../../store';
import { ArrowLeftIcon, ExternalIcon, LockIcon } from '../icons';
import { PlayTokenPrompt } from './PlayTokenPrompt';

interface WatchPlayerProps {
  name: string;
  /** Null when the list has not arrived yet, or no longer has this stream. */
  stream: PublicStream | null;
  listed: boolean;
  onBack(): void;
}

/**
 * One stream in the studio's own player page (embed.html) in a frame: live, or the
 * whole archive up to live (DVR). A locked stream asks for its play token first.
 */
export function WatchPlayer({ name, stream, listed, onBack }: WatchPlayerProps) {
  const token = useStudio((s) => s.playTokens[name] ?? null);
  const setPlayToken = useStudio((s) => s.setPlayToken);
  // An offline stream with a recording opens on the recording; the choice sticks while the page is open.
  const [dvrChoice, setDvrChoice] = useState<boolean | null>(null);

  const heading = stream?.title || name;
  const hasArchive = stream?.archive != null;
  const dvr = hasArchive && (dvrChoice ?? (stream !== null && !stream.live));
  const needsToken = stream?.locked === true && token === null;
  const src = embedUrl(name, { dvr, token: stream?.locked ? token : null });
  const archive = archiveLabel(stream?.archive ?? null);

  return (
    <section className="watch-player" aria-label={`Player: ${heading}`} data-testid="watch-player" data-stream={name}>
      <div className="watch-player-bar">
        <button type="button" className="button watch-back" data-testid="watch-back" onClick={onBack}>
          <ArrowLeftIcon size={15} />
          <span className="watch-back-label">All streams</span>
        </button>
        <div className="watch-player-titles">
          <h1 className="watch-player-title" title={heading}>
            {heading}
          </h1>
          {stream?.title && <span className="watch-player-name">{name}</span>}
        </div>
        {stream && <span className={`watch-state watch-state-inline${stream.live ? ' is-live' : ''}`}>{stream.live ? 'Live' : 'Offline'}</span>}
        {stream && !needsToken && (
          <div className="segmented watch-mode" role="radiogroup" aria-label="What to play">
            <button
              type="button"
              role="radio"
              aria-checked={!dvr}
              className="segment"
              data-testid="watch-mode-live"
              onClick={() => setDvrChoice(false)}
            >
              <span className="segment-label">Live</span>
            </button>
            <button
              type="button"
              role="radio"
              aria-checked={dvr}
              className="segment"
              data-testid="watch-mode-dvr"
              disabled={!hasArchive}
              title={hasArchive ? 'The whole recording up to live: seek back in time' : 'Nothing recorded yet'}
              onClick={() => setDvrChoice(true)}
            >
              <span className="segment-label">DVR</span>
            </button>
          </div>
        )}
        {stream && !needsToken && (
          <a className="button watch-open" href={src} target="_blank" rel="noreferrer" data-testid="watch-open-tab" title="Open the player on its own page">
            <ExternalIcon size={14} />
            <span className="watch-open-label">Open player</span>
          </a>
        )}
      </div>

      {!listed ? (
        <div className="watch-player-stage">
          <p className="muted">Loading…</p>
        </div>
      ) : !stream ? (
        <div className="watch-player-stage">
          <div className="watch-missing" data-testid="watch-missing">
            <p className="watch-token-title">{name} is not on this studio</p>
            <p className="help">It may have been removed or renamed.</p>
            <button type="button" className="button" onClick={onBack}>
              See all streams
            </button>
          </div>
        </div>
      ) : needsToken ? (
        <div className="watch-player-stage">
          <PlayTokenPrompt name={name} heading={heading} onToken={(value) => setPlayToken(name, value)} />
        </div>
      ) : (
        <>
          <div className="watch-frame">
            <iframe
              key={src}
              src={src}
              title={`${heading} player`}
              allow="autoplay; fullscreen; picture-in-picture"
              allowFullScreen
              data-testid="watch-iframe"
            />
          </div>
          <div className="watch-player-meta">
            {mediaLabel(stream) && <span>{mediaLabel(stream)}</span>}
            {archive && <span>{archive}</span>}
            {!stream.live && !dvr && <span>Offline: the picture starts when the stream goes live.</span>}
            {stream.locked && (
              <span className="watch-token-note">
                <LockIcon size={12} />
                Play token kept in this browser
                <button type="button" className="link-button" data-testid="watch-forget-token" onClick={() => setPlayToken(name, null)}>
                  Forget
                </button>
              </span>
            )}
          </div>
        </>
      )}
    </section>
  );
}
