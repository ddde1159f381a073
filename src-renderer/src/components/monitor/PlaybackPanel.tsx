import { useEffect, useState } from 'react';
import { baseLabel, lanBase, offersLanBase, playbackUrls } from '../../lib/playback-urls';
import { useStudio } from '../../store';
import { CopyField } from '../sections/CopyField';
import { ExternalIcon, LockIcon } from '../icons';

const loopbackNames = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Where viewers watch this stream: the player page, HLS, MPEG-TS, the archive and
 * media info, as absolute URLs on this machine's address or, when the studio is on
 * the LAN, on its network address, so the link works on a phone or a TV.
 */
export function PlaybackPanel({ name, playToken, hasArchive }: { name: string; playToken: string | null; hasArchive: boolean }) {
  const lan = useStudio((s) => s.lan);
  const loadLan = useStudio((s) => s.loadLan);
  const host = useStudio((s) => s.settingsView?.settings.host);
  const [onLan, setOnLan] = useState(false);

  // Again whenever the bind address changes, here or in another window.
  useEffect(() => {
    void loadLan();
  }, [loadLan, host]);

  const origin = window.location.origin;
  const lanUrl = lanBase(lan);
  const canLan = offersLanBase(origin, lanUrl);
  const base = canLan && onLan ? lanUrl : origin;
  const urls = playbackUrls(base, name, { token: playToken, dvr: hasArchive });
  const localOnly = lan !== null && !lan.lan && loopbackNames.has(window.location.hostname);

  return (
    <section className="details-section" aria-labelledby="playback-title" data-testid="playback-panel" data-base={canLan && onLan ? 'lan' : 'local'}>
      <h3 className="details-heading" id="playback-title">
        Playback
      </h3>
      {canLan && (
        <div className="segmented playback-base" role="radiogroup" aria-label="Address in the links">
          <button type="button" role="radio" aria-checked={!onLan} className="segment" data-testid="playback-base-local" onClick={() => setOnLan(false)}>
            <span className="segment-label">This machine</span>
            <span className="segment-detail">{baseLabel(origin)}</span>
          </button>
          <button
            type="button"
            role="radio"
            aria-checked={onLan}
            className="segment"
            data-testid="playback-base-lan"
            title="For phones, TVs and other computers on this network"
            onClick={() => setOnLan(true)}
          >
            <span className="segment-label">LAN</span>
            <span className="segment-detail">{baseLabel(lanUrl)}</span>
          </button>
        </div>
      )}
      {playToken && (
        <p className="help playback-lock" data-testid="playback-token-note">
          <LockIcon size={13} />
          Viewers need the token; it is in these links.
        </p>
      )}
      <div className="publish-grid playback-grid">
        <span className="publish-label">Player</span>
        <CopyField value={urls.player} label="player page URL" testId="playback-player" />
        <div className="playback-actions">
          <a className="button button-small" href={urls.player} target="_blank" rel="noreferrer" data-testid="playback-open" title="Open the player page in a new window">
            <ExternalIcon size={13} />
            Open player
          </a>
          <a
            className="button button-small"
            href={urls.playerLowLatency}
            target="_blank"
            rel="noreferrer"
            data-testid="playback-open-lowlatency"
            title={`Open the player tuned for low latency: ${urls.playerLowLatency}`}
          >
            <ExternalIcon size={13} />
            Low latency
          </a>
        </div>
        <span className="publish-label">HLS</span>
        <CopyField value={urls.hls} label="HLS URL" testId="playback-hls" />
        <p className="help publish-note">Low-latency capable (LL-HLS): Safari, hls.js, most TVs.</p>
        <span className="publish-label">MPEG-TS</span>
        <CopyField value={urls.mpegts} label="MPEG-TS over HTTP URL" testId="playback-mpegts" />
        <p className="help publish-note">Over HTTP, for VLC, ffplay and set-top boxes.</p>
        {urls.dvr && (
          <>
            <span className="publish-label">DVR</span>
            <CopyField value={urls.dvr} label="DVR player URL" testId="playback-dvr" />
            <p className="help publish-note">The player over the whole archive, seekable.</p>
          </>
        )}
        <span className="publish-label">Media info</span>
        <CopyField value={urls.mediaInfo} label="media info URL" testId="playback-media-info" />
      </div>
      {localOnly && (
        <p className="help" data-testid="playback-local-only">
          These work on this machine only. To hand them to a phone or TV, allow devices on the network in Settings › LAN access.
        </p>
      )}
    </section>
  );
}
