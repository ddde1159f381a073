import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import Moveable from 'react-moveable';
import type { MixInput, MixLayout, MixScene, MixStatus } from '../../../../src-main/contract/mixer-api';
import { api } from '../../api/endpoints';
import { errorMessage } from '../../api/api-error';
import { applyPreset, boxLook, cropEdges, edit, historyOf, madeSource, placeBox, presetLabels, redo, restack, sameLayout, undo, withBorder, withCrop, type History, type Preset } from '../../lib/mix-layout';
import { useStudio } from '../../store';
import { LivePreview } from '../monitor/LivePreview';
import { StreamPreview } from '../monitor/StreamPreview';

const presets = Object.keys(presetLabels) as Preset[];

/** A slider from 0 to `max` in 5% steps, its value beside it in per cent. */
function Fader({ value, max, label, testId, onChange }: { value: number; max: number; label: string; testId?: string; onChange: (value: number) => void }) {
  return (
    <>
      <input type="range" className="mix-fader" min={0} max={max} step={0.05} value={value} aria-label={label} data-testid={testId} onChange={(e) => onChange(e.target.valueAsNumber)} />
      <span className="mix-volume">{Math.round(value * 100)}%</span>
    </>
  );
}

/** The time of day, as a clock input shows it on the output (the studio's clock draws the real one). */
function Clock() {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  return <span>{now.toLocaleTimeString([], { hour12: false })}</span>;
}
const offlineChoices = ['last-frame', 'slate', 'background'] as const satisfies readonly NonNullable<MixLayout['offline']>[];
/** The snapping grid, in canvas pixels: a sixteenth of the width. */
const gridDivisions = 16;

/**
 * The layout editor of one mix, as OBS's scene editor: boxes on a scaled canvas with
 * each input's picture, dragged and resized with snapping (canvas edges, centre lines,
 * other boxes, a grid), nudged with the arrow keys; an inspector for exact numbers;
 * presets; undo/redo; Take applies (or Live applies as you go), and the output plays
 * beside it.
 */
export function MixEditor({ mix, onChanged, onDeleted }: { mix: MixStatus; onChanged(): void; onDeleted(): void }) {
  const streams = useStudio((s) => s.streamsByName);
  const [history, setHistory] = useState<History>(() => historyOf(mix.layout));
  const [applied, setApplied] = useState<MixLayout>(mix.layout);
  const [selected, setSelected] = useState<number | null>(mix.layout.inputs.length > 0 ? 0 : null);
  const [liveMode, setLiveMode] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sceneName, setSceneName] = useState('');
  const [stage, setStage] = useState<HTMLDivElement | null>(null);
  const [stageWidth, setStageWidth] = useState(0);
  /** The boxes' elements by input index: Moveable's target, and the guidelines it snaps to. */
  const [boxes, setBoxes] = useState<Record<number, HTMLDivElement>>({});
  // Kept when React lets go of an element (ref callbacks are new each render): a box that is gone is no longer connected.
  const registerBox = useCallback((index: number, el: HTMLDivElement | null) => {
    if (el) setBoxes((prev) => (prev[index] === el ? prev : { ...prev, [index]: el }));
  }, []);
  const layout = history.present;
  const scale = stageWidth > 0 ? stageWidth / layout.width : 0;
  const dirty = !sameLayout(layout, applied);

  useEffect(() => {
    if (!stage) return;
    // The observer reports the first size as soon as it observes, then every change.
    const observer = new ResizeObserver(() => setStageWidth(stage.clientWidth));
    observer.observe(stage);
    return () => observer.disconnect();
  }, [stage]);

  // One PUT at a time: in Live mode a drag sends many; only the newest waiting one goes next, so answers never land out of order.
  const sending = useRef<{ busy: boolean; next: MixLayout | null }>({ busy: false, next: null });
  const take = useCallback(
    async (next: MixLayout) => {
      const queue = sending.current;
      queue.next = next;
      if (queue.busy) return;
      queue.busy = true;
      while (queue.next) {
        const layoutToSend = queue.next;
        queue.next = null;
        try {
          await api.updateMix(mix.name, layoutToSend);
          setApplied(layoutToSend);
          setError(null);
        } catch (err) {
          setError(errorMessage(err));
        }
      }
      queue.busy = false;
      onChanged();
    },
    [mix.name, onChanged],
  );

  /** Every edit goes through here: into the history, and out at once in Live mode. */
  const commit = useCallback(
    (next: History) => {
      setHistory(next);
      if (liveMode && !sameLayout(next.present, applied)) void take(next.present);
    },
    [liveMode, applied, take],
  );
  const change = (next: MixLayout) => commit(edit(history, next));
  const moveable = useRef<Moveable>(null);
  // The handles follow the box when it moves by other means than a drag (keys, numbers, presets, undo, a resized window).
  useEffect(() => moveable.current?.updateRect(), [layout, scale, selected]);

  /**
   * A drag or resize let go: the box as placed (even pixels, on the canvas) into the layout,
   * and onto the element too, which the drag moved by hand (React would not redraw it when
   * the placed box equals the layout's).
   */
  const settle = (el: HTMLElement, index: number, box: Pick<MixInput, 'x' | 'y' | 'w' | 'h'>) => {
    const placed = placeBox(box, layout.width, layout.height);
    el.style.width = `${placed.w * scale}px`;
    el.style.height = `${placed.h * scale}px`;
    el.style.transform = `translate(${placed.x * scale}px, ${placed.y * scale}px)`;
    changeInput(index, placed);
    moveable.current?.updateRect();
  };

  const replaceInput = (index: number, next: MixInput) => change({ ...layout, inputs: layout.inputs.map((input, i) => (i === index ? next : input)) });
  const changeInput = (index: number, patch: Partial<MixInput>) => replaceInput(index, { ...layout.inputs[index]!, ...patch });
  const moveBox = (index: number, box: Pick<MixInput, 'x' | 'y' | 'w' | 'h'>) => changeInput(index, placeBox(box, layout.width, layout.height));

  // Keys: arrows nudge (Shift: by a grid step), Delete removes, Ctrl+Z / Ctrl+Shift+Z, Enter takes.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      // Not while typing, on a focused button (Enter and Backspace are its own), or under a dialog.
      if (target && (/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName) || target.closest('[role="dialog"]'))) return;
      if (document.querySelector('[role="dialog"]')) return;
      const mod = event.ctrlKey || event.metaKey;
      if (mod && event.key.toLowerCase() === 'z') {
        event.preventDefault();
        commit(event.shiftKey ? redo(history) : undo(history));
        return;
      }
      if (event.key === 'Enter' && dirty) {
        event.preventDefault();
        void take(layout);
        return;
      }
      if (selected === null) return;
      const input = layout.inputs[selected];
      if (!input) return;
      const across = event.shiftKey ? Math.round(layout.width / gridDivisions) : 2;
      const down = event.shiftKey ? Math.round(layout.height / gridDivisions) : 2;
      const moves: Record<string, [number, number]> = { ArrowLeft: [-across, 0], ArrowRight: [across, 0], ArrowUp: [0, -down], ArrowDown: [0, down] };
      const move = moves[event.key];
      if (move) {
        event.preventDefault();
        moveBox(selected, { ...input, x: input.x + move[0], y: input.y + move[1] });
      } else if (event.key === 'Delete' || event.key === 'Backspace') {
        event.preventDefault();
        change({ ...layout, inputs: layout.inputs.filter((_, i) => i !== selected) });
        setSelected(null);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const sources = useMemo(() => Object.values(streams).map((s) => s.name).filter((n) => n !== mix.name).sort(), [streams, mix.name]);
  const addInput = (source: string) => {
    const w = Math.round(layout.width / 4 / 2) * 2;
    const h = Math.round(layout.height / 4 / 2) * 2;
    change({ ...layout, inputs: [...layout.inputs, { source, x: layout.width / 2 - w / 2, y: layout.height / 2 - h / 2, w, h, z: layout.inputs.length }] });
    setSelected(layout.inputs.length);
  };

  /** Saves the mix's scenes (all of them, as the API takes them); false when refused. */
  const saveScenes = async (scenes: MixScene[]): Promise<boolean> => {
    try {
      await api.setMixScenes(mix.name, scenes);
      setError(null);
      onChanged();
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    }
  };

  const remove = async () => {
    if (!window.confirm(`Stop the mix ${mix.name}? Its stream ends; what it recorded stays.`)) return;
    try {
      await api.deleteMix(mix.name);
      onDeleted();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const order = layout.inputs.map((input, i) => ({ input, i })).sort((a, b) => (a.input.z ?? a.i) - (b.input.z ?? b.i) || a.i - b.i);
  const current = selected !== null ? layout.inputs[selected] : undefined;
  const target = selected !== null && boxes[selected]?.isConnected ? boxes[selected] : null;
  const output = streams[mix.name];

  return (
    <div className="mix-editor" data-testid="mix-editor" data-mix={mix.name}>
      <div className="mix-toolbar">
        <div className="mix-presets" role="group" aria-label="Presets">
          {presets.map((p) => (
            <button key={p} type="button" className="button button-small" data-testid={`mix-preset-${p}`} onClick={() => change(applyPreset(layout, p))} disabled={layout.inputs.length === 0}>
              {presetLabels[p]}
            </button>
          ))}
        </div>
        <div className="mix-actions">
          <select className="input select select-small mix-add" value="" onChange={(e) => e.target.value && addInput(e.target.value)} data-testid="mix-add" aria-label="Add an input">
            <option value="">Add input…</option>
            {sources.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            <optgroup label="Made by the mixer">
              <option value="colour:#2a5db0">Colour card</option>
              <option value="clock">Clock (time of day)</option>
            </optgroup>
          </select>
          <button type="button" className="button button-small" onClick={() => commit(undo(history))} disabled={history.past.length === 0} title="Undo (Ctrl+Z)">
            Undo
          </button>
          <button type="button" className="button button-small" onClick={() => commit(redo(history))} disabled={history.future.length === 0} title="Redo (Ctrl+Shift+Z)">
            Redo
          </button>
          <label className="mix-live" title="Apply every change as it is made">
            <input type="checkbox" checked={liveMode} onChange={(e) => setLiveMode(e.target.checked)} data-testid="mix-live" /> Live
          </label>
          <button type="button" className="button button-primary" disabled={!dirty} onClick={() => void take(layout)} data-testid="mix-take" title="Apply this layout to the output (Enter)">
            Take
          </button>
        </div>
      </div>
      <div className="mix-scenes" role="group" aria-label="Scenes" data-testid="mix-scenes">
        <span className="field-label">Scenes</span>
        {mix.scenes.map((scene) => (
          <span key={scene.name} className="mix-scene">
            <button
              type="button"
              className="button button-small"
              title={`Load "${scene.name}" into the editor${liveMode ? ' and the output' : ' (Take applies it)'}`}
              onClick={() => change(scene.layout)}
              data-testid="mix-scene"
            >
              {scene.name}
            </button>
            <button type="button" className="mix-scene-remove" aria-label={`Forget scene ${scene.name}`} title="Forget this scene" onClick={() => void saveScenes(mix.scenes.filter((s) => s.name !== scene.name))}>
              ×
            </button>
          </span>
        ))}
        <form
          className="mix-scene-new"
          onSubmit={(e) => {
            e.preventDefault();
            const name = sceneName.trim();
            if (!name) return;
            // The same name saves over the scene it names.
            void saveScenes([...mix.scenes.filter((s) => s.name !== name), { name, layout }]).then((ok) => ok && setSceneName(''));
          }}
        >
          <input className="input input-small" value={sceneName} maxLength={60} placeholder="Scene name" onChange={(e) => setSceneName(e.target.value)} data-testid="mix-scene-name" aria-label="Name for a scene of this layout" />
          <button type="submit" className="button button-small" disabled={!sceneName.trim() || mix.scenes.length >= 24} data-testid="mix-scene-save" title="Save this layout as a scene">
            Save scene
          </button>
        </form>
      </div>
      {error && <p className="help help-warning" data-testid="mix-error">{error}</p>}
      <div className="mix-body">
        <div className="mix-canvas-wrap">
          <div className="mix-canvas-title">
            Layout <span className="muted">{layout.width}×{layout.height} · {layout.fps} fps{dirty ? ' · not taken yet' : ''}</span>
          </div>
          <div
            ref={setStage}
            className="mix-canvas"
            style={{ aspectRatio: `${layout.width} / ${layout.height}`, background: layout.background ?? '#101010' }}
            data-testid="mix-canvas"
            onPointerDown={(e) => {
              if (e.target === e.currentTarget) setSelected(null);
            }}
          >
            <div className="mix-center-v" aria-hidden="true" />
            <div className="mix-center-h" aria-hidden="true" />
            {scale > 0 &&
              order.map(({ input, i }) => {
                const info = streams[input.source];
                const live = info?.state === 'publishing' || info?.state === 'pulling';
                // Drawn as the compositor draws it: the whole box at its opacity with its corners, the border inside it.
                const look = boxLook(input, scale);
                return (
                  <div
                    key={i}
                    ref={(el) => registerBox(i, el)}
                    className={`mix-box${i === selected ? ' is-selected' : ''}`}
                    data-testid="mix-box"
                    data-source={input.source}
                    data-index={i}
                    style={{ width: input.w * scale, height: input.h * scale, transform: `translate(${input.x * scale}px, ${input.y * scale}px)`, borderRadius: look.radius }}
                    onPointerDown={() => setSelected(i)}
                  >
                    <div
                      className="mix-box-look"
                      data-testid="mix-box-look"
                      style={{ opacity: look.opacity, borderRadius: look.radius, border: look.borderColour ? `${look.borderWidth}px solid ${look.borderColour}` : undefined }}
                    >
                      {madeSource(input.source) === 'clock' ? (
                        <div className="mix-box-clock" aria-label="Clock" style={{ fontSize: Math.max(6, Math.min(input.h * scale * 0.6, (input.w * scale) / 5)) }}>
                          <Clock />
                        </div>
                      ) : madeSource(input.source) === 'colour' ? (
                        <div className="mix-box-colour" style={{ background: input.source.slice(7) }} />
                      ) : !live && layout.offline === 'slate' ? (
                        <div className="mix-box-slate" title="No signal: colour bars" />
                      ) : (
                        <StreamPreview name={input.source} live={live} hasVideo={info?.video != null} idleLabel="No signal" className="mix-box-preview" />
                      )}
                    </div>
                    <span className="mix-box-label">{input.source}</span>
                  </div>
                );
              })}
            {target && current && scale > 0 && (
              <Moveable
                ref={moveable}
                target={target}
                draggable
                resizable
                snappable
                origin={false}
                throttleDrag={0}
                renderDirections={['nw', 'n', 'ne', 'w', 'e', 'sw', 's', 'se']}
                snapThreshold={6}
                snapGridWidth={(layout.width / gridDivisions) * scale}
                snapGridHeight={(layout.height / gridDivisions) * scale}
                verticalGuidelines={[0, stageWidth / 2, stageWidth]}
                horizontalGuidelines={[0, (layout.height * scale) / 2, layout.height * scale]}
                elementGuidelines={Object.entries(boxes)
                  .filter(([i, el]) => Number(i) !== selected && el.isConnected)
                  .map(([, el]) => el)}
                snapDirections={{ left: true, top: true, right: true, bottom: true, center: true, middle: true }}
                elementSnapDirections={{ left: true, top: true, right: true, bottom: true, center: true, middle: true }}
                onDrag={({ target: el, transform }) => {
                  el.style.transform = transform;
                }}
                onDragEnd={({ target: el, lastEvent }) => {
                  if (!lastEvent || selected === null) return;
                  const [tx, ty] = lastEvent.beforeTranslate as [number, number];
                  settle(el as HTMLElement, selected, { ...current, x: Math.round(tx / scale), y: Math.round(ty / scale) });
                }}
                onResize={({ target: el, width, height, drag }) => {
                  el.style.width = `${width}px`;
                  el.style.height = `${height}px`;
                  el.style.transform = drag.transform;
                }}
                onResizeEnd={({ target: el, lastEvent }) => {
                  if (!lastEvent || selected === null) return;
                  const [tx, ty] = lastEvent.drag.beforeTranslate as [number, number];
                  settle(el as HTMLElement, selected, { x: Math.round(tx / scale), y: Math.round(ty / scale), w: Math.round(lastEvent.width / scale), h: Math.round(lastEvent.height / scale) });
                }}
              />
            )}
          </div>
        </div>
        <div className="mix-side">
          <div className="mix-output">
            <div className="mix-canvas-title">
              Output <span className="muted">{mix.name} · {mix.state}{mix.skipped > 0 ? ` · ${mix.skipped} skipped` : ''}</span>
            </div>
            <LevelMeter level={mix.level} />
            <LivePreview name={mix.name} live={output?.state === 'publishing'} h264 playToken={null}>
              <StreamPreview name={mix.name} live={output?.state === 'publishing'} hasVideo idleLabel={mix.state === 'failed' ? (mix.reason ?? 'Failed') : 'Starting…'} />
            </LivePreview>
          </div>
          <div className="mix-inspector panel" data-testid="mix-inspector">
            {current && selected !== null ? (
              <>
                <div className="mix-inspector-head">
                  <span className="mix-inspector-name">{current.source}</span>
                  <span className={`dot dot-${mix.inputs[selected]?.live ? 'ok' : 'idle'}`} title={mix.inputs[selected]?.live ? 'Pictures arriving' : 'No signal'} />
                </div>
                {madeSource(current.source) === 'colour' && (
                  <label className="mix-group">
                    <span className="field-label">Card colour</span>
                    <input type="color" className="input input-colour" value={current.source.slice(7)} onChange={(e) => changeInput(selected, { source: `colour:${e.target.value}` })} data-testid="mix-card-colour" />
                  </label>
                )}
                <div className="mix-numbers">
                  {(['x', 'y', 'w', 'h'] as const).map((k) => (
                    <NumberField key={k} label={k.toUpperCase()} owner={selected} value={current[k]} step={2} testId={`mix-field-${k}`} onApply={(n) => moveBox(selected, { ...current, [k]: n })} />
                  ))}
                </div>
                {!madeSource(current.source) && (
                <div className="mix-group">
                  <span className="field-label">
                    Crop <span className="muted">source pixels</span>
                  </span>
                  <div className="mix-numbers">
                    {cropEdges.map((edge) => (
                      <NumberField
                        key={edge}
                        label={edge[0]!.toUpperCase() + edge.slice(1)}
                        owner={selected}
                        value={current.crop?.[edge] ?? 0}
                        min={0}
                        step={2}
                        testId={`mix-crop-${edge}`}
                        onApply={(n) => replaceInput(selected, withCrop(current, edge, n))}
                      />
                    ))}
                  </div>
                </div>
                )}
                <div className="mix-audio">
                  <button type="button" className={`button button-small${current.muted ? ' is-muted' : ''}`} onClick={() => changeInput(selected, { muted: !current.muted })} data-testid="mix-mute" aria-pressed={current.muted ?? false}>
                    {current.muted ? 'Muted' : 'Mute'}
                  </button>
                  <Fader value={current.volume ?? 1} max={2} label="Volume" onChange={(volume) => changeInput(selected, { volume })} />
                  <LevelMeter level={mix.inputs[selected]?.level ?? 0} />
                </div>
                <div className="mix-fit-opacity">
                  <label className="form-field">
                    <span className="field-label">Fit</span>
                    <select
                      className="input select"
                      value={current.fit ?? 'contain'}
                      onChange={(e) => changeInput(selected, { fit: e.target.value as MixInput['fit'] })}
                      title="Contain: all of the picture, bars around it; cover: fills the box, its edges cut; stretch: fills the box, out of shape"
                    >
                      <option value="contain">Contain</option>
                      <option value="cover">Cover</option>
                      <option value="stretch">Stretch</option>
                    </select>
                  </label>
                  <label className="form-field">
                    <span className="field-label">Opacity</span>
                    <span className="mix-opacity-row">
                      <Fader value={current.opacity ?? 1} max={1} label="Opacity" testId="mix-opacity" onChange={(opacity) => changeInput(selected, { opacity })} />
                    </span>
                  </label>
                </div>
                <div className="mix-look">
                  <NumberField label="Corners" owner={selected} value={current.radius ?? 0} min={0} testId="mix-radius" onApply={(n) => changeInput(selected, { radius: Math.max(0, Math.round(n)) })} />
                  <NumberField label="Border" owner={selected} value={current.border?.width ?? 0} min={0} max={100} step={2} testId="mix-border-width" onApply={(n) => replaceInput(selected, withBorder(current, { width: n }))} />
                  <label className="form-field">
                    <span className="field-label">Colour</span>
                    <input
                      type="color"
                      className="input input-colour"
                      value={current.border?.colour ?? '#ffffff'}
                      data-testid="mix-border-colour"
                      onChange={(e) => replaceInput(selected, withBorder(current, { colour: e.target.value }))}
                    />
                  </label>
                </div>
                <div className="mix-inspector-row">
                  <button type="button" className="button button-small" onClick={() => change({ ...layout, inputs: restack(layout.inputs, selected, 1) })} title="Bring forward">
                    Forward
                  </button>
                  <button type="button" className="button button-small" onClick={() => change({ ...layout, inputs: restack(layout.inputs, selected, -1) })} title="Send backward">
                    Backward
                  </button>
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => {
                      change({ ...layout, inputs: layout.inputs.filter((_, i) => i !== selected) });
                      setSelected(null);
                    }}
                    title="Remove (Delete)"
                  >
                    Remove
                  </button>
                </div>
              </>
            ) : (
              <p className="help">Select a box to place it exactly. Arrows nudge it (Shift: a grid step); Enter takes the layout.</p>
            )}
            <div className="mix-inspector-foot">
              <div className="mix-settings">
                <label className="form-field">
                  <span className="field-label">Background</span>
                  <input type="color" className="input input-colour" value={layout.background ?? '#101010'} onChange={(e) => change({ ...layout, background: e.target.value })} />
                </label>
                <label className="form-field">
                  <span className="field-label">A source with no signal shows</span>
                  <select className="input select" value={layout.offline ?? 'last-frame'} onChange={(e) => change({ ...layout, offline: offlineChoices.find((o) => o === e.target.value) ?? 'last-frame' })} data-testid="mix-offline">
                    <option value="last-frame">Its last picture</option>
                    <option value="slate">A slate (colour bars)</option>
                    <option value="background">The background</option>
                  </select>
                </label>
              </div>
              <button type="button" className="button button-small button-danger" onClick={() => void remove()} data-testid="mix-delete">
                Stop mix
              </button>
            </div>
          </div>
        </div>
      </div>
    </div>
  );
}

/** A peak meter, in dBFS from -60 to 0: green, then amber past -12, red past -3. */
function LevelMeter({ level }: { level: number }) {
  const db = level > 0 ? 20 * Math.log10(level) : -Infinity;
  const fill = Number.isFinite(db) ? Math.max(0, Math.min(1, (db + 60) / 60)) : 0;
  const tone = db > -3 ? 'danger' : db > -12 ? 'warning' : 'ok';
  return (
    <span className="mix-meter" title={Number.isFinite(db) ? `${db.toFixed(1)} dBFS` : 'silence'} role="meter" aria-valuemin={-60} aria-valuemax={0} aria-valuenow={Number.isFinite(db) ? Math.round(db) : -60}>
      <span className={`mix-meter-fill mix-meter-${tone}`} style={{ width: `${fill * 100}%` }} />
    </span>
  );
}

/**
 * A number typed freely and applied on Enter or on leaving the field ("120" is not 1, 12,
 * 120 on the way). It starts again from `value` when that changes or the box `owner` does.
 */
function NumberField({ label, owner, value, onApply, step = 1, min, max, testId }: { label: string; owner: number; value: number; onApply(n: number): void; step?: number; min?: number; max?: number; testId: string }) {
  return (
    <label className="form-field">
      <span className="field-label">{label}</span>
      <input
        key={`${owner}-${value}`}
        className="input input-mono"
        type="number"
        step={step}
        min={min}
        max={max}
        defaultValue={value}
        data-testid={testId}
        onBlur={(e) => Number.isFinite(e.target.valueAsNumber) && e.target.valueAsNumber !== value && onApply(e.target.valueAsNumber)}
        onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
      />
    </label>
  );
}
