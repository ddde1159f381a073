import type { SessionInfo } from '../../../src-main/contract/studio-api';
import { ApiError, errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import { sectionFromHash } from '../app/sections';
import type { SliceCreator } from './types';

/**
 * checking: asking the server who we are; signed-out: show the watch page (or the
 * login screen when asked for); signed-in: show the studio; unreachable: the server
 * did not answer at all.
 */
export type AuthStatus = 'checking' | 'signed-out' | 'signed-in' | 'unreachable';

export const INVALID_TOKEN = 'That token is not valid';

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

export const createAuthSlice: SliceCreator<AuthSlice> = (set, get) => ({
  authStatus: 'checking',
  authVia: null,
  loginError: null,
  loggingIn: false,
  unreachableReason: null,
  loginOpen: sectionFromHash() !== null,

  openLogin(loginOpen) {
    set(loginOpen ? { loginOpen } : { loginOpen, loginError: null });
  },

  async checkSession() {
    try {
      const session = await api.session();
      set({
        authStatus: session.authenticated ? 'signed-in' : 'signed-out',
        authVia: session.via,
        unreachableReason: null,
      });
    } catch (err) {
      set({ authStatus: 'unreachable', unreachableReason: errorMessage(err) });
    }
  },

  async login(token) {
    set({ loggingIn: true, loginError: null });
    try {
      await api.login(token.trim());
      await get().checkSession();
      if (get().authStatus === 'signed-out') {
        set({ loginError: 'Signed in, but the browser did not keep the session cookie. Allow cookies for this address.' });
      }
      return get().authStatus === 'signed-in';
    } catch (err) {
      const message = err instanceof ApiError && err.status === 401 ? INVALID_TOKEN : errorMessage(err);
      set({ loginError: message });
      if (err instanceof ApiError && err.status === 0) set({ authStatus: 'unreachable', unreachableReason: message });
      return false;
    } finally {
      set({ loggingIn: false });
    }
  },

  async logout() {
    try {
      await api.logout();
    } finally {
      // Signing out lands on the watch page, as any visitor sees the studio.
      set({ authStatus: 'signed-out', authVia: null, loginError: null, loginOpen: false });
    }
  },

  sessionLost() {
    if (get().authStatus !== 'signed-in') return;
    set({ authStatus: 'signed-out', authVia: null, loginError: 'Your session ended. Sign in again.', loginOpen: true });
  },

  async verifySession() {
    try {
      const session = await api.session();
      if (!session.authenticated) get().sessionLost();
    } catch {
      // Unreachable: the status bar already says so.
    }
  },

  setLoginError(message) {
    set(message ? { loginError: message, loginOpen: true } : { loginError: message });
  },
});
