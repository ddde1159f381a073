import { formatBytes, formatPercent } from '../../lib/format';
import { useStudio } from '../../store';

/** Below this share of free space the figure turns to the warning colour. */
const LOW_FREE_RATIO = 0.1;

export function DiskStatus() {
  const disk = useStudio((s) => s.system?.dataDir ?? null);
  if (!disk) {
    return (
      <span className="status-item status-muted" data-testid="status-disk">
        Disk –
      </span>
    );
  }

  const freeRatio = disk.totalBytes > 0 ? disk.freeBytes / disk.totalBytes : 0;
  const low = freeRatio < LOW_FREE_RATIO;
  const usedPercent = Math.min(100, Math.max(0, (1 - freeRatio) * 100));

  return (
    <span
      className={`status-item${low ? ' status-warning' : ''}`}
      data-testid="status-disk"
      data-level={low ? 'low' : 'ok'}
      title={`Data folder ${disk.path}\n${formatBytes(disk.freeBytes)} free of ${formatBytes(disk.totalBytes)} (${formatPercent(freeRatio * 100, 1)} free)`}
    >
      <span>{formatBytes(disk.freeBytes)} free</span>
      <span className="meter" aria-hidden="true">
        <span className="meter-fill" style={{ width: `${usedPercent}%` }} />
      </span>
    </span>
  );
}
