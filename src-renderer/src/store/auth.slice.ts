import { ApiError, errorMessage } from '../api/api-error';
import { api } from '../api/endpoints';
import { sectionFromHash } from '../app/sections';
import type { AuthSlice } from './auth.state';
import type { SliceCreator } from './types';

export const INVALID_TOKEN = 'That token is not valid';

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
