import { useShallow } from 'zustand/react/shallow';
import { formatBytes, formatPercent } from '../../lib/format';
import { useStudio } from '../../store';

export function CpuStatus() {
  const { cpu, memory, platformName } = useStudio(
    useShallow((s) => ({ cpu: s.system?.cpu, memory: s.system?.memory, platformName: s.system?.platform })),
  );
  if (!cpu || !memory) return null;

  // Windows has no load average (always 0): show only the studio's own share there.
  const hasLoad = platformName !== 'win32';
  // More runnable work than cores means encodes and ingest start to queue.
  const overloaded = hasLoad && cpu.cores > 0 && cpu.load1 > cpu.cores;
  const title = [
    hasLoad
      ? `Load average ${cpu.load1.toFixed(2)} over the last minute on ${cpu.cores} cores`
      : `${cpu.cores} cores`,
    `Studio process ${formatPercent(cpu.processPercent, 1)} CPU, ${formatBytes(memory.rssBytes)} memory`,
    `Machine memory ${formatBytes(memory.freeBytes)} free of ${formatBytes(memory.totalBytes)}`,
  ].join('\n');

  return (
    <span className={`status-item${overloaded ? ' status-warning' : ''}`} data-testid="status-cpu" title={title}>
      {hasLoad ? `Load ${cpu.load1.toFixed(2)}` : 'CPU'}
      <span className="status-sub">
        {hasLoad ? `${cpu.cores} cores · ` : ''}studio {formatPercent(cpu.processPercent, 1)}
      </span>
    </span>
  );
}
