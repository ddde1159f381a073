import { generatePlayToken } from '../../lib/play-token';
import { LockIcon } from '../icons';

interface PlayTokenFieldProps {
  id: string;
  value: string;
  error?: string;
  onChange(value: string): void;
  testId: string;
}

/**
 * The stream's play token: empty leaves playback open to anyone who can reach the
 * studio; set, players need ?token=… (the watch page asks visitors for it). Shown
 * in full, since it is meant to be handed to viewers.
 */
export function PlayTokenField({ id, value, error, onChange, testId }: PlayTokenFieldProps) {
  const locked = value.trim().length > 0;
  return (
    <div className="form-field">
      <label className="field-label" htmlFor={id}>
        Play token <span className="muted">(optional)</span>
        {locked && (
          <span className="badge badge-accent play-token-badge">
            <LockIcon size={11} />
            locked
          </span>
        )}
      </label>
      <div className="input-row">
        <input
          id={id}
          className="input input-mono"
          data-testid={testId}
          value={value}
          placeholder="Open: anyone on the network may watch"
          spellCheck={false}
          autoComplete="off"
          autoCapitalize="off"
          aria-invalid={error ? true : undefined}
          onChange={(event) => onChange(event.target.value)}
        />
        <button type="button" className="button" data-testid={`${testId}-generate`} onClick={() => onChange(generatePlayToken())}>
          Generate
        </button>
        {locked && (
          <button type="button" className="button" data-testid={`${testId}-clear`} onClick={() => onChange('')} title="Open playback to anyone who can reach the studio">
            Clear
          </button>
        )}
      </div>
      {error ? (
        <p className="field-error">{error}</p>
      ) : (
        <p className="help">
          {locked ? (
            <>
              Players need <code>?token=…</code> in the URL; the watch page asks viewers for it. The studio still sees the stream
              without it.
            </>
          ) : (
            'Empty: open playback. Set one (4–128 letters, digits, _ . ~ -) to keep the stream to the people you give it to.'
          )}
        </p>
      )}
    </div>
  );
}
