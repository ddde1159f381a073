import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../../api/endpoints';
import { useStudio } from '../../store';
import { ExportJobRow } from '../dvr/ExportJobRow';

/** Renders taken off the list in this window (and forgotten by the studio): not shown again when the list is asked for. */
const dismissed = new Set<string>();

/**
 * The studio's offline mixes (export jobs of kind "mix"), newest first: a progress bar
 * each, cancel while they run, the file when done. Progress comes with the export events
 * as for the DVR's exports; the list is asked for when the section opens and when the
 * event socket comes back, and every couple of seconds while one runs and the socket is down.
 */
export function RenderList({ onRender }: { onRender(): void }) {
  const [hidden, setHidden] = useState(() => new Set(dismissed));
  const jobs = useStudio(
    useShallow((s) =>
      Object.values(s.exportJobs)
        .filter((j) => j.kind === 'mix' && !hidden.has(j.id))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    ),
  );
  const refresh = useStudio((s) => s.refreshExports);
  const socketOpen = useStudio((s) => s.socketState === 'open');
  const running = jobs.some((j) => j.state === 'queued' || j.state === 'running');

  useEffect(() => {
    if (socketOpen) void refresh();
  }, [socketOpen, refresh]);
  useEffect(() => {
    if (socketOpen || !running) return;
    const timer = setInterval(() => void refresh(), 2000);
    return () => clearInterval(timer);
  }, [socketOpen, running, refresh]);

  const dismiss = (id: string) => {
    dismissed.add(id);
    setHidden(new Set(dismissed));
    // A finished job is forgotten by the studio; its file stays.
    void api.cancelExport(id).catch(() => undefined);
  };

  return (
    <section className="mixer-renders panel" aria-label="Renders" data-testid="render-list">
      <div className="mixer-list-head">
        <span className="panel-title">Renders</span>
      </div>
      <button type="button" className="button button-small mixer-renders-open" onClick={onRender} data-testid="render-open" title="Mix recorded streams, as laid out in the selected mix, into an MP4">
        Render recordings…
      </button>
      {jobs.length === 0 ? (
        <p className="help mixer-renders-empty">Mixes of recorded streams, rendered to MP4 files, show here.</p>
      ) : (
        <div className="mixer-renders-jobs">
          {jobs.map((job) => (
            <ExportJobRow key={job.id} job={job} onDismiss={() => dismiss(job.id)} />
          ))}
        </div>
      )}
    </section>
  );
}
