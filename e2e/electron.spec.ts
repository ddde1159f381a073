// The desktop app itself: started as a user would (the packaged build in release/ when
// there is one, else this checkout under the Electron binary), its window, its preload
// bridge and its server, then a graceful quit. The Electron binary is downloaded from
// GitHub at install time; where it could not be, this says so and is skipped.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
// @ts-expect-error: a plain .mjs helper shared with the npm scripts
import { electronBinary } from '../scripts/electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The unpacked app electron-builder leaves next to the installers, when `npm run dist` ran here. */
function packagedApp(): string | null {
  const candidates = { linux: 'release/linux-unpacked/framehouse', win32: 'release/win-unpacked/Framehouse.exe', darwin: 'release/mac/Framehouse.app/Contents/MacOS/Framehouse' } as Record<string, string>;
  const file = candidates[process.platform] ? path.join(root, candidates[process.platform]!) : null;
  return file && fs.existsSync(file) ? file : null;
}

const binary = (electronBinary as () => string | null)();
const packaged = packagedApp();
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const skipReason = !packaged && !binary
  ? 'the Electron binary is not installed (offline install: run `npx install-electron` where GitHub is reachable)'
  : noDisplay
    ? 'no display: run under xvfb-run on Linux'
    : null;

test.describe('the desktop app', () => {
  test.skip(skipReason !== null, `Electron smoke test skipped: ${skipReason}`);

  test('opens its window on a studio server, has the preload bridge, and quits gracefully', async () => {
    test.setTimeout(90_000);
    const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'framehouse-electron-'));
    const env = {
      ...process.env,
      FRAMEHOUSE_DATA_DIR: path.join(userData, 'data'),
      FRAMEHOUSE_HTTP_PORT: '0',
      FRAMEHOUSE_RTMP_PORT: '0',
      FRAMEHOUSE_SRT_PORT: '0',
      FRAMEHOUSE_MDNS: 'off',
      FRAMEHOUSE_NODE: process.execPath,
    } as Record<string, string>;
    const app = packaged
      ? await electron.launch({ executablePath: packaged, args: [`--user-data-dir=${userData}`], env })
      : await electron.launch({ executablePath: binary!, args: [root, `--user-data-dir=${userData}`, '--no-sandbox'], env });
    try {
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      const bridge = await page.evaluate(async () => {
        const b = (window as unknown as { framehouse?: { platform: string; 'studio:connection': () => Promise<{ url: string; token: string }> } }).framehouse;
        if (!b) return null;
        const connection = await b['studio:connection']();
        const health = await fetch(new URL('api/health', connection.url));
        return { platform: b.platform, url: connection.url, health: health.status };
      });
      expect(bridge).toMatchObject({ platform: process.platform, health: 200 });
      expect(new URL(bridge!.url).hostname).toBe('127.0.0.1');
    } finally {
      const exited = new Promise<number | null>((resolve) => app.process().once('exit', (code) => resolve(code)));
      await app.evaluate(({ app: electronApp }) => electronApp.quit());
      expect(await exited).toBe(0);
      // Quitting stopped the server through its stop message: the database was closed.
      expect(fs.existsSync(path.join(userData, 'data', 'framehouse.db-wal'))).toBe(false);
      fs.rmSync(userData, { recursive: true, force: true });
    }
  });
});
