import { MixerIcon } from '../icons';
import { EmptyState } from './EmptyState';

export function MixerSection() {
  return (
    <EmptyState icon={<MixerIcon size={28} />} title="No mixes yet" testId="mixer-empty">
      <p>
        Lay out several sources as picture-in-picture, grids or overlays; the result becomes a new live stream, encoded
        on the GPU when this machine has one.
      </p>
    </EmptyState>
  );
}
