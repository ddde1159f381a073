// Startup, before anything is drawn past the splash: sign in with whatever credential
// this window was given, then ask the server who we are.
import { setUnauthorizedHandler } from '../api/http';
import { platform } from '../platform';
import { INVALID_TOKEN } from '../store/auth.slice';
import { useStudio } from '../store';

export async function bootstrap(): Promise<void> {
  const store = useStudio.getState();
  setUnauthorizedHandler(() => useStudio.getState().sessionLost());

  const { token, invalid } = takeUrlCredentials();
  if (invalid) store.setLoginError(INVALID_TOKEN);

  // The desktop window gets the token from the shell; it never appears in a URL.
  let desktopError: string | null = null;
  if (platform.kind === 'desktop') {
    try {
      const connection = await platform.connection();
      if (connection && (await store.login(connection.token))) return;
    } catch (err) {
      desktopError = `The desktop app could not hand over the studio connection: ${String(err)}`;
    }
  } else if (token && (await store.login(token))) {
    return;
  }

  await useStudio.getState().checkSession();
  if (desktopError) useStudio.getState().setLoginError(desktopError);
}

/**
 * The server turns `/?token=` into a cookie and redirects to `/`, or to
 * `/?auth=invalid` when the token is wrong. Under the dev server the token reaches
 * the page itself. Either way the query is removed so it does not linger in history.
 */
function takeUrlCredentials(): { token: string | null; invalid: boolean } {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  const invalid = url.searchParams.get('auth') === 'invalid';
  if (token !== null || url.searchParams.has('auth')) {
    url.searchParams.delete('token');
    url.searchParams.delete('auth');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return { token, invalid };
}
