import { useShallow } from 'zustand/react/shallow';
import { rtmpPublishBase } from '../../lib/publish-url';
import { useStudio } from '../../store';
import { MonitorIcon } from '../icons';
import { CopyField } from './CopyField';
import { EmptyState } from './EmptyState';

export function MonitorSection() {
  const { host, rtmpPort } = useStudio(
    useShallow((s) => ({ host: s.settingsView?.settings.host, rtmpPort: s.settingsView?.settings.rtmpPort })),
  );
  const base =
    host !== undefined && rtmpPort !== undefined
      ? rtmpPublishBase(host, rtmpPort, window.location.hostname)
      : 'rtmp://HOST:RTMP_PORT/live';
  const example = `ffmpeg -re -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine -c:v libx264 -preset veryfast -g 60 -c:a aac -f flv ${base}/test`;

  return (
    <EmptyState icon={<MonitorIcon size={28} />} title="No streams yet" testId="monitor-empty">
      <p>
        Every live stream will appear here with its bitrate, frame rate, keyframe interval, audio level, viewers and
        errors.
      </p>
      <p>
        Publish with OBS or ffmpeg to <code data-testid="publish-url">{base}/NAME</code>
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
          <CopyField value={example} label="ffmpeg command" />
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
