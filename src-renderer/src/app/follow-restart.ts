// After a settings change restarts the HTTP listener on another address, this page's
// origin is dead: the UI must move to the new one.
import type { SettingsView } from '../../../src-main/contract/studio-api';

let moving = false;

/** The new UI URL when the HTTP listener moved to another origin, else null. */
export function movedHttpUrl(view: SettingsView, loc: Location = window.location): URL | null {
  const http = view.restarted.find((r) => r.listener === 'http');
  if (!http) return null;
  let url: URL;
  try {
    url = new URL(http.url, loc.href);
  } catch {
    return null;
  }
  // A wildcard bind address is not somewhere a browser can go; keep the host name
  // the user reached the studio by and take only the new port.
  if (['0.0.0.0', '[::]', '::'].includes(url.hostname)) url.hostname = loc.hostname;
  return url.origin === loc.origin ? null : url;
}

/**
 * Moves to `url` after a short pause so the notice can be read. Only once, since both
 * the PUT answer and the settings_changed event announce the same restart.
 */
export function moveTo(url: URL, delayMs = 1500): boolean {
  if (moving) return false;
  moving = true;
  const target = new URL(url.href);
  target.hash = window.location.hash;
  setTimeout(() => window.location.assign(target.href), delayMs);
  return true;
}
