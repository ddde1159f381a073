import { useShallow } from 'zustand/react/shallow';
import { formatUptime } from '../../lib/format';
import { useStudio } from '../../store';

export function VersionStatus() {
  const { version, uptime } = useStudio(
    useShallow((s) => ({ version: s.system?.version ?? s.serverVersion, uptime: s.system?.uptime })),
  );
  if (!version) return null;
  return (
    <span className="status-item status-muted" data-testid="status-version" title="Studio version and time since it started">
      Framehouse {version}
      {uptime !== undefined && <span className="status-sub">up {formatUptime(uptime)}</span>}
    </span>
  );
}
