import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../../api/api-error';
import { api } from '../../api/endpoints';
import { streamNameProblem } from '../../lib/stream-name';
import { useStudio } from '../../store';
import { MAX_DVR_LANES } from '../../store/dvr.slice';
import { CloseIcon, PlusIcon } from '../icons';

/**
 * A recording whose stream is no longer listed (its publisher left long ago) is
 * still in the archive: open it by name.
 */
export function OpenByName({ onOpened }: { onOpened?: () => void }) {
  const toggle = useStudio((s) => s.toggleDvrStream);
  const chosen = useStudio((s) => s.dvrStreams);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim().replace(/^\/+|\/+$/g, '');
    const problem = streamNameProblem(trimmed);
    if (problem) return setError(problem);
    if (chosen.includes(trimmed)) return setError(`${trimmed} is already on the timeline`);
    setBusy(true);
    setError(null);
    try {
      const info = await api.mediaInfo(trimmed, null);
      if (!info.archive) {
        setError(`${trimmed} has nothing recorded yet`);
      } else {
        toggle(trimmed);
        setName('');
        onOpened?.();
      }
    } catch (err) {
      // A stream with a play token answers 403 here, yet it exists: open it, its token comes with the stream list.
      if (err instanceof ApiError && err.status === 403) {
        toggle(trimmed);
        onOpened?.();
      } else {
        setError(err instanceof ApiError && err.status === 404 ? `No stream or recording named ${trimmed}` : errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="dvr-open-name" onSubmit={(event) => void submit(event)}>
      <label className="field-label" htmlFor="dvr-open-name">
        Open a recording by name
      </label>
      <div className="input-row">
        <input
          id="dvr-open-name"
          className="input input-mono"
          placeholder="live/cam1"
          value={name}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          onChange={(event) => {
            setName(event.target.value);
            setError(null);
          }}
        />
        <button type="submit" className="button" disabled={busy || name.trim() === ''}>
          Open
        </button>
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : (
        <p className="help">For streams that are not listed any more: their archive stays until retention removes it.</p>
      )}
    </form>
  );
}

/** The streams on the timeline as chips (× takes one off), and a menu to add another camera. */
export function StreamPicker() {
  const chosen = useStudio((s) => s.dvrStreams);
  const active = useStudio((s) => s.dvrActive);
  const names = useStudio((s) => s.streamNames);
  const toggle = useStudio((s) => s.toggleDvrStream);
  const setActive = useStudio((s) => s.setDvrActive);
  const [open, setOpen] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  const others = names.filter((n) => !chosen.includes(n));
  const full = chosen.length >= MAX_DVR_LANES;

  useEffect(() => {
    if (!open) return;
    const onDown = (event: PointerEvent) => {
      if (!menuRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        setOpen(false);
      }
    };
    window.addEventListener('pointerdown', onDown);
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('pointerdown', onDown);
      window.removeEventListener('keydown', onKey, true);
    };
  }, [open]);

  return (
    <div className="stream-picker" ref={menuRef} data-testid="dvr-stream-picker">
      {chosen.map((name) => (
        <span key={name} className={`lane-chip${name === active ? ' is-active' : ''}`} data-testid="dvr-lane-chip" data-stream={name}>
          <button type="button" className="lane-chip-name" onClick={() => setActive(name)} title={chosen.length > 1 ? 'Make this the main picture (↑ ↓)' : name}>
            {name}
          </button>
          <button type="button" className="lane-chip-remove" aria-label={`Take ${name} off the timeline`} title="Take off the timeline" onClick={() => toggle(name)}>
            <CloseIcon size={11} />
          </button>
        </span>
      ))}
      <button
        type="button"
        className="button button-small"
        aria-expanded={open}
        aria-haspopup="true"
        data-testid="dvr-add-stream"
        onClick={() => setOpen(!open)}
        disabled={full && !open}
        title={full ? `At most ${MAX_DVR_LANES} cameras at once` : 'Stack another camera on the same time axis'}
      >
        <PlusIcon size={13} />
        {chosen.length === 0 ? 'Choose stream' : 'Camera'}
      </button>
      {open && (
        <div className="picker-menu" role="menu" data-testid="dvr-stream-menu">
          {others.length === 0 ? (
            <p className="help picker-empty">Every listed stream is on the timeline.</p>
          ) : (
            <ul className="plain-list">
              {others.map((name) => (
                <li key={name}>
                  <button
                    type="button"
                    role="menuitem"
                    className="picker-item"
                    disabled={full}
                    data-stream={name}
                    onClick={() => {
                      toggle(name);
                      setOpen(false);
                    }}
                  >
                    {name}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <OpenByName onOpened={() => setOpen(false)} />
        </div>
      )}
    </div>
  );
}
