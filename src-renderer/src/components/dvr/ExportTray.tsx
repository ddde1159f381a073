import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../../store';
import { ExportJobRow } from './ExportJobRow';

/** Exports started from this window, newest first, under the timeline until dismissed. */
export function ExportTray() {
  const jobs = useStudio(useShallow((s) => s.exportOrder.map((id) => s.exportJobs[id]).filter((j) => j !== undefined).reverse()));
  const dismiss = useStudio((s) => s.dismissExport);
  if (jobs.length === 0) return null;
  return (
    <section className="export-tray" aria-label="Exports" data-testid="export-tray">
      {jobs.slice(0, 3).map((job) => (
        <ExportJobRow key={job.id} job={job} compact onDismiss={() => dismiss(job.id)} />
      ))}
    </section>
  );
}
