import { useCallback, useEffect, useState } from 'react';
import type { RecordFormat, RecordingFile, RecordingStatus, RecordRotate, RecordStart } from '../../../../src-main/contract/recording-api';
import type { StreamInfo } from '../../../../src-main/contract/studio-api';
import { errorMessage } from '../../api/api-error';
import { api, recordingFileUrl } from '../../api/endpoints';
import { formatBytes, formatUptime } from '../../lib/format';
import {
  fileStateLabel,
  formatLabel,
  isRecordFormat,
  isRotationChoice,
  newestFirst,
  recordFormats,
  recordingFileName,
  rotationChoices,
  rotateFor,
  rotationLabel,
  secondsSince,
} from '../../lib/recording-files';
import { formatStartedAt } from '../../lib/stream-format';
import { useStudio } from '../../store';
import { AlertIcon, DownloadIcon, LibraryIcon } from '../icons';

/** The newest files shown; the rest are in GET /api/recordings. */
const LIST_LIMIT = 20;
/** While recording, the list is fetched again this often: a rotation opens a new file without an event. */
const REFRESH_MS = 5000;

/** Now, once a second while `running` (the elapsed time of a recording). */
function useClock(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}

/**
 * Recording this stream to plain files (MP4, MKV, MPEG-TS) beside the archive: Record and
 * Stop with the format and rotation to use, and the stream's files, newest first, each to
 * download or send to the Library. R does the same as the button while the details are open.
 */
export function RecordingFilesPanel({ name, files, always }: { name: string; files: StreamInfo['files']; always?: { configured: boolean; recordFiles: RecordStart | null } }) {
  const format = useStudio((s) => s.recordFormat);
  const rotation = useStudio((s) => s.recordRotation);
  const setFormat = useStudio((s) => s.setRecordFormat);
  const setRotation = useStudio((s) => s.setRecordRotation);
  const busy = useStudio((s) => s.recordingBusy[name]);
  const toggle = useStudio((s) => s.toggleFileRecording);
  const version = useStudio((s) => s.recordingsVersion[name] ?? 0);
  const pushToast = useStudio((s) => s.pushToast);

  const [list, setList] = useState<{ total: number; files: RecordingFile[]; active: RecordingStatus | null } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [sending, setSending] = useState<ReadonlySet<number>>(new Set());
  const [sent, setSent] = useState<Readonly<Record<number, string>>>({});
  const [rowErrors, setRowErrors] = useState<Readonly<Record<number, string>>>({});

  const recording = files !== undefined;
  const now = useClock(recording);

  // Answers are applied in callbacks (never synchronously in the effect), as React's rules ask.
  const fetchList = useCallback(
    (signal?: AbortSignal) =>
      api.listRecordings({ stream: name, limit: LIST_LIMIT }, signal).then(
        (answer) => {
          setList({ total: answer.total, files: newestFirst(answer.files), active: answer.active.find((a) => a.stream === name) ?? null });
          setLoadError(null);
        },
        (err: unknown) => {
          if (!signal?.aborted) setLoadError(errorMessage(err));
        },
      ),
    [name],
  );

  useEffect(() => {
    const abort = new AbortController();
    void fetchList(abort.signal);
    const timer = recording ? setInterval(() => void fetchList(abort.signal), REFRESH_MS) : null;
    return () => {
      abort.abort();
      if (timer) clearInterval(timer);
    };
  }, [fetchList, version, recording]);

  const onToggle = () => {
    setActionError(null);
    toggle(name).catch((err: unknown) => setActionError(errorMessage(err)));
  };

  const toLibrary = async (file: RecordingFile) => {
    setSending((s) => new Set(s).add(file.id));
    setRowErrors(({ [file.id]: _, ...rest }) => rest);
    try {
      const ref = await api.recordingToLibrary(file.id);
      setSent((s) => ({ ...s, [file.id]: `${ref.folder}/${ref.path}` }));
      pushToast({ tone: 'success', text: `In the Library: ${ref.path}`, stream: name });
    } catch (err) {
      setRowErrors((e) => ({ ...e, [file.id]: `Not sent to the Library: ${errorMessage(err)}` }));
    } finally {
      setSending((s) => {
        const next = new Set(s);
        next.delete(file.id);
        return next;
      });
    }
  };

  const running = list?.active?.recording ? list.active : null;
  const count = list?.total ?? 0;

  return (
    <section className="details-section" aria-labelledby="rec-files-title" data-testid="rec-files" data-recording={recording}>
      <h3 className="details-heading details-heading-row" id="rec-files-title">
        Recording files
        <span className={`details-heading-count${count === 0 ? ' is-zero' : ''}`} data-testid="rec-files-count">
          {count}
        </span>
      </h3>

      <div className="rec-files-bar">
        <button
          type="button"
          className={`button button-small rec-files-toggle${recording ? ' is-recording' : ''}`}
          data-testid="rec-files-toggle"
          aria-pressed={recording}
          disabled={busy !== undefined}
          title={recording ? 'Stop recording to files; the last file is finished in the background (R)' : 'Record this stream to files until stopped (R)'}
          onClick={onToggle}
        >
          <span className="rec-files-dot" aria-hidden="true" />
          {busy === 'starting' ? 'Starting…' : busy === 'stopping' ? 'Stopping…' : recording ? 'Stop' : 'Record'}
          <kbd className="button-kbd-quiet">R</kbd>
        </button>
        {files ? (
          <span className="rec-files-live" data-testid="rec-files-live">
            <span className="rec-files-elapsed" data-testid="rec-files-elapsed" title={`Since ${formatStartedAt(files.since)}`}>
              {formatUptime(secondsSince(files.since, now))}
            </span>
            <span className="sep">·</span>
            {files.bytes === null ? (
              <span className="muted" title="A new file starts when the stream is back">
                waiting for the stream
              </span>
            ) : (
              <span className="rec-files-size" data-testid="rec-files-size" data-bytes={files.bytes}>
                {formatBytes(files.bytes)}
              </span>
            )}
            <span className="sep">·</span>
            <span className="muted">
              {formatLabel(files.format)}
              {running ? `, ${rotationLabel(running.rotate)}` : ''}
            </span>
          </span>
        ) : (
          <>
            <select
              className="input select"
              aria-label="Format of the files"
              data-testid="rec-files-format"
              value={format}
              title={recordFormats.find((f) => f.value === format)?.help}
              onChange={(event) => isRecordFormat(event.target.value) && setFormat(event.target.value)}
            >
              {recordFormats.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
            <select
              className="input select rec-files-rotation"
              aria-label="When to start a new file"
              data-testid="rec-files-rotation"
              value={rotation}
              onChange={(event) => isRotationChoice(event.target.value) && setRotation(event.target.value)}
            >
              {rotationChoices.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
          </>
        )}
      </div>
      {always?.configured && <AlwaysRecord name={name} recordFiles={always.recordFiles} request={{ format, rotate: rotateFor(rotation) }} />}

      {files?.error && (
        <div className="callout callout-danger" data-testid="rec-files-problem">
          <AlertIcon size={16} />
          <p>{files.error}</p>
        </div>
      )}
      {actionError && (
        <p className="field-error" role="alert" data-testid="rec-files-error">
          {actionError}
        </p>
      )}

      {loadError && list === null ? (
        <p className="muted">Could not list the files: {loadError}</p>
      ) : list === null ? (
        <p className="muted">Loading…</p>
      ) : list.files.length === 0 ? (
        <p className="muted" data-testid="rec-files-empty">
          No files yet. Record writes {formatLabel(format)} files beside the archive.
        </p>
      ) : (
        <ul className="rec-files plain-list">
          {list.files.map((file) => {
            const fileName = recordingFileName(file);
            // The file being written: its figures move with the streams tick.
            const live = file.state === 'recording' && files && files.bytes !== null;
            const bytes = live ? files.bytes : file.state === 'recording' ? null : file.bytes;
            const duration = live ? files.durationSeconds : file.state === 'recording' ? null : file.durationSeconds;
            const inLibrary = sent[file.id];
            return (
              <li key={file.id} className="rec-file" data-testid="rec-file" data-file={file.id} data-state={file.state}>
                <div className="rec-file-line">
                  <span className="rec-file-name" title={file.path}>
                    {fileName}
                  </span>
                  <span className={`rec-file-state state-${file.state}`} data-testid="rec-file-state">
                    {file.state === 'recording' && <span className="rec-files-dot" aria-hidden="true" />}
                    {fileStateLabel[file.state]}
                  </span>
                </div>
                <div className="rec-file-line">
                  <span className="rec-file-figures">
                    <span data-testid="rec-file-size">{bytes === null ? '–' : formatBytes(bytes)}</span>
                    <span className="sep">·</span>
                    <span data-testid="rec-file-duration">{duration === null ? '–' : formatUptime(duration)}</span>
                    <span className="sep">·</span>
                    <span title={file.startedAt}>{formatStartedAt(file.startedAt)}</span>
                    {file.sequence > 1 && (
                      <>
                        <span className="sep">·</span>
                        <span title="Its number in the recording: a new file after each rotation">part {file.sequence}</span>
                      </>
                    )}
                  </span>
                  {file.state === 'done' && (
                    <span className="rec-file-actions">
                      <a className="button button-small" href={recordingFileUrl(file.id)} download={fileName} data-testid="rec-file-download" title={`Download ${fileName}`}>
                        <DownloadIcon size={13} />
                        Download
                      </a>
                      {inLibrary ? (
                        <span className="badge badge-accent" data-testid="rec-file-in-library" title={inLibrary}>
                          In the Library
                        </span>
                      ) : (
                        <button
                          type="button"
                          className="button button-small"
                          data-testid="rec-file-to-library"
                          disabled={sending.has(file.id)}
                          title="Put the file into the Library (Media › Recordings), playable on the LAN"
                          onClick={() => void toLibrary(file)}
                        >
                          <LibraryIcon size={13} />
                          Send to Library
                        </button>
                      )}
                    </span>
                  )}
                </div>
                {file.state === 'failed' && (
                  <p className="field-error" data-testid="rec-file-error">
                    {file.error ?? 'The file could not be finished.'}
                  </p>
                )}
                {rowErrors[file.id] && (
                  <p className="field-error" role="alert">
                    {rowErrors[file.id]}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {list !== null && list.total > list.files.length && (
        <p className="help">
          The newest {list.files.length} of {list.total}.
        </p>
      )}
      {loadError && list !== null && <p className="help help-warning">Not updating: {loadError}</p>}
    </section>
  );
}

/** The stream's own setting (recordFiles): it records whenever the studio runs, in the format and rotation chosen. */
function AlwaysRecord({ name, recordFiles, request }: { name: string; recordFiles: RecordStart | null; request: { format: RecordFormat; rotate: RecordRotate | null } }) {
  const saveStream = useStudio((s) => s.saveStream);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const change = async (on: boolean) => {
    setSaving(true);
    setError(null);
    try {
      await saveStream(name, { recordFiles: on ? { format: request.format, ...(request.rotate ? { rotate: request.rotate } : {}) } : null });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <label className="check rec-files-always" title="Record to files whenever the stream is live, also after the studio restarts (as the format and rotation chosen above)">
      <input type="checkbox" data-testid="rec-files-always" checked={recordFiles !== null} disabled={saving} onChange={(e) => void change(e.target.checked)} />
      <span className="check-label">Always record{recordFiles ? ` (${formatLabel(recordFiles.format ?? 'mp4')}, ${rotationLabel(recordFiles.rotate ?? null)})` : ''}</span>
      {error && <span className="field-error">{error}</span>}
    </label>
  );
}
