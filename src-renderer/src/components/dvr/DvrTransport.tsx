import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/api-error';
import { formatClock, formatDateTime, formatDay, formatSpan, parseDateTime } from '../../lib/timeline/clock';
import { coverageOf, markedRange } from '../../lib/timeline/marks';
import { shuttleLabel } from '../../lib/timeline/shuttle';
import { useStudio } from '../../store';
import { ExportIcon, FrameBackIcon, FrameForwardIcon, LockIcon, MutedIcon, PauseIcon, PlayIcon, UnlockIcon, VolumeIcon } from '../icons';
import type { DvrController, DvrSnapshot } from '../../engine/dvr/dvr-controller';

/** The wall clock of the frame on screen, large; updated every animation frame without React. */
function Clock({ controller, live }: { controller: DvrController; live: boolean }) {
  const timeRef = useRef<HTMLSpanElement>(null);
  const dayRef = useRef<HTMLSpanElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let lastTime = '';
    let lastDay = '';
    return controller.onFrame(() => {
      const t = controller.active ? controller.laneTime(controller.active) : controller.playhead;
      const time = t === null ? '––:––:––.–––' : formatClock(t);
      const day = t === null ? 'No frame yet' : formatDay(t);
      if (time !== lastTime && timeRef.current) {
        timeRef.current.textContent = time;
        boxRef.current?.setAttribute('data-time', t === null ? '' : String(Math.round(t * 1000)));
        lastTime = time;
      }
      if (day !== lastDay && dayRef.current) {
        dayRef.current.textContent = day;
        lastDay = day;
      }
    });
  }, [controller]);
  return (
    <div className="transport-clock" ref={boxRef} data-testid="dvr-clock" aria-live="off" title="Wall-clock time of the frame on screen (local)">
      <span className="clock-time" ref={timeRef} />
      <span className="clock-day">
        {live && <span className="clock-live">LIVE</span>}
        <span ref={dayRef} />
      </span>
    </div>
  );
}

/** An In or Out time: the button marks at the playhead, the field takes an exact time typed by hand. */
function MarkField({ which, controller }: { which: 'in' | 'out'; controller: DvrController }) {
  const value = useStudio((s) => s.dvrMarks[which]);
  const setMarks = useStudio((s) => s.setDvrMarks);
  const [draft, setDraft] = useState<string | null>(null);
  const [invalid, setInvalid] = useState(false);
  const label = which === 'in' ? 'In' : 'Out';
  const key = which === 'in' ? 'I' : 'O';

  const commit = () => {
    if (draft === null) return;
    const text = draft.trim();
    setDraft(null);
    const marks = useStudio.getState().dvrMarks;
    if (text === '') {
      setInvalid(false);
      setMarks({ ...marks, [which]: null });
      return;
    }
    const t = parseDateTime(text, value ?? controller.playhead ?? Date.now() / 1000);
    const other = which === 'in' ? marks.out : marks.in;
    const ordered = t !== null && (other === null || (which === 'in' ? t < other : t > other));
    if (t === null || !ordered || t > Date.now() / 1000) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    setMarks({ ...marks, [which]: t });
  };

  return (
    <div className="mark-field">
      <button
        type="button"
        className="mark-set"
        title={`Mark ${label} at the playhead (${key}); Shift+${key} goes there`}
        data-testid={`dvr-mark-${which}`}
        onClick={() => (which === 'in' ? controller.markIn() : controller.markOut())}
      >
        {label}
      </button>
      <input
        className="input input-mono mark-input"
        value={draft ?? (value === null ? '' : formatDateTime(value))}
        placeholder="not set"
        spellCheck={false}
        aria-label={`${label} time (local): YYYY-MM-DD HH:MM:SS.mmm`}
        aria-invalid={invalid || undefined}
        title={invalid ? `Not a time before ${which === 'in' ? 'Out' : 'now'} and after ${which === 'in' ? 'the start' : 'In'}` : 'Type an exact time, Enter to set'}
        data-testid={`dvr-${which}-time`}
        onChange={(event) => {
          setDraft(event.target.value);
          setInvalid(false);
        }}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            commit();
            event.currentTarget.blur();
          } else if (event.key === 'Escape') {
            setDraft(null);
            setInvalid(false);
            event.currentTarget.blur();
          }
        }}
      />
    </div>
  );
}

/** Lock or unlock the marked range of the main stream; the label follows what is locked already. */
function LockButton() {
  const active = useStudio((s) => s.dvrActive);
  const marks = useStudio((s) => s.dvrMarks);
  const locks = useStudio((s) => (s.dvrActive ? s.dvrLocks[s.dvrActive] : undefined));
  const setLocked = useStudio((s) => s.setRangeLocked);
  const pushToast = useStudio((s) => s.pushToast);
  const [busy, setBusy] = useState(false);
  const range = markedRange(marks);
  const state = range ? coverageOf(range, locks ?? []) : 'none';
  const unlock = state === 'all';

  const run = async () => {
    if (!range || !active) return;
    setBusy(true);
    try {
      const note = await setLocked(active, range, !unlock);
      pushToast({
        tone: 'success',
        text: unlock ? `Unlocked ${formatSpan(range.to - range.from)} of ${active}` : `Locked ${formatSpan(range.to - range.from)} of ${active}: retention keeps it${note ? ` (${note})` : ''}`,
        stream: active,
      });
    } catch (err) {
      pushToast({ tone: 'danger', text: `Could not ${unlock ? 'unlock' : 'lock'} the range: ${errorMessage(err)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <button
      type="button"
      className="button button-small"
      disabled={!range || busy}
      onClick={() => void run()}
      data-testid="dvr-lock"
      data-locked={state}
      title={range ? (unlock ? 'Let retention delete this range again' : 'Keep this range from retention (locked ranges are never deleted)') : 'Mark In and Out first (I, O)'}
    >
      {unlock ? <UnlockIcon size={14} /> : <LockIcon size={14} />}
      {unlock ? 'Unlock' : state === 'some' ? 'Lock all' : 'Lock'}
    </button>
  );
}

/** Play controls and the frame clock on the left; In/Out, lock and export on the right. */
export function DvrTransport({ controller, snapshot, onExport }: { controller: DvrController; snapshot: DvrSnapshot; onExport(): void }) {
  const marks = useStudio((s) => s.dvrMarks);
  const range = markedRange(marks);
  const playing = snapshot.rate > 0 || snapshot.live;
  const rate = shuttleLabel(snapshot.rate);
  const disabled = !snapshot.hasPlayhead && !snapshot.live;

  return (
    <div className="dvr-transport">
      <div className="transport-controls">
        <button type="button" className="icon-button transport-button" aria-label="Back one frame (←)" title="Back one frame (←; Shift+← one second)" disabled={disabled} onClick={() => controller.step(-1)}>
          <FrameBackIcon size={16} />
        </button>
        <button
          type="button"
          className="icon-button transport-button transport-play"
          aria-label={playing ? 'Pause (Space)' : 'Play (Space)'}
          title={playing ? 'Pause (Space)' : 'Play (Space; J K L shuttle)'}
          disabled={disabled}
          data-testid="dvr-play"
          data-playing={playing}
          onClick={() => controller.playPause()}
        >
          {playing ? <PauseIcon size={18} /> : <PlayIcon size={18} />}
        </button>
        <button type="button" className="icon-button transport-button" aria-label="Forward one frame (→)" title="Forward one frame (→; Shift+→ one second)" disabled={disabled} onClick={() => controller.step(1)}>
          <FrameForwardIcon size={16} />
        </button>
        <button type="button" className="icon-button transport-button" aria-label={snapshot.muted ? 'Unmute (M)' : 'Mute (M)'} title={snapshot.muted ? 'Unmute (M)' : 'Mute (M)'} onClick={() => controller.toggleMute()}>
          {snapshot.muted ? <MutedIcon size={16} /> : <VolumeIcon size={16} />}
        </button>
        <span className="transport-rate" data-testid="dvr-rate" aria-live="polite">
          {rate}
        </span>
      </div>
      <Clock controller={controller} live={snapshot.live} />
      <div className="transport-spacer" />
      <div className="marks" data-testid="dvr-marks">
        <MarkField which="in" controller={controller} />
        <MarkField which="out" controller={controller} />
        <span className="marks-duration" data-testid="dvr-range-duration" title="Length of the marked range">
          {range ? formatSpan(range.to - range.from) : '–'}
        </span>
        <LockButton />
        <button
          type="button"
          className="button button-small button-primary"
          disabled={!range}
          onClick={onExport}
          data-testid="dvr-export"
          title={range ? 'Export the marked range as an MP4 (E)' : 'Mark In and Out first (I, O)'}
        >
          <ExportIcon size={14} />
          Export…
          <kbd className="button-kbd">E</kbd>
        </button>
      </div>
    </div>
  );
}
