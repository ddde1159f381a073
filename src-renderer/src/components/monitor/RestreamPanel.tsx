import { useState } from 'react';
import type { StreamInfo } from '../../../../src-main/contract/studio-api';
import type { PushStatus, PushTarget } from '../../../../src-main/contract/restream-api';
import { errorMessage } from '../../api/api-error';
import { formatUptime } from '../../lib/format';
import { formatBitrate } from '../../lib/stream-format';
import { platformOf, platforms, targetFrom, targetsOf, type PlatformId } from '../../lib/restream-targets';
import { useStudio } from '../../store';

const stateTone: Record<PushStatus['state'], string> = { live: 'badge-live', connecting: 'badge-warning', retrying: 'badge-danger', idle: 'badge-quiet', disabled: 'badge-quiet' };

/**
 * Where the stream is sent on (restream, OBS's multistream): each target's state, bitrate,
 * uptime and last error, a switch and a remove button; a target is added from a platform
 * and its stream key (typed into a password field) or a URL. Saved at once with PUT.
 */
export function RestreamPanel({ name, info }: { name: string; info: StreamInfo }) {
  const saveStream = useStudio((s) => s.saveStream);
  const [platform, setPlatform] = useState<PlatformId>('youtube');
  const [value, setValue] = useState('');
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const targets = targetsOf(info.config);
  const status = new Map((info.push ?? []).map((s) => [s.id, s]));

  const save = async (next: PushTarget[]) => {
    setBusy(true);
    setError(null);
    try {
      await saveStream(name, { push: next });
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const add = async () => {
    const made = targetFrom(platform, value, label);
    if ('error' in made) return setError(made.error);
    if (await save([...targets, made.target])) {
      setValue('');
      setLabel('');
    }
  };

  return (
    <section className="details-section restream" aria-label="Restream" data-testid="stream-restream">
      <h3 className="details-heading">Restream</h3>
      {!info.config ? (
        <p className="muted">Save this stream's settings first: targets belong to a configured stream.</p>
      ) : targets.length === 0 ? (
        <p className="muted">Not sent anywhere. Add YouTube, Twitch, Facebook or another server below; the stream goes out as it comes in, without re-encoding.</p>
      ) : (
        <ul className="restream-list plain-list">
          {targets.map((t, i) => {
            const s = status.get(t.id ?? '');
            const state = s?.state ?? (t.enabled === false ? 'disabled' : 'idle');
            return (
              <li key={t.id ?? i} className="restream-row" data-testid="restream-target" data-state={state}>
                <span className={`badge ${stateTone[state]}`}>{state}</span>
                <span className="restream-name">
                  <strong>{t.label || platforms[platformOf(t.url)].label}</strong>
                  <span className="cell-mono muted" title={t.url}>
                    {' '}
                    {t.url}
                  </span>
                  {s?.lastError && state !== 'live' && <span className="tone-danger restream-error">{s.lastError}</span>}
                </span>
                <span className="num muted">{state === 'live' && s ? `${formatBitrate(s.bitrate)} · ${formatUptime(s.uptimeSeconds)}` : s?.retryAt ? `retry ${new Date(s.retryAt).toLocaleTimeString()}` : ''}</span>
                <label className="check" title="Send to this target while the stream is live">
                  <input type="checkbox" aria-label={`Send to ${t.label || t.url}`} checked={t.enabled !== false} disabled={busy} onChange={(e) => void save(targets.map((x, j) => (j === i ? { ...x, enabled: e.target.checked } : x)))} />
                </label>
                <button type="button" className="button" aria-label={`Remove ${t.label || t.url}`} disabled={busy} onClick={() => void save(targets.filter((_, j) => j !== i))}>
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {info.config && targets.length < 8 && (
        <form
          className="restream-add"
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <select className="input" aria-label="Platform" data-testid="restream-platform" value={platform} onChange={(e) => {
              // A key typed for a platform is never shown in clear in the URL field that "Other server" has.
              setValue('');
              setPlatform(e.target.value as PlatformId);
            }}>
            {(Object.keys(platforms) as PlatformId[]).map((id) => (
              <option key={id} value={id}>
                {platforms[id].label}
              </option>
            ))}
          </select>
          <input
            className="input restream-value"
            data-testid="restream-value"
            type={platform === 'custom' ? 'text' : 'password'}
            autoComplete="off"
            aria-label={platform === 'custom' ? 'Target URL' : 'Stream key'}
            placeholder={platform === 'custom' ? 'rtmp://server/app/key or srt://host:port' : 'Stream key'}
            title={platforms[platform].keyHelp}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
          <input className="input input-narrow" aria-label="Label" placeholder="Label" value={label} onChange={(e) => setLabel(e.target.value)} />
          <button type="submit" className="button button-primary" data-testid="restream-add" disabled={busy}>
            Add target
          </button>
        </form>
      )}
      {error && (
        <p className="tone-danger" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
