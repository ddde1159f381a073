import { useEffect, useState } from 'react';
import type { MixStatus } from '../../../../src-main/contract/mixer-api';
import { api } from '../../api/endpoints';
import { errorMessage } from '../../api/api-error';
import { MixerIcon } from '../icons';
import { EmptyState } from '../sections/EmptyState';
import { MixEditor } from './MixEditor';
import { NewMixDialog } from './NewMixDialog';
import { RenderDialog } from './RenderDialog';
import { RenderList } from './RenderList';

const POLL_MS = 2000;

/** The Mixer: the studio's live mixes down the side, the selected one's layout editor beside them. */
export function MixerSection() {
  const [mixes, setMixes] = useState<MixStatus[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [rendering, setRendering] = useState(false);
  /** Bumped after a change here: the list is asked again at once. */
  const [reload, setReload] = useState(0);
  const load = () => setReload((n) => n + 1);

  useEffect(() => {
    const abort = new AbortController();
    const poll = () =>
      api.mixes(abort.signal).then(
        (list) => {
          setMixes(list);
          setError(null);
          setSelected((current) => (current && list.some((m) => m.name === current) ? current : (list[0]?.name ?? null)));
        },
        (err: unknown) => !abort.signal.aborted && setError(errorMessage(err)),
      );
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, [reload]);

  const mix = mixes?.find((m) => m.name === selected) ?? null;

  return (
    <div className="mixer" data-testid="mixer">
      <div className="mixer-aside">
        <aside className="mixer-list panel">
          <div className="mixer-list-head">
            <span className="panel-title">Mixes</span>
            <button type="button" className="button button-primary" data-testid="mix-new" onClick={() => setCreating(true)}>
              New mix
            </button>
          </div>
          {error && <p className="help help-warning">{error}</p>}
          <ul className="mixer-names" hidden={!mixes || mixes.length === 0}>
            {mixes?.map((m) => (
              <li key={m.name}>
                <button type="button" className={`mixer-name${m.name === selected ? ' is-selected' : ''}`} data-testid="mix-item" data-mix={m.name} onClick={() => setSelected(m.name)}>
                  <span className={`dot dot-${m.state === 'running' ? 'ok' : m.state === 'failed' ? 'danger' : 'idle'}`} aria-hidden="true" />
                  <span className="mixer-name-text">{m.name}</span>
                  <span className="mixer-name-meta">
                    {m.layout.width}×{m.layout.height} · {m.layout.inputs.length} in
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </aside>
        <RenderList onRender={() => setRendering(true)} />
      </div>
      <section className="mixer-main">
        {mix ? (
          <MixEditor key={mix.name} mix={mix} onChanged={load} onDeleted={load} />
        ) : (
          mixes !== null && (
            <EmptyState icon={<MixerIcon size={28} />} title="No mixes yet" testId="mixer-empty">
              <p>Lay out several sources as picture-in-picture, grids or overlays; the result is a new live stream that records, plays and exports like any other. Streams already recorded can be mixed into an MP4 too.</p>
              <div className="mixer-empty-actions">
                <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
                  New mix
                </button>
                <button type="button" className="button" onClick={() => setRendering(true)}>
                  Render recordings…
                </button>
              </div>
            </EmptyState>
          )
        )}
      </section>
      {rendering && <RenderDialog mix={mix} onClose={() => setRendering(false)} onStarted={() => setRendering(false)} />}
      {creating && (
        <NewMixDialog
          onClose={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            setSelected(name);
            load();
          }}
        />
      )}
    </div>
  );
}
