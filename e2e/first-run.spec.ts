import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { startStudioProcess } from '../src-main/test-support/studio-process.js';
import { screenshot } from './support/studio';
import { startServe, type ServedStudio } from './support/serve';

// This file runs its own studios: a fresh data folder (the first-run screen shows), an RTMP
// port another program holds (it moves), files dropped on the window (they land in its
// library), and a studio stopped and started again under an open page.

const shots = '/tmp/shots';
let studio: ServedStudio;
let squatter: net.Server;
let squatted: number;

/** Holds a port on 127.0.0.1, as another program would. */
function holdPort(port = 0): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function freePort(): Promise<number> {
  const server = await holdPort();
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Past the first-run screen, whether or not the test that goes through it ran first. */
async function welcomed(request: APIRequestContext): Promise<void> {
  expect((await request.post(new URL('/api/welcome/done', studio.url).href, { headers: { authorization: `Bearer ${studio.token}` } })).status()).toBe(204);
}

async function shot(page: Page, name: string): Promise<void> {
  await fs.mkdir(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`) });
  await screenshot(page, name);
}

test.beforeAll(async () => {
  squatter = await holdPort();
  squatted = (squatter.address() as net.AddressInfo).port;
  // The port is the file's (not the command line's), so the studio may move it.
  studio = await startServe([], 'framehouse-e2e-first-run-', { welcomeDone: false, config: { rtmpPort: squatted } });
});

test.afterAll(async () => {
  if (studio) await studio.stop();
  await new Promise((resolve) => squatter?.close(resolve));
});

test('a fresh studio shows the first-run checks and the OBS guide once, and a moved port in a banner', async ({ page }) => {
  const moved = Number(/^rtmp:\/\/[^:]+:(\d+)\//.exec(studio.rtmp)![1]);
  expect(moved).not.toBe(squatted);

  await page.goto(studio.login);
  const welcome = page.getByTestId('welcome');
  await expect(welcome).toBeVisible();
  await expect(welcome.getByTestId('welcome-check-ffmpeg')).toHaveAttribute('data-state', 'ok', { timeout: 15_000 });
  await expect(welcome.getByTestId('welcome-check-ffmpeg')).toContainText(/ffmpeg \d/);
  await expect(welcome.getByTestId('welcome-port-rtmp')).toContainText(String(moved));
  await expect(welcome.getByTestId('welcome-port-rtmp')).toContainText(`moved: ${squatted} was in use`);
  await expect(welcome.getByTestId('welcome-check-ports')).toHaveAttribute('data-state', 'warning');
  await expect(welcome.getByTestId('welcome-data-path')).toHaveText(studio.dataDir);
  await expect(welcome.getByTestId('welcome-data-space')).toContainText(/free of/);
  await expect(welcome.getByTestId('obs-guide-server')).toHaveText(`rtmp://127.0.0.1:${moved}/live`);
  await expect(welcome.getByTestId('obs-guide-key')).toHaveText('obs');
  await expect(welcome.getByTestId('welcome-check-ffmpeg')).not.toContainText('Testing the encoders', { timeout: 20_000 });
  await shot(page, 'first-run');

  await welcome.getByTestId('welcome-done').click();
  await expect(welcome).toHaveCount(0);

  // The banner: the wanted port, the one taken, and where OBS must point now.
  const banner = page.getByTestId('port-moved-banner');
  await expect(banner.getByTestId('port-moved-rtmp')).toHaveText(
    `RTMP port ${squatted} was in use by another program, so the studio took ${moved}: point OBS at rtmp://127.0.0.1:${moved}/live`,
  );
  await shot(page, 'port-moved-banner');

  // Done is the server's to remember: a reload (any admin browser) does not show the screen again.
  const asked = page.waitForResponse((r) => r.url().endsWith('/api/welcome') && r.status() === 200);
  await page.reload();
  expect(await (await asked).json()).toEqual({ done: true });
  await expect(page.getByTestId('section-title')).toHaveText('Monitor');
  await expect(page.getByTestId('welcome')).toHaveCount(0);

  // Dismissed, the banner stays away for the session; Settings is a click away from it.
  await expect(banner).toBeVisible();
  await banner.getByTestId('port-moved-settings').click();
  await expect(page.getByTestId('section-title')).toHaveText('Settings');
  await expect(page.getByTestId('setting-pinPorts')).toHaveValue('off');
  await page.getByTestId('setting-pinPorts').scrollIntoViewIfNeeded();
  await shot(page, 'settings-pin-ports');
  await banner.getByTestId('port-moved-dismiss').click();
  await expect(banner).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('settings-form')).toBeVisible();
  await expect(page.getByTestId('port-moved-banner')).toHaveCount(0);

  // The guide stays reachable: Help › OBS setup guide, and the first-run screen itself.
  await page.getByTestId('help-menu').click();
  await page.getByTestId('help-obs-guide').click();
  await expect(page.getByTestId('obs-guide-dialog').getByTestId('obs-guide-server')).toHaveText(`rtmp://127.0.0.1:${moved}/live`);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('obs-guide-dialog')).toHaveCount(0);
  await page.getByTestId('help-menu').click();
  await page.getByTestId('help-welcome').click();
  await expect(page.getByTestId('welcome')).toBeVisible();
  await page.keyboard.press('Escape');
});

test('About shows the version and the notices of what the studio bundles', async ({ page, request }) => {
  await welcomed(request);
  await page.goto(studio.login);
  await expect(page.getByTestId('section-title')).toHaveText('Monitor');
  await page.getByTestId('help-menu').click();
  await page.getByTestId('help-about').click();
  const about = page.getByTestId('about');
  await expect(about).toBeVisible();
  const version = (JSON.parse(await fs.readFile(path.resolve('package.json'), 'utf8')) as { version: string }).version;
  await expect(about.getByTestId('about-version')).toContainText(`Version ${version}`);
  // A checkout bundles no ffmpeg: the one in use is named; hls.js (served to players) has its notice.
  await expect(about.getByTestId('about-ffmpeg')).toContainText('FFmpeg is not bundled with this build. The studio uses the ffmpeg at');
  const hlsJs = about.locator('[data-testid="about-notice"][data-name="hls.js"]');
  await expect(hlsJs).toContainText('Apache-2.0');
  await hlsJs.locator('summary').click();
  await expect(hlsJs.locator('pre')).toContainText('Apache License');
  await shot(page, 'about');
  await about.getByRole('button', { name: 'Close' }).last().click();
  await expect(about).toHaveCount(0);

  // The desktop app's bundled build: its version, licence, where it came from, and the licence text.
  await page.route('**/api/about', async (route) => {
    const answer = (await (await route.fetch()).json()) as Record<string, unknown>;
    const build = {
      target: 'win-x64',
      version: 'n7.1.1-6-g48c0f071d4-20250415',
      licence: 'GPL-3.0-or-later',
      licenceFile: 'LICENSE.txt',
      sources: [{ url: 'https://github.com/BtbN/FFmpeg-Builds/releases/download/autobuild-2025-04-15-13-13/ffmpeg-n7.1.1-6-g48c0f071d4-win64-gpl-7.1.zip', sha256: 'f1d8b6d4c3a2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6', provides: ['ffmpeg', 'ffprobe'] }],
      files: {},
      placedAt: '2025-04-16T09:00:00.000Z',
    };
    await route.fulfill({ json: { ...answer, ffmpeg: { build, licenceText: 'GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n\nCopyright (C) 2007 Free Software Foundation, Inc.' } } });
  });
  await page.getByTestId('help-menu').click();
  await page.getByTestId('help-about').click();
  await expect(about.getByTestId('about-ffmpeg')).toContainText('FFmpeg 7.1.1');
  await expect(about.getByTestId('about-ffmpeg')).toContainText('GPL-3.0-or-later');
  await expect(about.getByTestId('about-licence')).toContainText('GNU GENERAL PUBLIC LICENSE');
  await shot(page, 'about-bundled');
});

/** Drags `names` (as files, or as text) over the page and drops them, as the OS would. */
async function dragOnto(page: Page, selector: string, what: { files?: string[]; text?: string }, drop = true) {
  const data = await page.evaluateHandle((w) => {
    const dt = new DataTransfer();
    for (const name of w.files ?? []) dt.items.add(new File([new Uint8Array(2048)], name, { type: 'video/mp4' }));
    if (w.text) dt.setData('text/plain', w.text);
    return dt;
  }, what);
  await page.dispatchEvent(selector, 'dragenter', { dataTransfer: data });
  await page.dispatchEvent(selector, 'dragover', { dataTransfer: data });
  if (drop) await page.dispatchEvent(selector, 'drop', { dataTransfer: data });
}

test('files dropped anywhere go to the Library (uploaded from a browser); text drags are left alone', async ({ page, request }) => {
  await welcomed(request);
  await page.goto(studio.login);
  await expect(page.getByTestId('section-title')).toHaveText('Monitor');

  await dragOnto(page, 'main', { text: 'just words' }, false);
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);

  await dragOnto(page, 'main', { files: ['dropped-clip.mp4'] }, false);
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  await shot(page, 'drop-overlay');
  await page.dispatchEvent('main', 'dragleave', { dataTransfer: await page.evaluateHandle(() => { const dt = new DataTransfer(); dt.items.add(new File(['x'], 'x.mp4')); return dt; }) });
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);

  await dragOnto(page, 'main', { files: ['dropped-clip.mp4'] });
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);
  await expect(page.getByTestId('section-title')).toHaveText('Library');
  await expect(page.locator('[data-testid="upload-item"][data-name="dropped-clip.mp4"]')).toBeVisible();
});

test('in the desktop app: desktop preferences in Settings, and a drop offers import by path', async ({ page, request }) => {
  await welcomed(request);
  const media = await fs.mkdtemp(path.join(os.tmpdir(), 'framehouse-e2e-drop-'));
  try {
    // The preload's bridge, as src-preload/index.ts exposes it, answered by this test instead of the shell.
    await page.addInitScript(
      ({ url, token, dir }) => {
        const prefs = { closeToTray: true, startAtLogin: false, notifications: true, dataDir: '' };
        const calls: unknown[] = [];
        Object.assign(window, {
          prefsCalls: calls,
          framehouse: {
            platform: 'linux',
            'studio:connection': () => Promise.resolve({ url, token }),
            'dialog:open-files': () => Promise.resolve([]),
            'dialog:open-folder': () => Promise.resolve('/srv/video/framehouse'),
            'shell:reveal': () => Promise.resolve(),
            'shell:open-path': () => Promise.resolve(),
            'shell:trash': () => Promise.resolve(),
            'desktop:get-prefs': () => Promise.resolve({ ...prefs }),
            'desktop:set-prefs': (patch: Partial<typeof prefs>) => {
              calls.push(patch);
              Object.assign(prefs, patch);
              return Promise.resolve({ ...prefs });
            },
            pathForFile: (file: File) => `${dir}/${file.name}`,
          },
        });
      },
      { url: studio.url, token: studio.token, dir: media },
    );
    await page.goto(studio.url);
    await expect(page.getByTestId('section-title')).toHaveText('Monitor');

    await page.getByTestId('nav-settings').click();
    const prefs = page.getByTestId('desktop-prefs');
    await expect(prefs.getByTestId('desktop-closeToTray')).toHaveAttribute('aria-checked', 'true');
    await expect(prefs.getByTestId('desktop-startAtLogin')).toHaveAttribute('aria-checked', 'false');
    await prefs.getByTestId('desktop-startAtLogin').click();
    await expect(prefs.getByTestId('desktop-startAtLogin')).toHaveAttribute('aria-checked', 'true');
    expect(await page.evaluate(() => (window as unknown as { prefsCalls: unknown[] }).prefsCalls)).toEqual([{ startAtLogin: true }]);
    await prefs.scrollIntoViewIfNeeded();
    await shot(page, 'settings-desktop');

    await expect(prefs.getByTestId('desktop-dataDir')).toHaveText('default');

    // A data folder in Windows' Roaming AppData: the first-run screen says so and offers another, which the shell keeps.
    await page.route('**/api/system', async (route) => {
      const answer = (await (await route.fetch()).json()) as Record<string, unknown>;
      await route.fulfill({ json: { ...answer, dataDirPath: 'C:\\Users\\ana\\AppData\\Roaming\\Framehouse' } });
    });
    // (The reload starts the bridge afresh: the calls list is new.)
    await page.reload();
    await page.getByTestId('help-menu').click();
    await page.getByTestId('help-welcome').click();
    const roaming = page.getByTestId('welcome-roaming');
    await expect(roaming).toContainText('Roaming AppData');
    await expect(page.getByTestId('welcome-check-data')).toHaveAttribute('data-state', 'warning');
    await shot(page, 'first-run-roaming');
    await roaming.getByRole('button', { name: 'Choose a data folder…' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { prefsCalls: unknown[] }).prefsCalls)).toEqual([{ dataDir: '/srv/video/framehouse' }]);
    await page.getByTestId('welcome').getByRole('button', { name: 'Close' }).click();
    await expect(page.getByTestId('welcome')).toHaveCount(0);
    await page.unroute('**/api/system');

    await dragOnto(page, 'main', { files: ['on-disk.mp4'] });
    await expect(page.getByTestId('section-title')).toHaveText('Library');
    const choice = page.getByTestId('library-dropped');
    await expect(choice).toContainText('on-disk.mp4');
    await expect(choice.getByRole('button', { name: 'Use where they are' })).toBeVisible();
    await choice.getByRole('button', { name: 'Cancel' }).click();
    await expect(choice).toHaveCount(0);
  } finally {
    await fs.rm(media, { recursive: true, force: true });
  }
});

test('a studio that goes away and comes back: the page says so, retries, and carries on', async ({ page }) => {
  // Two starts and a stop of a real studio.
  test.setTimeout(60_000);
  const port = await freePort();
  const own = await startServe([], 'framehouse-e2e-restart-', { config: { httpPort: port } });
  let again: Awaited<ReturnType<typeof startStudioProcess>> | null = null;
  try {
    await page.goto(own.login);
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
    const gone = new Promise((resolve) => own.child.once('exit', resolve));
    own.child.kill('SIGTERM');
    await gone;
    await expect(page.getByTestId('reconnecting')).toBeVisible({ timeout: 10_000 });
    await expect(page.getByTestId('reconnecting')).toContainText('Reconnecting to the studio');
    await shot(page, 'reconnecting');

    // The same data folder, so the same port (from config.json) and the same session.
    again = await startStudioProcess(['--rtmp-port', '0', '--srt-port', '0', '--data-dir', own.dataDir]);
    expect(again.url).toBe(own.url);
    await page.getByTestId('reconnect-now').click().catch(() => undefined);
    await expect(page.getByTestId('reconnecting')).toHaveCount(0, { timeout: 15_000 });
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
    await expect(page.getByTestId('section-title')).toHaveText('Monitor');
  } finally {
    await again?.stop();
    await fs.rm(own.dataDir, { recursive: true, force: true });
  }
});
