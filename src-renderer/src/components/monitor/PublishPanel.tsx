import { useEffect, useState } from 'react';
import type { PublishUrls, StreamConfigView } from '../../../../src-main/contract/studio-api';
import { errorMessage } from '../../api/api-error';
import { api } from '../../api/endpoints';
import { ffmpegTestCommand, listensBeyondLoopback, localizePublishUrls, withPasswordPlaceholder, withPublishKey } from '../../lib/publish-url';
import { useStudio } from '../../store';
import { CopyField } from '../sections/CopyField';
import { AlertIcon } from '../icons';

/** Where encoders send this stream: RTMP as OBS asks for it (server + key), SRT, MPEG-TS over HTTP. */
export function PublishPanel({ name, config }: { name: string; config: StreamConfigView | null }) {
  const host = useStudio((s) => s.settingsView?.settings.host);
  const openHelp = useStudio((s) => s.openHelp);
  // Ports decide the URLs: fetch again when a listener moves.
  const listeners = useStudio((s) => {
    const st = s.settingsView?.settings;
    return st ? `${st.host}|${st.httpPort}|${st.rtmpPort}|${st.srtPort}` : '';
  });
  const [urls, setUrls] = useState<{ name: string; urls: PublishUrls } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    api.publishUrls(name, abort.signal).then(
      (answer) => {
        setUrls({ name, urls: answer });
        setError(null);
      },
      (err: unknown) => {
        if (!abort.signal.aborted) setError(errorMessage(err));
      },
    );
    return () => abort.abort();
  }, [name, listeners]);

  const pulled = (config?.sources.length ?? 0) > 0;
  const closed = config !== null && !config.publishEnabled;
  const password = config?.publishPasswordSet === true;
  const current = urls?.name === name ? localizePublishUrls(urls.urls, host, window.location.hostname) : null;
  // Listening beyond this machine with a key rule: other hosts need the key in what they paste.
  const lanHost = listensBeyondLoopback(host);
  const remote = current && lanHost && current.keyForOtherHosts && !password ? withPublishKey(current, current.keyForOtherHosts) : null;

  return (
    <section className="details-section" aria-labelledby="publish-title">
      <h3 className="details-heading" id="publish-title">
        Publish
      </h3>
      {(pulled || closed) && (
        <div className="callout callout-warning">
          <AlertIcon size={16} />
          <p>
            {pulled
              ? 'This stream is pulled from its sources, so publishers are refused. Remove the sources to publish to it.'
              : 'Publishing is switched off for this stream; encoders are refused until it is switched on below.'}
          </p>
        </div>
      )}
      {error && !current && <p className="field-error">{error}</p>}
      {!current && !error && <p className="muted">Loading…</p>}
      {current && (
        <div className="publish-grid">
          <span className="publish-label">Server</span>
          <CopyField value={current.rtmp.server} label="RTMP server" testId="publish-rtmp-server" />
          <span className="publish-label">Stream key</span>
          <CopyField value={current.rtmp.key} label="stream key" testId="publish-rtmp-key" />
          {current.rtmp.key === '' && (
            <p className="help help-warning publish-note">
              RTMP needs a name of two parts or more (app/key, e.g. live/cam1): this one cannot be published over RTMP.
            </p>
          )}
          <p className="help publish-note">
            OBS: Settings › Stream › Service <em>Custom…</em>, then Server and Stream Key as above (
            <button type="button" className="link-button" data-testid="publish-obs-guide" onClick={() => openHelp('obs-guide')}>
              OBS setup guide
            </button>
            ).
            {password && (
              <>
                {' '}
                This stream has a publish password: add it to the key, <code>{current.rtmp.key}?password=…</code>
              </>
            )}
          </p>
          <span className="publish-label">RTMP URL</span>
          <CopyField value={current.rtmp.url} label="RTMP URL" testId="publish-rtmp-url" />
          <span className="publish-label">SRT</span>
          <CopyField value={current.srt} label="SRT URL" testId="publish-srt" />
          <span className="publish-label">MPEG-TS</span>
          <CopyField value={current.mpegtsHttp} label="MPEG-TS over HTTP URL" testId="publish-mpegts" />
          <p className="help publish-note">MPEG-TS over HTTP: POST or PUT the TS as the request body (ffmpeg <code>-f mpegts URL</code>).</p>
          <span className="publish-label">Smooth</span>
          <CopyField value={current.smoothHttp} label="Smooth / CMAF publishing point URL" testId="publish-smooth" />
          <p className="help publish-note">
            Fragmented MP4 over HTTP POST (Live Smooth, CMAF): ffmpeg <code>-movflags isml+frag_keyframe -f ismv URL</code>; each further bitrate as another <code>Streams(ID)</code>.
          </p>
          {remote && (
            <>
              <p className="help publish-note" data-testid="publish-lan-note">
                From another computer the studio asks for its publish key (Settings › Publishing from other hosts). Paste these instead:
              </p>
              <span className="publish-label">Key (LAN)</span>
              <CopyField value={remote.rtmp.key} label="stream key with the publish key" testId="publish-lan-rtmp-key" />
              <span className="publish-label">SRT (LAN)</span>
              <CopyField value={remote.srt} label="SRT URL with the publish key" testId="publish-lan-srt" />
              <span className="publish-label">TS (LAN)</span>
              <CopyField value={remote.mpegtsHttp} label="MPEG-TS URL with the publish key" testId="publish-lan-mpegts" />
            </>
          )}
          <span className="publish-label">ffmpeg</span>
          <CopyField
            value={ffmpegTestCommand(password ? withPasswordPlaceholder(current.rtmp.url) : current.rtmp.url)}
            label="ffmpeg test command"
            testId="publish-ffmpeg"
          />
        </div>
      )}
    </section>
  );
}
