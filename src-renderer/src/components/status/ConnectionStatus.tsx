import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../../store';

export function ConnectionStatus() {
  const { socketState, retryInMs, everOpened } = useStudio(
    useShallow((s) => ({ socketState: s.socketState, retryInMs: s.retryInMs, everOpened: s.everOpened })),
  );

  let text: string;
  let title: string;
  if (socketState === 'open') {
    text = 'Connected';
    title = 'Live updates from the studio are flowing';
  } else if (socketState === 'connecting') {
    text = everOpened ? 'Reconnecting…' : 'Connecting…';
    title = 'Opening the live-update channel to the studio';
  } else {
    text = everOpened ? 'Disconnected · retrying' : 'Cannot connect · retrying';
    title = `No live updates; figures may be stale.${retryInMs === null ? '' : ` Next attempt in ${(retryInMs / 1000).toFixed(1)} s.`}`;
  }

  return (
    <span className="status-item" data-testid="status-connection" data-state={socketState} title={title}>
      <span className={`dot dot-${socketState}`} aria-hidden="true" />
      <span>{text}</span>
    </span>
  );
}
