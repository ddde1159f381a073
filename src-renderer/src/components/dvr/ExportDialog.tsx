import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ApiError, errorMessage } from '../../api/api-error';
import { directMp4Url } from '../../api/endpoints';
import { withoutBodyPrefix } from '../../lib/settings-draft';
import { formatDateTime, formatSpan, parseDateTime } from '../../lib/timeline/clock';
import { markedRange, MIN_RANGE } from '../../lib/timeline/marks';
import { useStudio } from '../../store';
import { Modal } from '../common/Modal';
import { SaveToField } from '../common/SaveToField';
import { DownloadIcon } from '../icons';
import type { DvrController } from '../../engine/dvr/dvr-controller';
import { ExportJobRow } from './ExportJobRow';

/**
 * Export the marked range as an MP4, without re-encoding: which cameras, the exact
 * range, precise or keyframe start, where to. Then the jobs' progress, and the file.
 */
export function ExportDialog({ controller, onClose }: { controller: DvrController; onClose(): void }) {
  const lanes = useStudio((s) => s.dvrStreams);
  const active = useStudio((s) => s.dvrActive);
  const marks = useStudio((s) => s.dvrMarks);
  const startExport = useStudio((s) => s.startExport);
  const marked = markedRange(marks);

  const [streams, setStreams] = useState<string[]>(() => (active ? [active] : lanes.slice(0, 1)));
  const [fromText, setFromText] = useState(() => (marked ? formatDateTime(marked.from) : ''));
  const [toText, setToText] = useState(() => (marked ? formatDateTime(marked.to) : ''));
  const [precise, setPrecise] = useState(true);
  const [folder, setFolder] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState<string[]>([]);
  const jobs = useStudio(useShallow((s) => started.map((id) => s.exportJobs[id]).filter((j) => j !== undefined)));

  // When the dialog opened: the clock for "in the future" (the server checks again when asked).
  const [openedAt] = useState(() => Date.now() / 1000);
  const reference = marked?.from ?? controller.playhead ?? openedAt;
  const from = parseDateTime(fromText, reference);
  const to = parseDateTime(toText, from ?? reference);
  const rangeError =
    from === null ? 'The start is not a date and time' : to === null ? 'The end is not a date and time' : to - from < MIN_RANGE ? 'The end must come after the start' : to > openedAt + 1 ? 'The end is in the future' : null;
  const token = useStudio((s) => (streams[0] ? (s.streamsByName[streams[0]]?.config?.playToken ?? null) : null));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || rangeError || from === null || to === null || streams.length === 0) return;
    setBusy(true);
    setError(null);
    const ids: string[] = [];
    try {
      for (const stream of streams) {
        const job = await startExport({ stream, from, duration: to - from, precise, ...(folder ? { path: folder } : {}) });
        ids.push(job.id);
      }
    } catch (err) {
      setError(err instanceof ApiError ? withoutBodyPrefix(err.detail || err.message) : errorMessage(err));
    } finally {
      setBusy(false);
      if (ids.length > 0) setStarted(ids);
    }
  };

  if (started.length > 0) {
    const allDone = jobs.length > 0 && jobs.every((j) => j.state !== 'queued' && j.state !== 'running');
    return (
      <Modal title="Export MP4" onClose={onClose} className="dialog-wide" testId="export-dialog">
        <div className="dialog-body">
          {jobs.map((job) => (
            <ExportJobRow key={job.id} job={job} />
          ))}
          {!allDone && <p className="help">Closing this keeps the export going; it stays listed under the timeline.</p>}
        </div>
        <div className="dialog-actions">
          <button type="button" className={`button${allDone ? ' button-primary' : ''}`} onClick={onClose} data-testid="export-close" autoFocus>
            {allDone ? 'Done' : 'Close'}
          </button>
        </div>
      </Modal>
    );
  }

  return (
    <Modal title="Export MP4" onClose={onClose} className="dialog-wide" testId="export-dialog" busy={busy}>
      <form className="dialog-form" onSubmit={(event) => void submit(event)} noValidate>
        <div className="dialog-body">
          {lanes.length > 1 && (
            <fieldset className="form-field export-streams">
              <legend className="field-label">Cameras</legend>
              <div className="check-list">
                {lanes.map((name) => (
                  <label key={name} className="check check-inline">
                    <input
                      type="checkbox"
                      checked={streams.includes(name)}
                      onChange={(event) => setStreams((list) => (event.target.checked ? [...list, name] : list.filter((n) => n !== name)))}
                    />
                    <span className="mono">{name}</span>
                  </label>
                ))}
              </div>
              <p className="help">One file per camera, each with the same range.</p>
            </fieldset>
          )}
          {lanes.length === 1 && (
            <p className="export-stream">
              <span className="field-label">Stream</span> <code>{lanes[0]}</code>
            </p>
          )}

          <div className="export-range">
            <div className="form-field">
              <label className="field-label" htmlFor="export-from">
                From
              </label>
              <input id="export-from" className="input input-mono" value={fromText} onChange={(e) => setFromText(e.target.value)} spellCheck={false} data-testid="export-from" />
            </div>
            <div className="form-field">
              <label className="field-label" htmlFor="export-to">
                To
              </label>
              <input id="export-to" className="input input-mono" value={toText} onChange={(e) => setToText(e.target.value)} spellCheck={false} data-testid="export-to" />
            </div>
            <div className="form-field export-length">
              <span className="field-label">Length</span>
              <span className="export-length-value" data-testid="export-length">
                {!rangeError && from !== null && to !== null ? formatSpan(to - from) : '–'}
              </span>
            </div>
          </div>
          {rangeError ? (
            <p className="field-error">{rangeError}</p>
          ) : (
            <p className="help">Local time. Gaps in the recording inside the range are closed up in the file.</p>
          )}

          <label className="export-switch">
            <button type="button" role="switch" aria-checked={precise} className="switch" onClick={() => setPrecise(!precise)} data-testid="export-precise" />
            <span>
              <span className="check-label">Precise start</span>
              <span className="help">
                {precise
                  ? 'Starts on the exact picture at From: only the pictures up to the first keyframe are re-encoded.'
                  : 'Starts at the keyframe before From: nothing is re-encoded, and the file may begin up to one keyframe interval early.'}
              </span>
            </span>
          </label>

          <SaveToField
            folder={folder}
            onFolder={setFolder}
            onError={setError}
            pickTitle="Export to"
            browserHelp={
              <>
                The file is saved in the studio’s exports folder; download it here when it is ready.
                {streams.length === 1 && from !== null && to !== null && !rangeError && (
                  <>
                    {' '}
                    Or{' '}
                    <a href={directMp4Url(streams[0]!, from, to, precise, token)} download data-testid="export-direct">
                      download it directly
                    </a>{' '}
                    (whole seconds, no job).
                  </>
                )}
              </>
            }
          />

          {error && (
            <p className="field-error" role="alert" data-testid="export-error">
              {error}
            </p>
          )}
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy || rangeError !== null || streams.length === 0} data-testid="export-start" autoFocus>
            {busy ? <span className="spinner spinner-small" aria-hidden="true" /> : <DownloadIcon size={14} />}
            Export
          </button>
        </div>
      </form>
    </Modal>
  );
}
