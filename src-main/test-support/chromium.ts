import { execFileSync } from 'node:child_process';

/** Debian's Chromium (never a browser downloaded by Playwright). */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error('Chromium not found: apt-get install chromium, or set CHROMIUM_PATH');
}
