import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { platform } from '../../platform';
import { useStudio } from '../../store';
import { ArrowLeftIcon, LogoMark } from '../icons';

export function LoginScreen() {
  const { loginError, loggingIn, login, openLogin } = useStudio(
    useShallow((s) => ({ loginError: s.loginError, loggingIn: s.loggingIn, login: s.login, openLogin: s.openLogin })),
  );
  const [token, setToken] = useState('');

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (token.trim() && !loggingIn) void login(token);
  };

  return (
    <div className="center-screen">
      <form className="login-card" data-testid="login-form" onSubmit={onSubmit} noValidate>
        <div className="login-brand">
          <LogoMark size={28} className="brand-mark" />
          <div>
            <div className="login-title">Framehouse</div>
            <div className="login-subtitle">Sign in to the studio</div>
          </div>
        </div>

        <label className="field-label" htmlFor="login-token">
          Admin token
        </label>
        <input
          id="login-token"
          className="input input-mono"
          data-testid="login-token"
          type="password"
          autoComplete="current-password"
          spellCheck={false}
          autoFocus
          value={token}
          onChange={(event) => setToken(event.target.value)}
          aria-invalid={loginError ? true : undefined}
          aria-describedby="login-help"
        />
        {loginError && (
          <p className="field-error" role="alert" data-testid="login-error">
            {loginError}
          </p>
        )}
        <p className="help" id="login-help">
          The admin token is in <code>&lt;data-dir&gt;/admin-token</code> and in the URL the studio printed at start.
        </p>

        <button
          type="submit"
          className="button button-primary button-block"
          data-testid="login-submit"
          disabled={loggingIn || token.trim() === ''}
        >
          {loggingIn ? 'Signing in…' : 'Sign in'}
        </button>
        {platform.kind === 'browser' && (
          <button type="button" className="link-button login-back" data-testid="login-back" onClick={() => openLogin(false)}>
            <ArrowLeftIcon size={13} />
            Back to the streams
          </button>
        )}
      </form>
    </div>
  );
}
