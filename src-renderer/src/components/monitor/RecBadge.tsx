import type { StreamInfo } from '../../../../src-main/contract/studio-api';

/** REC while the archive records the stream; a red warning with the reason when it cannot. */
export function RecBadge({ dvr }: { dvr: StreamInfo['dvr'] }) {
  if (dvr.error) {
    return (
      <span className="rec-badge rec-error" title={`Not recording: ${dvr.error}`} data-testid="stream-rec" data-recording="false">
        REC ✕
      </span>
    );
  }
  if (!dvr.recording) return null;
  return (
    <span className="rec-badge" title="Recording into the DVR archive" data-testid="stream-rec" data-recording="true">
      <span className="rec-dot" aria-hidden="true" />
      REC
    </span>
  );
}
