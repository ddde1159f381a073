import type { StreamState } from '../../../../src-main/contract/studio-api';
import { stateTone } from '../../lib/stream-format';

/** The stream's state as a coloured chip: green live, amber reconnecting, red failed, grey idle. */
export function StateChip({ state }: { state: StreamState }) {
  const tone = stateTone(state);
  return (
    <span className={`state-chip state-${tone}`} data-testid="stream-state">
      <span className="state-dot" aria-hidden="true" />
      {state}
    </span>
  );
}
