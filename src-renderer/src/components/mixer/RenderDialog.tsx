import { useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ExportJob } from '../../../../src-main/contract/export-api';
import type { MixLayout, MixRenderRequest, MixStatus } from '../../../../src-main/contract/mixer-api';
import { ApiError, errorMessage } from '../../api/api-error';
import { api } from '../../api/endpoints';
import { commonSpan, defaultRenderFrom, madeSource, presetLabels, presetLayout, scaleLayout, type RecordedSpan } from '../../lib/mix-layout';
import { withoutBodyPrefix } from '../../lib/settings-draft';
import { formatClock, formatDateTime, formatDay, formatSpan, parseDateTime, toDatetimeLocal } from '../../lib/timeline/clock';
import { useStudio } from '../../store';
import { Modal } from '../common/Modal';
import { SaveToField } from '../common/SaveToField';

/** The presets a render of two streams offers when no mix lends its layout. */
const renderPresets = ['side-by-side', 'pip-br'] as const;
type RenderPreset = (typeof renderPresets)[number];

const units = { s: 1, min: 60 } as const;
type Unit = keyof typeof units;

/** A canvas side: even, within the mixer's limits. */
const canvasProblem = (width: number, height: number, fps: number): string | null => {
  if (!Number.isInteger(width) || width < 64 || width > 3840 || width % 2 !== 0) return 'The width must be an even number of pixels from 64 to 3840';
  if (!Number.isInteger(height) || height < 64 || height > 2160 || height % 2 !== 0) return 'The height must be an even number of pixels from 64 to 2160';
  if (!Number.isInteger(fps) || fps < 1 || fps > 60) return 'The frame rate must be a whole number from 1 to 60';
  return null;
};

/**
 * Render recordings as a mix, offline, to an MP4: a stretch of the recorded streams laid out
 * as the selected mix is (each box's source any recorded stream), or as a preset of two;
 * the file is a saved export job that the Renders list follows.
 */
export function RenderDialog({ mix: selectedMix, onClose, onStarted }: { mix: MixStatus | null; onClose(): void; onStarted(job: ExportJob): void }) {
  // The mix as it was when the dialog opened: the section's poll brings a new object every few seconds.
  const [mix] = useState(selectedMix);
  const applyExportJob = useStudio((s) => s.applyExportJob);
  const [spans, setSpans] = useState<RecordedSpan[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  /** A mix's layout: each box's source, in input order. */
  const [sources, setSources] = useState<string[]>([]);
  /** No mix: a preset of two streams. */
  const [preset, setPreset] = useState<RenderPreset>('side-by-side');
  const [pair, setPair] = useState<[string, string]>(['', '']);
  const [width, setWidth] = useState(mix?.layout.width ?? 1280);
  const [height, setHeight] = useState(mix?.layout.height ?? 720);
  const [fps, setFps] = useState(mix?.layout.fps ?? 30);
  const [length, setLength] = useState(60);
  const [unit, setUnit] = useState<Unit>('s');
  /** Null until the start is typed: it follows the streams and the length chosen. */
  const [fromText, setFromText] = useState<string | null>(null);
  const [name, setName] = useState(mix?.name ?? 'live/render');
  const [folder, setFolder] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [openedAt] = useState(() => Date.now() / 1000);

  useEffect(() => {
    const abort = new AbortController();
    api.recordedStreams(abort.signal).then(
      (list) => {
        // The most recently recorded first: what a render most likely wants.
        const recorded = [...list].sort((a, b) => b.to - a.to).map((s) => s.stream);
        // Each box keeps its own stream when that was recorded; else the first recorded one it does not show yet.
        // (A colour card or the clock is made by the mixer: it stays as it is.)
        const own = mix?.layout.inputs.map((input) => (madeSource(input.source) || recorded.includes(input.source) ? input.source : null)) ?? [];
        const spare = recorded.filter((s) => !own.includes(s));
        const chosen = own.map((s) => s ?? spare.shift() ?? recorded[0] ?? '');
        const two: [string, string] = [recorded[0] ?? '', recorded[1] ?? recorded[0] ?? ''];
        // A minute, or all of the time the streams were recorded together when that is shorter.
        const common = commonSpan(list, mix ? chosen : two);
        if (common && common.to - common.from < 60) setLength(Math.max(1, Math.floor(common.to - common.from)));
        setSpans(list);
        setSources(chosen);
        setPair(two);
      },
      (err: unknown) => !abort.signal.aborted && setLoadError(errorMessage(err)),
    );
    return () => abort.abort();
  }, [mix]);

  const recorded = spans?.map((s) => s.stream).sort() ?? [];
  // The streams whose recordings the render reads (not the cards and clocks the mixer makes).
  const chosen = (mix ? sources : pair).filter((source) => !madeSource(source));
  const duration = length * units[unit];
  const common = spans ? commonSpan(spans, chosen) : null;
  const autoFrom = spans && Number.isFinite(duration) && duration > 0 ? defaultRenderFrom(spans, chosen, duration) : null;
  const shownFrom = fromText ?? (autoFrom !== null ? toDatetimeLocal(autoFrom) : '');
  const from = parseDateTime(shownFrom, openedAt);
  const noRecording = chosen.filter((s) => !spans?.some((span) => span.stream === s));

  const problem =
    spans === null
      ? null
      : recorded.length === 0
        ? 'Nothing is recorded yet: streams record while they are live.'
        : chosen.length === 0
          ? 'The mix has no inputs to render.'
          : chosen.some((s) => s === '')
            ? 'Choose a recorded stream for every box.'
            : !Number.isFinite(duration) || duration <= 0
              ? 'The length must be more than 0.'
              : from === null
                ? 'The start is not a date and time.'
                : from > openedAt
                  ? 'The start is in the future.'
                  : (canvasProblem(width, height, fps) ?? null);

  const layout = (): MixLayout => {
    if (mix) {
      const inputs = mix.layout.inputs.map((input, i) => ({ ...input, source: sources[i] ?? input.source }));
      return { ...scaleLayout({ ...mix.layout, inputs }, width, height), fps };
    }
    return presetLayout(preset, pair, { width, height, fps, background: '#101010' });
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (busy || spans === null || problem !== null || from === null) return;
    setBusy(true);
    setError(null);
    const body: MixRenderRequest = { name: name.trim(), from, duration, ...layout(), ...(folder ? { path: folder } : {}) };
    try {
      const job = await api.renderMix(body);
      applyExportJob(job);
      onStarted(job);
    } catch (err) {
      // The studio's own words: "none of live/a, live/b has a recording between …".
      setError(err instanceof ApiError ? withoutBodyPrefix(err.detail || err.message) : errorMessage(err));
      setBusy(false);
    }
  };

  // Enter renders from any field (a select too), not from a button, which has its own Enter.
  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return;
    const tag = (event.target as HTMLElement).tagName;
    if (tag === 'BUTTON' || tag === 'A' || tag === 'TEXTAREA') return;
    event.preventDefault();
    void submit();
  };

  const streamSelect = (value: string, onChange: (v: string) => void, label: string, testId: string) => (
    <select className="input select input-mono" value={value} onChange={(e) => onChange(e.target.value)} aria-label={label} data-testid={testId}>
      {value === '' && <option value="">Choose…</option>}
      {recorded.map((s) => (
        <option key={s} value={s}>
          {s}
        </option>
      ))}
    </select>
  );

  const preview = spans && recorded.length > 0 && !canvasProblem(width, height, fps) ? layout() : null;

  return (
    <Modal title="Render recordings" onClose={onClose} className="dialog-wide render-dialog" testId="render-dialog" busy={busy}>
      <form className="dialog-form" onSubmit={(event) => void submit(event)} onKeyDown={onKeyDown} noValidate>
        <div className="dialog-body">
          {loadError && <p className="field-error">Could not list the recordings: {loadError}</p>}
          {spans === null && !loadError && <p className="help">Looking for recordings…</p>}
          {spans !== null && (
            <>
              <div className="render-layout">
                <div className="render-sources">
                  {mix ? (
                    <>
                      <span className="field-label">
                        Layout of <code>{mix.name}</code>
                      </span>
                      {mix.layout.inputs.map((input, i) => (
                        <div key={i} className="render-source">
                          <span className="render-source-index">{i + 1}</span>
                          {madeSource(input.source) ? (
                            <span className="muted">{madeSource(input.source) === 'clock' ? 'Clock (the recording’s time)' : `Colour card ${input.source.slice(7)}`}</span>
                          ) : (
                            streamSelect(sources[i] ?? '', (v) => setSources((list) => list.map((s, j) => (j === i ? v : s))), `Box ${i + 1}: recorded stream`, 'render-source')
                          )}
                        </div>
                      ))}
                    </>
                  ) : (
                    <>
                      <span className="field-label">Layout</span>
                      <div className="segmented render-preset" role="radiogroup" aria-label="Layout">
                        {renderPresets.map((p) => (
                          <button key={p} type="button" role="radio" aria-checked={preset === p} className="segment" onClick={() => setPreset(p)} data-testid={`render-preset-${p}`}>
                            <span className="segment-label">{presetLabels[p]}</span>
                          </button>
                        ))}
                      </div>
                      {([0, 1] as const).map((i) => (
                        <div key={i} className="render-source">
                          <span className="render-source-index">{i + 1}</span>
                          {streamSelect(pair[i], (v) => setPair((two) => (i === 0 ? [v, two[1]] : [two[0], v])), i === 0 ? (preset === 'pip-br' ? 'Full picture' : 'Left') : preset === 'pip-br' ? 'Inset picture' : 'Right', 'render-source')}
                        </div>
                      ))}
                    </>
                  )}
                </div>
                {preview && <LayoutThumb layout={preview} />}
              </div>

              <div className="render-range">
                <div className="form-field">
                  <label className="field-label" htmlFor="render-from">
                    From
                  </label>
                  <input id="render-from" className="input input-mono" type="datetime-local" step={1} value={shownFrom} onChange={(e) => setFromText(e.target.value)} data-testid="render-from" />
                </div>
                <div className="form-field">
                  <label className="field-label" htmlFor="render-length">
                    Length
                  </label>
                  <div className="input-row">
                    <input
                      id="render-length"
                      className="input input-mono render-number"
                      type="number"
                      min={1}
                      step={1}
                      value={Number.isFinite(length) ? length : ''}
                      onChange={(e) => setLength(e.target.valueAsNumber)}
                      data-testid="render-length"
                    />
                    <select className="input select render-unit" value={unit} onChange={(e) => setUnit(e.target.value === 'min' ? 'min' : 's')} aria-label="Unit" data-testid="render-unit">
                      <option value="s">seconds</option>
                      <option value="min">minutes</option>
                    </select>
                  </div>
                </div>
              </div>
              <p className="help" data-testid="render-span">
                {common
                  ? `${chosen.length > 1 ? 'Recorded together' : 'Recorded'} ${formatDateTime(common.from, false)} – ${formatDay(common.to) === formatDay(common.from) ? formatClock(common.to, false) : formatDateTime(common.to, false)} (${formatSpan(common.to - common.from)}). Local time.`
                  : noRecording.length > 0 && !chosen.includes('')
                    ? `${noRecording.join(', ')} ${noRecording.length === 1 ? 'has' : 'have'} no recording.`
                    : chosen.length > 1 && !chosen.includes('')
                      ? 'These streams were never recorded at the same time: where one has nothing, its box shows as the layout says for no signal.'
                      : 'Local time.'}
                {common && from !== null && duration > 0 && (from < common.from - 0.5 || from + duration > common.to + 0.5) && ' Part of this range is outside it: a box with no recording there shows as the layout says for no signal.'}
              </p>

              <div className="render-canvas">
                <label className="form-field">
                  <span className="field-label">Width</span>
                  <input className="input input-mono render-number" type="number" step={2} min={64} max={3840} value={Number.isFinite(width) ? width : ''} onChange={(e) => setWidth(e.target.valueAsNumber)} data-testid="render-width" />
                </label>
                <label className="form-field">
                  <span className="field-label">Height</span>
                  <input className="input input-mono render-number" type="number" step={2} min={64} max={2160} value={Number.isFinite(height) ? height : ''} onChange={(e) => setHeight(e.target.valueAsNumber)} data-testid="render-height" />
                </label>
                <label className="form-field">
                  <span className="field-label">Frame rate</span>
                  <input className="input input-mono render-number" type="number" step={1} min={1} max={60} value={Number.isFinite(fps) ? fps : ''} onChange={(e) => setFps(e.target.valueAsNumber)} data-testid="render-fps" />
                </label>
                <label className="form-field render-name">
                  <span className="field-label">File named after</span>
                  <input className="input input-mono" value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} data-testid="render-name" />
                </label>
              </div>
              {mix && (width !== mix.layout.width || height !== mix.layout.height) && Number.isFinite(width) && Number.isFinite(height) && (
                <p className="help">The boxes are scaled from {mix.layout.width}×{mix.layout.height} to the new canvas.</p>
              )}

              <SaveToField folder={folder} onFolder={setFolder} onError={setError} pickTitle="Render to" browserHelp={<>The studio’s exports folder; download the file from the Renders list when it is ready.</>} />
            </>
          )}

          {(problem ?? error) && (
            <p className="field-error" role="alert" data-testid="render-error">
              {error ?? problem}
            </p>
          )}
        </div>
        <div className="dialog-actions">
          <span className="help render-keys">Enter renders · Esc closes</span>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy || spans === null || problem !== null} data-testid="render-start">
            {busy && <span className="spinner spinner-small" aria-hidden="true" />}
            Render
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The layout drawn small: where each numbered box goes on the canvas. */
function LayoutThumb({ layout }: { layout: MixLayout }) {
  const order = layout.inputs.map((input, i) => ({ input, i })).sort((a, b) => (a.input.z ?? a.i) - (b.input.z ?? b.i) || a.i - b.i);
  const pct = (n: number, of: number) => `${(n / of) * 100}%`;
  return (
    <div className="render-thumb" style={{ aspectRatio: `${layout.width} / ${layout.height}`, background: layout.background ?? '#101010' }} aria-hidden="true" data-testid="render-thumb">
      {order.map(({ input, i }) => (
        <div
          key={i}
          className="render-thumb-box"
          style={{ left: pct(input.x, layout.width), top: pct(input.y, layout.height), width: pct(input.w, layout.width), height: pct(input.h, layout.height), opacity: input.opacity ?? 1 }}
        >
          {i + 1}
        </div>
      ))}
    </div>
  );
}
