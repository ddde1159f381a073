// The auth slice's shape, apart from its code so the combined store's type
// (types.ts) can name it without importing the slice, which imports types.ts.
import type { SessionInfo } from '../../../src-main/contract/studio-api';

/**
 * checking: asking the server who we are; signed-out: show the watch page (or the
 * login screen when asked for); signed-in: show the studio; unreachable: the server
 * did not answer at all.
 */
export type AuthStatus = 'checking' | 'signed-out' | 'signed-in' | 'unreachable';

export interface AuthSlice {
  authStatus: AuthStatus;
  authVia: SessionInfo['via'];
  loginError: string | null;
  loggingIn: boolean;
  unreachableReason: string | null;
  /**
   * Signed out, the browser shows the public watch page; this is true while the
   * login screen is asked for instead (the Sign in link, a lost session, a bad token
   * in the URL, or a bookmarked studio section such as #/settings).
   */
  loginOpen: boolean;
  openLogin(open: boolean): void;
  checkSession(): Promise<void>;
  /** Exchanges the admin token for a session cookie; true when signed in. */
  login(token: string): Promise<boolean>;
  logout(): Promise<void>;
  /** Any request answered 401: the cookie expired or the token was rotated. */
  sessionLost(): void;
  /**
   * While signed in: ends the session if the server no longer knows it, and stays
   * quiet when the server is simply away (the event socket keeps retrying).
   */
  verifySession(): Promise<void>;
  setLoginError(message: string | null): void;
}
