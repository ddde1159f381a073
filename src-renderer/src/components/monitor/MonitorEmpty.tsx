import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../../api/endpoints';
import { ffmpegTestCommand, localizePublishUrls, prefixApp, rtmpPublishBase } from '../../lib/publish-url';
import { useStudio } from '../../store';
import { CopyField } from '../sections/CopyField';
import { EmptyState } from '../sections/EmptyState';
import { MonitorIcon } from '../icons';

/** No streams yet: how to publish one, or add one that the studio pulls. */
export function MonitorEmpty() {
  const { host, rtmpPort, prefix } = useStudio(
    useShallow((s) => ({
      host: s.settingsView?.settings.host,
      rtmpPort: s.settingsView?.settings.rtmpPort,
      prefix: s.settingsView?.settings.publishPrefix,
    })),
  );
  const app = prefixApp(prefix);
  // The server knows the port RTMP really listens on (the setting may be 0: "any free port").
  const [server, setServer] = useState<{ key: string; url: string } | null>(null);
  const key = `${host}|${rtmpPort}|${app}`;
  useEffect(() => {
    const abort = new AbortController();
    api.publishUrls(`${app}/NAME`, abort.signal).then(
      (urls) => setServer({ key, url: localizePublishUrls(urls, host, window.location.hostname).rtmp.server }),
      () => undefined,
    );
    return () => abort.abort();
  }, [key, app, host]);

  const fromSettings =
    host !== undefined && rtmpPort !== undefined && rtmpPort !== 0
      ? rtmpPublishBase(host, rtmpPort, window.location.hostname, app)
      : `rtmp://HOST:RTMP_PORT/${app}`;
  const base = server?.key === key ? server.url : fromSettings;

  return (
    <EmptyState icon={<MonitorIcon size={28} />} title="No streams yet" testId="monitor-empty">
      <p>
        Every live stream will appear here with its picture, bitrate, frame rate, keyframe interval, viewers and errors.
      </p>
      <p>
        Publish with OBS or ffmpeg to <code data-testid="publish-url">{base}/NAME</code>, or add a stream the studio
        pulls from a camera or a file (<kbd>N</kbd>).
      </p>
      <div className="empty-steps">
        <div className="empty-step">
          <span className="empty-step-label">OBS</span>
          <span>
            Settings › Stream › Custom, server <code>{base}</code>, stream key <code>NAME</code>
          </span>
        </div>
        <div className="empty-step empty-step-block">
          <span className="empty-step-label">ffmpeg test pattern</span>
          <CopyField value={ffmpegTestCommand(`${base}/test`)} label="ffmpeg command" />
        </div>
      </div>
      {host === '127.0.0.1' && (
        <p className="help">
          The studio listens on this machine only. To publish from another device, choose LAN in Settings.
        </p>
      )}
    </EmptyState>
  );
}
