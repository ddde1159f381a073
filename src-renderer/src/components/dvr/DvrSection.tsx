import { useShallow } from 'zustand/react/shallow';
import { LoadError } from '../common/LoadError';
import { DvrIcon } from '../icons';
import { EmptyState } from '../sections/EmptyState';
import { useStudio } from '../../store';
import { DvrChooser } from './DvrChooser';
import { DvrWorkspace } from './DvrWorkspace';

/**
 * The DVR: choose one stream (or several, stacked for multi-camera) and browse its
 * recording on a timeline, play it, mark In/Out, lock and export the range.
 */
export function DvrSection() {
  const { loaded, error, count } = useStudio(useShallow((s) => ({ loaded: s.streamsLoaded, error: s.streamsError, count: s.streamNames.length })));
  const chosen = useStudio((s) => s.dvrStreams);
  const reload = useStudio((s) => s.loadStreams);

  if (chosen.length > 0) return <DvrWorkspace />;
  if (!loaded) {
    return error ? (
      <div className="page">
        <LoadError what="Streams" message={error} retry={() => void reload()} />
      </div>
    ) : (
      <p className="monitor-loading muted">Loading streams…</p>
    );
  }
  if (count === 0) {
    return (
      <EmptyState icon={<DvrIcon size={28} />} title="No recordings yet" testId="dvr-empty">
        <p>
          Everything that arrives is recorded continuously to the data folder. Once a stream is live, pick it here to scrub its timeline,
          mark in and out, and export an MP4 in seconds without re-encoding.
        </p>
      </EmptyState>
    );
  }
  return <DvrChooser />;
}
