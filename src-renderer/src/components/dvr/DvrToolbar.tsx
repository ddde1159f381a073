import { useState, type FormEvent } from 'react';
import { parseDateTime, toDatetimeLocal } from '../../lib/timeline/clock';
import { CalendarIcon } from '../icons';
import type { DvrController } from '../../engine/dvr/dvr-controller';
import { SessionRecordButton } from './SessionRecordButton';
import { StreamPicker } from './StreamPicker';

const JUMP_ID = 'dvr-jump';

/** G: the date-time field takes the keyboard. */
export function focusJump(): void {
  const input = document.getElementById(JUMP_ID);
  if (input instanceof HTMLInputElement) {
    input.focus();
    try {
      input.showPicker();
    } catch {
      // Not every browser opens a picker on request; the field is focused either way.
    }
  }
}

const spans = [
  { label: '10 min', seconds: 600 },
  { label: 'Hour', seconds: 3600 },
  { label: 'Day', seconds: 86_400 },
  { label: 'Week', seconds: 7 * 86_400 },
  { label: 'Month', seconds: 30 * 86_400 },
] as const;

/** Streams on the timeline, recording them as a session, how much of time it shows, a date to jump to, and the way back to live. */
export function DvrToolbar({ controller, live }: { controller: DvrController; live: boolean }) {
  const [jump, setJump] = useState(() => toDatetimeLocal(Date.now() / 1000 - 3600));
  const [jumpError, setJumpError] = useState(false);

  const onJump = (event: FormEvent) => {
    event.preventDefault();
    const t = parseDateTime(jump, Date.now() / 1000);
    if (t === null || t > Date.now() / 1000) {
      setJumpError(true);
      return;
    }
    setJumpError(false);
    controller.goTo(t);
    // Back to the timeline, so the keys work again at once.
    (document.activeElement as HTMLElement | null)?.blur();
  };

  return (
    <div className="dvr-bar">
      <StreamPicker />
      <SessionRecordButton />
      <div className="dvr-bar-spacer" />
      <div className="dvr-spans" role="group" aria-label="Show on the timeline">
        {spans.map((s) => (
          <button key={s.label} type="button" className="dvr-span" onClick={() => controller.showLast(s.seconds)} title={`The last ${s.label.toLowerCase()}`}>
            {s.label}
          </button>
        ))}
        <button type="button" className="dvr-span" onClick={() => controller.zoomFit({ in: null, out: null })} title="The whole recording (Z fits the marked range)">
          All
        </button>
      </div>
      <form className={`dvr-jump${jumpError ? ' is-invalid' : ''}`} onSubmit={onJump} title="Go to a date and time (G)">
        <CalendarIcon size={14} className="dvr-jump-icon" />
        <input
          id={JUMP_ID}
          type="datetime-local"
          step={1}
          className="dvr-jump-input"
          value={jump}
          aria-label="Go to a date and time"
          aria-invalid={jumpError || undefined}
          data-testid="dvr-jump"
          onChange={(event) => {
            setJump(event.target.value);
            setJumpError(false);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape') (event.target as HTMLInputElement).blur();
          }}
        />
        <button type="submit" className="button button-small" data-testid="dvr-jump-go">
          Go
        </button>
      </form>
      <button
        type="button"
        className={`button button-small dvr-live${live ? ' is-live' : ''}`}
        onClick={() => controller.goLive()}
        data-testid="dvr-go-live"
        title="Go to live (End)"
        aria-pressed={live}
      >
        <span className="dvr-live-dot" aria-hidden="true" />
        {live ? 'Live' : 'Go to live'}
        <kbd className="button-kbd-quiet">End</kbd>
      </button>
    </div>
  );
}
