import { useStudio } from '../../store';
import { ConnectionStatus } from '../status/ConnectionStatus';
import { CpuStatus } from '../status/CpuStatus';
import { DiskStatus } from '../status/DiskStatus';
import { FfmpegStatusItem } from '../status/FfmpegStatusItem';
import { VersionStatus } from '../status/VersionStatus';

export function StatusBar() {
  const stale = useStudio((s) => s.socketState !== 'open' && s.everOpened);
  return (
    <footer className={`statusbar${stale ? ' is-stale' : ''}`} aria-label="Studio status">
      <ConnectionStatus />
      <DiskStatus />
      <FfmpegStatusItem />
      <span className="statusbar-spacer" />
      <CpuStatus />
      <VersionStatus />
    </footer>
  );
}
