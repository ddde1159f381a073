import type { StreamInfo } from '../../../../src-main/contract/studio-api';
import { formatLabel } from '../../lib/recording-files';
import { formatStartedAt } from '../../lib/stream-format';

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

/**
 * REC FILE while the stream records to plain files (Record in the details, a session in the
 * DVR): laid over the picture's corner and filled, where the archive's REC sits outlined by
 * the state, so the two never read as one.
 */
export function FileRecBadge({ files }: { files: StreamInfo['files'] }) {
  if (!files) return null;
  const what = `Recording to ${formatLabel(files.format)} files since ${formatStartedAt(files.since)}${files.session ? ' (a DVR session)' : ''}`;
  const title = files.error ? `${what}: ${files.error}` : files.bytes === null ? `${what}; waiting for the stream, a new file starts when it is back` : what;
  return (
    <span
      className={`rec-badge rec-badge-file${files.error ? ' rec-error' : ''}${files.bytes === null ? ' is-waiting' : ''}`}
      title={title}
      aria-label={title}
      data-testid="stream-rec-file"
      data-format={files.format}
    >
      <span className="rec-badge-file-mark" aria-hidden="true" />
      REC FILE
    </span>
  );
}
