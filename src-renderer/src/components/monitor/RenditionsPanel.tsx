import { useState } from 'react';
import type { StreamInfo } from '../../../../src-main/contract/studio-api';
import type { RenditionStatus, TranscodeConfig } from '../../../../src-main/contract/transcode-api';
import { errorMessage } from '../../api/api-error';
import { formatBitrate } from '../../lib/stream-format';
import { ladderConfigFrom, ladderDraftFrom, maxRungs, sameLadder, suggestedLadder, type LadderDraft } from '../../lib/ladder-draft';
import { useStudio } from '../../store';
import { EncoderOptions } from '../common/EncoderOptions';

const stateLabel: Record<RenditionStatus['state'], string> = { running: 'running', starting: 'starting', queued: 'queued', failed: 'failed', idle: 'idle' };

/**
 * The stream's ABR ladder: each rendition as it runs (encoder, speed, frames, latency,
 * and why it left a GPU encoder), and the ladder itself, edited and saved with PUT.
 */
export function RenditionsPanel({ name, info }: { name: string; info: StreamInfo }) {
  const configured = info.config?.transcode ?? null;
  const rows = info.renditions?.list ?? [];
  return (
    <section className="details-section renditions" aria-label="Renditions" data-testid="stream-renditions">
      <h3 className="details-heading">Renditions</h3>
      {info.renditions?.problem && <p className="tone-danger" data-testid="renditions-problem">{info.renditions.problem}</p>}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-dense" data-testid="renditions-table">
            <thead>
              <tr>
                <th>Rendition</th>
                <th>Encoder</th>
                <th className="num">fps</th>
                <th className="num">Speed</th>
                <th className="num">Dropped</th>
                <th className="num">Latency</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.name} data-state={r.state} data-testid="rendition-row" data-rendition={r.name}>
                  <td>
                    <span className="cell-mono">{r.width ? `${r.width}×${r.height}` : r.name}</span>
                    {r.videoBitrate > 0 && <span className="muted"> · {formatBitrate(r.videoBitrate)}</span>}
                    {r.state !== 'running' && <span className={`badge ${r.state === 'failed' || r.state === 'queued' ? 'badge-warning' : 'badge-quiet'} rendition-state`}>{stateLabel[r.state]}</span>}
                  </td>
                  <td title={r.reason ?? undefined}>
                    <span className="cell-mono">{r.encoder ?? '–'}</span>
                    {r.fallbackFrom && (
                      <span className="tone-warning" data-testid="rendition-fallback">
                        {' '}
                        ← {r.fallbackFrom}
                      </span>
                    )}
                  </td>
                  <td className="num">{r.fps > 0 ? r.fps.toFixed(0) : '–'}</td>
                  <td className={`num${r.speed > 0 && r.speed < 1 ? ' tone-danger' : ''}`}>{r.speed > 0 ? `${r.speed.toFixed(2)}×` : '–'}</td>
                  <td className={`num${r.droppedFrames > 0 ? ' tone-warning' : ''}`}>{r.droppedFrames}</td>
                  <td className="num">{r.latencyMs > 0 ? `${(r.latencyMs / 1000).toFixed(1)} s` : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.some((r) => r.reason) && (
            <ul className="plain-list help" data-testid="renditions-reasons">
              {[...new Set(rows.map((r) => r.reason).filter((x): x is string => x !== null))].map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        <p className="muted">{configured ? 'The ladder starts when the stream is live.' : 'Source only: no renditions are made.'}</p>
      )}
      <LadderEditor name={name} configured={configured} />
    </section>
  );
}

function LadderEditor({ name, configured }: { name: string; configured: TranscodeConfig | null }) {
  const saveStream = useStudio((s) => s.saveStream);
  const ffmpeg = useStudio((s) => s.ffmpeg);
  const [base, setBase] = useState(configured);
  const [draft, setDraft] = useState<LadderDraft>(() => ladderDraftFrom(configured));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const built = ladderConfigFrom(draft);
  const dirty = !('config' in built) || !sameLadder(built.config, base);
  // Saved elsewhere while untouched here: follow it.
  if (!sameLadder(configured, base) && !dirty) {
    setBase(configured);
    setDraft(ladderDraftFrom(configured));
  }
  const encoders = ffmpeg?.available ? ffmpeg.encoders.filter((e) => e.codec === 'h264') : null;
  const setRow = (i: number, change: Partial<LadderDraft['rows'][number]>) => setDraft({ ...draft, rows: draft.rows.map((r, j) => (j === i ? { ...r, ...change } : r)) });

  const save = async () => {
    if (!('config' in built)) return setError(built.error);
    setSaving(true);
    setError(null);
    try {
      await saveStream(name, { transcode: built.config });
      setBase(built.config);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="ladder-editor" data-testid="ladder-editor">
      {draft.rows.map((row, i) => (
        <div className="ladder-row" key={i}>
          <input className="input input-narrow" aria-label={`Rendition ${i + 1} height`} inputMode="numeric" value={row.height} onChange={(e) => setRow(i, { height: e.target.value })} />
          <span className="muted">p at</span>
          <input className="input input-narrow" aria-label={`Rendition ${i + 1} bitrate`} value={row.videoBitrate} onChange={(e) => setRow(i, { videoBitrate: e.target.value })} />
          <button type="button" className="button" aria-label={`Remove rendition ${i + 1}`} onClick={() => setDraft({ ...draft, rows: draft.rows.filter((_, j) => j !== i) })}>
            ×
          </button>
        </div>
      ))}
      <div className="ladder-actions">
        {draft.rows.length === 0 ? (
          <button type="button" className="button" data-testid="ladder-suggest" onClick={() => setDraft({ ...draft, rows: suggestedLadder.map((r) => ({ ...r })) })}>
            Add a ladder (720p / 480p / 360p)
          </button>
        ) : (
          draft.rows.length < maxRungs && (
            <button type="button" className="button" onClick={() => setDraft({ ...draft, rows: [...draft.rows, { height: '240', videoBitrate: '400k' }] })}>
              Add rendition
            </button>
          )
        )}
        <label className="ladder-encoder">
          <span className="muted">Encoder</span>
          <select className="input" aria-label="Encoder" data-testid="ladder-encoder" value={draft.encoder} onChange={(e) => setDraft({ ...draft, encoder: e.target.value })}>
            <EncoderOptions encoders={encoders} current={draft.encoder} />
          </select>
        </label>
        {draft.rows.length > 0 && (
          <label className="check" title="Each rendition is archived as a stream of its own (NAME/720p): DVR playlists and exports can then pick it">
            <input type="checkbox" data-testid="ladder-record" checked={draft.record} onChange={(e) => setDraft({ ...draft, record: e.target.checked })} />
            <span>Record renditions</span>
          </label>
        )}
        <button type="button" className="button button-primary" data-testid="ladder-save" disabled={!dirty || saving} onClick={() => void save()}>
          {saving ? 'Saving…' : draft.rows.length === 0 && base ? 'Remove ladder' : 'Save ladder'}
        </button>
      </div>
      {error && (
        <p className="tone-danger" role="alert" data-testid="ladder-error">
          {error}
        </p>
      )}
    </div>
  );
}
