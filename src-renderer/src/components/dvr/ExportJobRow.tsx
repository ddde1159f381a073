import type { ExportJob } from '../../../../src-main/contract/export-api';
import { errorMessage } from '../../api/api-error';
import { api, exportFileUrl } from '../../api/endpoints';
import { formatBytes } from '../../lib/format';
import { formatDateTime, formatSpan } from '../../lib/timeline/clock';
import { platform } from '../../platform';
import { useStudio } from '../../store';
import { CloseIcon, DownloadIcon, ExternalIcon, FolderIcon } from '../icons';

const stateLabel: Record<ExportJob['state'], string> = {
  queued: 'Waiting',
  running: 'Exporting',
  done: 'Done',
  failed: 'Failed',
  canceled: 'Canceled',
};

/** One saved export: what, a progress bar that follows the job, and what to do with the file. */
export function ExportJobRow({ job, compact = false, onDismiss }: { job: ExportJob; compact?: boolean; onDismiss?: () => void }) {
  const cancel = useStudio((s) => s.cancelExport);
  const pushToast = useStudio((s) => s.pushToast);
  const running = job.state === 'queued' || job.state === 'running';
  const mix = job.kind === 'mix';
  const percent = Math.round((job.state === 'done' ? 1 : job.progress) * 100);
  const desktopFile = platform.kind === 'desktop' && job.file ? job.file : null;

  const native = (what: 'open' | 'reveal') => {
    if (!desktopFile) return;
    (what === 'open' ? platform.openPath(desktopFile) : platform.reveal(desktopFile)).catch((err: unknown) =>
      pushToast({ tone: 'danger', text: `${what === 'open' ? 'Could not open' : 'Could not show'} ${job.fileName ?? 'the file'}: ${errorMessage(err)}` }),
    );
  };

  return (
    <div className={`export-job${compact ? ' is-compact' : ''}`} data-testid="export-job" data-state={job.state} data-job={job.id}>
      <div className="export-job-head">
        <span className="export-job-name" title={job.file ?? job.folder}>
          {job.fileName ?? `${job.stream} · ${formatSpan(job.duration)}`}
        </span>
        <span className={`export-job-state state-${job.state}`}>
          {mix && job.state === 'running' ? 'Rendering' : stateLabel[job.state]}
          {running && job.state === 'running' ? ` ${percent}%` : ''}
        </span>
      </div>
      <div
        className={`export-progress state-${job.state}`}
        role="progressbar"
        aria-label={`${mix ? 'Render' : 'Export'} of ${job.stream}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        data-testid="export-progress"
        data-state={job.state}
      >
        <div className="export-progress-fill" style={{ width: `${job.state === 'queued' ? 0 : percent}%` }} />
      </div>
      <div className="export-job-foot">
        <span className="export-job-meta">
          {mix ? job.sources.join(' + ') : job.stream} · {formatDateTime(job.from, false)} · {formatSpan(job.duration)}
          {job.precise && !mix ? ' · precise' : ''}
          {job.totalBytes !== null ? ` · ${running ? `${formatBytes(job.bytes)} of ` : ''}${formatBytes(job.totalBytes)}` : ''}
        </span>
        <span className="export-job-actions">
          {running && (
            <button type="button" className="link-button" data-testid="export-cancel" onClick={() => void cancel(job.id).catch((err: unknown) => pushToast({ tone: 'danger', text: errorMessage(err) }))}>
              Cancel
            </button>
          )}
          {job.state === 'done' && desktopFile && (
            <>
              <button type="button" className="button button-small" data-testid="export-open" onClick={() => native('open')}>
                <ExternalIcon size={13} />
                Open
              </button>
              <button type="button" className="button button-small" data-testid="export-reveal" onClick={() => native('reveal')}>
                <FolderIcon size={13} />
                Show in folder
              </button>
            </>
          )}
          {job.state === 'done' && !desktopFile && (
            // In a browser the file is on the studio machine: bring it here.
            <a className="button button-small button-primary" href={exportFileUrl(job.id)} download={job.fileName ?? true} data-testid="export-download">
              <DownloadIcon size={13} />
              Download
            </a>
          )}
          {job.state === 'done' && (
            <button
              type="button"
              className="button button-small"
              data-testid="export-to-library"
              title="Put the file into the Library (Media → DVR exports), playable on the LAN"
              onClick={() =>
                void api
                  .exportToLibrary(job.id)
                  .then((ref) => pushToast({ tone: 'success', text: `In the Library: ${ref.path}` }))
                  .catch((err: unknown) => pushToast({ tone: 'danger', text: errorMessage(err) }))
              }
            >
              To Library
            </button>
          )}
          {onDismiss && !running && (
            <button type="button" className="icon-button" aria-label="Remove from the list (the file stays)" title="Remove from the list (the file stays)" onClick={onDismiss}>
              <CloseIcon size={12} />
            </button>
          )}
        </span>
      </div>
      {job.state === 'done' && (job.note || (job.gaps ?? 0) > 0) && (
        <p className="help help-warning export-job-note">
          {job.note ??
            (mix
              ? `${job.gaps} gap${job.gaps === 1 ? '' : 's'} in the inputs' recordings, shown as the layout's offline rule says`
              : `${job.gaps} gap${job.gaps === 1 ? '' : 's'} in the recording closed up in the file`)}
        </p>
      )}
      {job.state === 'failed' && job.error && (
        <p className="field-error export-job-note" role="alert">
          {job.error}
        </p>
      )}
    </div>
  );
}
