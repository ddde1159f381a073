import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { PublishUrls } from '../../../../src-main/contract/studio-api';
import { api } from '../../api/endpoints';
import { dialHost, listensBeyondLoopback, localizePublishUrls, prefixApp, rtmpPublishBase, withPublishKey } from '../../lib/publish-url';
import { useStudio } from '../../store';
import { CopyField } from '../sections/CopyField';

/** The stream the guide names: live/obs with the default publish prefix. */
const key = 'obs';

/**
 * Step by step from a fresh OBS to a live stream in the Monitor: the server and key to
 * paste (the same URLs the Publish panel shows, from the server), and the output settings
 * that make the archive cut cleanly.
 */
export function ObsGuide({ onOpenMonitor }: { onOpenMonitor?: () => void }) {
  const { host, rtmpPort, prefix, segmentSeconds, listeners } = useStudio(
    useShallow((s) => {
      const st = s.settingsView?.settings;
      return {
        host: st?.host,
        rtmpPort: st?.rtmpPort,
        prefix: st?.publishPrefix,
        segmentSeconds: st?.dvrSegmentSeconds ?? 2,
        // Ports decide the URLs: fetch again when a listener moves.
        listeners: st ? `${st.host}|${st.httpPort}|${st.rtmpPort}|${st.srtPort}|${st.publishPrefix}` : '',
      };
    }),
  );
  const app = prefixApp(prefix);
  const [urls, setUrls] = useState<PublishUrls | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    api.publishUrls(`${app}/${key}`, abort.signal).then(
      (answer) => setUrls(localizePublishUrls(answer, host, window.location.hostname)),
      () => setUrls(null),
    );
    return () => abort.abort();
  }, [app, host, listeners]);

  const pageHost = window.location.hostname;
  // The server knows the port RTMP really listens on (the setting may be 0, or the port may have moved).
  const server =
    urls?.rtmp.server ??
    (host !== undefined && rtmpPort !== undefined && rtmpPort !== 0 ? rtmpPublishBase(host, rtmpPort, pageHost, app) : `rtmp://${host === undefined ? pageHost : dialHost(host, pageHost)}:RTMP_PORT/${app}`);
  const streamKey = urls?.rtmp.key || key;
  // Listening beyond this machine with a key rule: OBS on another host needs the studio key in its stream key.
  const lanKey = urls && listensBeyondLoopback(host) && urls.keyForOtherHosts ? withPublishKey(urls, urls.keyForOtherHosts).rtmp.key : null;

  return (
    <ol className="guide-steps" data-testid="obs-guide">
      <li className="guide-step">
        <span className="guide-step-title">Add the studio as a custom server</span>
        <p>
          In OBS open <b>Settings › Stream</b> and choose Service <b>Custom…</b>
        </p>
        <div className="guide-fields">
          <span className="guide-label">Server</span>
          <CopyField value={server} label="RTMP server" testId="obs-guide-server" />
          <span className="guide-label">Stream key</span>
          <CopyField value={streamKey} label="stream key" testId="obs-guide-key" />
          <p className="help guide-note">
            Any name works as the key: each name is its own stream, here <code>{`${app}/${key}`}</code>.
          </p>
          {lanKey && (
            <>
              <span className="guide-label">From another PC</span>
              <div>
                <CopyField value={lanKey} label="stream key with the studio publish key" testId="obs-guide-lan-key" />
                <p className="help">OBS on another computer adds the studio publish key to the stream key.</p>
              </div>
            </>
          )}
        </div>
      </li>
      <li className="guide-step">
        <span className="guide-step-title">Set the output</span>
        <p>
          <b>Settings › Output</b>, Output Mode <b>Advanced</b>, Streaming tab:
        </p>
        <dl className="guide-facts">
          <dt>Keyframe Interval</dt>
          <dd>
            <b>{segmentSeconds} s</b>: the archive cuts its segments on keyframes
          </dd>
          <dt>Rate Control</dt>
          <dd>
            <b>CBR</b>, e.g. 6000 Kbps for 1080p
          </dd>
          <dt>Encoder</dt>
          <dd>
            <b>x264</b>, or the hardware one (NVIDIA NVENC, Intel QuickSync, AMD AMF, Apple VT)
          </dd>
        </dl>
      </li>
      <li className="guide-step">
        <span className="guide-step-title">Start Streaming</span>
        <p>
          <code>{`${app}/${key}`}</code> appears in the{' '}
          {onOpenMonitor ? (
            <button type="button" className="link-button" onClick={onOpenMonitor}>
              Monitor
            </button>
          ) : (
            'Monitor'
          )}{' '}
          within seconds, with its picture and health, and the DVR records it from the first second.
        </p>
      </li>
    </ol>
  );
}
