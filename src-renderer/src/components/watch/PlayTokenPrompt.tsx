import { useState, type FormEvent } from 'react';
import { playTokenProblem } from '../../lib/play-token';
import { streamFileUrl } from '../../lib/stream-name';
import { LockIcon } from '../icons';

/**
 * Asks a visitor for a locked stream's play token. The token is tried on the player
 * page first (HEAD embed.html: the token is checked there, and no viewer session is
 * counted; a wrong one answers 403), so a typo is said here rather than leaving the
 * player waiting forever.
 */
export function PlayTokenPrompt({ name, heading, onToken }: { name: string; heading: string; onToken(token: string): void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = token.trim();
    const problem = value.length === 0 ? 'Enter the play token' : playTokenProblem(value);
    if (problem) {
      setError(problem);
      return;
    }
    setChecking(true);
    setError(null);
    try {
      const res = await fetch(`${streamFileUrl(name, 'embed.html')}?${new URLSearchParams({ token: value })}`, { method: 'HEAD', cache: 'no-store' });
      if (res.status === 403) {
        setError('That token does not open this stream. Check it with whoever gave it to you.');
        return;
      }
    } catch {
      // The studio did not answer the check; the player will say more.
    } finally {
      setChecking(false);
    }
    onToken(value);
  };

  return (
    <form className="watch-token" onSubmit={(event) => void onSubmit(event)} noValidate data-testid="watch-token-form">
      <span className="watch-token-icon" aria-hidden="true">
        <LockIcon size={22} />
      </span>
      <h2 className="watch-token-title">{heading} needs a play token</h2>
      <p className="help">The studio operator hands it out. It is kept in this browser for next time.</p>
      <label className="field-label" htmlFor="watch-token-input">
        Play token
      </label>
      <input
        id="watch-token-input"
        className="input input-mono"
        data-testid="watch-token-input"
        type="text"
        autoComplete="off"
        autoCapitalize="off"
        spellCheck={false}
        autoFocus
        value={token}
        aria-invalid={error ? true : undefined}
        onChange={(event) => {
          setToken(event.target.value);
          setError(null);
        }}
      />
      {error && (
        <p className="field-error" role="alert" data-testid="watch-token-error">
          {error}
        </p>
      )}
      <button type="submit" className="button button-primary button-block" data-testid="watch-token-submit" disabled={checking}>
        {checking && <span className="spinner spinner-small" aria-hidden="true" />}
        Watch
      </button>
    </form>
  );
}
