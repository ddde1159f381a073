import { DvrIcon } from '../icons';
import { EmptyState } from './EmptyState';

export function DvrSection() {
  return (
    <EmptyState icon={<DvrIcon size={28} />} title="No recordings yet" testId="dvr-empty">
      <p>
        Everything that arrives is recorded continuously to the data folder. Pick a stream here to scrub its timeline,
        mark in and out, and export an MP4 in seconds without re-encoding.
      </p>
    </EmptyState>
  );
}
