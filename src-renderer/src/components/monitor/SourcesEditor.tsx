import { nextPriority, sourceRow, type SourceRow } from '../../lib/stream-draft';
import { CloseIcon, PlusIcon } from '../icons';

interface SourcesEditorProps {
  rows: SourceRow[];
  onChange(rows: SourceRow[]): void;
  /** Problems by row key. */
  errors: Record<number, string>;
  /** Test id of the URL inputs (the add dialog's are `add-stream-source-url`). */
  urlTestId?: string;
  /** Test id of the first row's error message. */
  errorTestId?: string;
  idPrefix: string;
}

/**
 * Source URLs with priorities: lower is preferred, the studio fails over to the
 * next and comes back when the better one works again.
 */
export function SourcesEditor({ rows, onChange, errors, urlTestId, errorTestId, idPrefix }: SourcesEditorProps) {
  const firstError = rows.find((r) => errors[r.key] !== undefined)?.key;
  const update = (key: number, change: Partial<SourceRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...change } : r)));

  return (
    <div className="sources">
      {rows.length > 0 && (
        <div className="sources-head" aria-hidden="true">
          <span>URL</span>
          <span>Priority</span>
        </div>
      )}
      {rows.map((row, index) => {
        const error = errors[row.key];
        return (
          <div className="source-row" key={row.key}>
            <div className="source-fields">
              <input
                id={index === 0 ? `${idPrefix}-source-0` : undefined}
                className="input input-mono"
                type="text"
                value={row.url}
                placeholder="rtsp://camera.local/stream1"
                spellCheck={false}
                autoComplete="off"
                aria-label={`Source ${index + 1} URL`}
                aria-invalid={error ? true : undefined}
                data-testid={urlTestId}
                onChange={(event) => update(row.key, { url: event.target.value })}
              />
              <input
                className="input input-priority"
                type="text"
                inputMode="numeric"
                value={row.priority}
                aria-label={`Source ${index + 1} priority`}
                title="Lower is preferred"
                onChange={(event) => update(row.key, { priority: event.target.value })}
              />
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove source ${index + 1}`}
                title="Remove this source"
                onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
              >
                <CloseIcon size={14} />
              </button>
            </div>
            {error && (
              <p className="field-error" role="alert" data-testid={row.key === firstError ? errorTestId : undefined}>
                {error}
              </p>
            )}
          </div>
        );
      })}
      <div>
        <button type="button" className="button button-small" onClick={() => onChange([...rows, sourceRow('', nextPriority(rows))])}>
          <PlusIcon size={13} />
          {rows.length === 0 ? 'Add a source to pull' : 'Add a fallback source'}
        </button>
      </div>
    </div>
  );
}

/** What each kind of source URL looks like. */
export function SourcesHelp() {
  return (
    <p className="help">
      Leave empty for a stream that OBS or ffmpeg publishes to. To pull instead: <code>rtsp://</code>,{' '}
      <code>rtmp://</code>, <code>srt://</code>, <code>http(s)://…m3u8</code>, <code>udp://</code>, or{' '}
      <code>file://clips/intro.mp4</code> from the media folder. Lower priority is preferred; the others are fallbacks.
    </p>
  );
}
