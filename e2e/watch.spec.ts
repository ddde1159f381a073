import os from 'node:os';
import { expect, test, type APIRequestContext, type Frame, type Page } from '@playwright/test';
import { publishTo, screenshot } from './support/studio';
import { startServe, type ServedStudio } from './support/serve';

// This file runs its own studio: the LAN switch moves every listener (ports are 0,
// so they land on new ones), and the shared studio must stay where other files expect it.

let studio: ServedStudio;
let publisher: { stop(): Promise<void> };
const lockedToken = 'e2e-vault_Token.1';

const admin = (request: APIRequestContext) => ({
  post: (url: string, data: unknown) => request.post(new URL(url, studio.url).href, { headers: { authorization: `Bearer ${studio.token}` }, data }),
  get: (url: string, base = studio.url) => request.get(new URL(url, base).href, { headers: { authorization: `Bearer ${studio.token}` } }),
});

test.beforeAll(async ({ request }) => {
  studio = await startStudio();
  expect((await admin(request).post('/api/streams', { name: 'cams/lobby', title: 'Lobby camera' })).status()).toBe(201);
  expect((await admin(request).post('/api/streams', { name: 'cams/vault', title: 'Vault', playToken: lockedToken })).status()).toBe(201);
  publisher = publish(studio.rtmp, 'e2e-watch', '1280x720');
});

const startStudio = (extra: string[] = []) => startServe(extra, 'framehouse-e2e-watch-');
const stopStudio = (own: ServedStudio) => own.stop();
const publish = publishTo;

test.afterAll(async () => {
  await publisher?.stop();
  if (studio) await stopStudio(studio);
});

async function playerFrame(page: Page): Promise<Frame> {
  await expect(page.getByTestId('watch-iframe')).toBeVisible();
  await expect.poll(() => page.frames().some((f) => f.url().includes('/embed.html'))).toBe(true);
  return page.frames().find((f) => f.url().includes('/embed.html'))!;
}

test('a visitor without the token gets the watch page, plays a stream, and is asked for a locked stream’s token', async ({ page }) => {
  await page.goto(studio.url);
  await expect(page.getByTestId('watch-page')).toBeVisible();
  await expect(page.getByTestId('login-form')).toHaveCount(0);
  await expect(page.getByTestId('nav-monitor')).toHaveCount(0);
  expect((await page.request.get(new URL('/api/streams', studio.url).href)).status()).toBe(401);

  const live = page.locator('[data-testid="watch-card"][data-stream="live/e2e-watch"]');
  await expect(live).toHaveAttribute('data-live', 'true', { timeout: 20_000 });
  await expect(live).toContainText('1280×720 · H.264 · AAC');
  await expect(live.getByTestId('watch-poster').locator('img')).toBeVisible({ timeout: 20_000 });
  const lobby = page.locator('[data-testid="watch-card"][data-stream="cams/lobby"]');
  await expect(lobby).toHaveAttribute('data-live', 'false');
  await expect(lobby).toContainText('Lobby camera');
  const vault = page.locator('[data-testid="watch-card"][data-stream="cams/vault"]');
  await expect(vault).toHaveAttribute('data-locked', 'true');
  await expect(vault.getByTestId('watch-card-lock')).toBeVisible();
  // Live first.
  await expect(page.getByTestId('watch-card').first()).toHaveAttribute('data-stream', 'live/e2e-watch');
  // Wait for the archive to show on the card, so the screenshot shows a full card.
  await expect(live).toContainText(/Archive \d/, { timeout: 15_000 });
  await screenshot(page, 'watch-page');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'watch-page-phone');
  await page.setViewportSize({ width: 1440, height: 900 });

  // The player, live.
  await live.click();
  await expect(page).toHaveURL(/#\/watch\/live\/e2e-watch$/);
  await expect(page.getByTestId('watch-iframe')).toHaveAttribute('src', '/live/e2e-watch/embed.html?autoplay=1&webrtc=1');
  const frame = await playerFrame(page);
  await frame.waitForFunction(() => {
    const p = (window as unknown as { framehousePlayer?: { video: HTMLVideoElement } }).framehousePlayer;
    return p !== undefined && p.video.currentTime > 1;
  }, undefined, { timeout: 20_000 });
  // Live over WebRTC (WHEP): this browser and this H.264 stream allow it.
  await expect(frame.locator('#player')).toHaveAttribute('data-transport', 'webrtc');
  await screenshot(page, 'watch-player');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'watch-player-phone');
  await page.setViewportSize({ width: 1440, height: 900 });

  // The whole archive up to live.
  await page.getByTestId('watch-mode-dvr').click();
  await expect(page.getByTestId('watch-iframe')).toHaveAttribute('src', '/live/e2e-watch/embed.html?autoplay=1&dvr=true');
  await page.getByTestId('watch-back').click();
  await expect(page.getByTestId('watch-grid')).toBeVisible();
  await expect(page).not.toHaveURL(/#\/watch/);

  // A locked stream asks for its token, and hands it to the player.
  await vault.click();
  await expect(page.getByTestId('watch-token-form')).toBeVisible();
  await expect(page.getByTestId('watch-iframe')).toHaveCount(0);
  await screenshot(page, 'watch-token');
  expect((await page.request.head(new URL('/cams/vault/embed.html', studio.url).href)).status()).toBe(403);
  await page.getByTestId('watch-token-input').fill('not-the-token');
  await page.getByTestId('watch-token-submit').click();
  await expect(page.getByTestId('watch-token-error')).toContainText('does not open this stream');
  await page.getByTestId('watch-token-input').fill(lockedToken);
  await page.getByTestId('watch-token-submit').click();
  await expect(page.getByTestId('watch-iframe')).toHaveAttribute('src', `/cams/vault/embed.html?autoplay=1&webrtc=1&token=${encodeURIComponent(lockedToken)}`);
  // Remembered in this browser: opening it again goes straight to the player.
  await page.reload();
  await expect(page.getByTestId('watch-iframe')).toHaveAttribute('src', /token=/);
  await page.getByTestId('watch-forget-token').click();
  await expect(page.getByTestId('watch-token-form')).toBeVisible();

  // Sign in is there, discreetly, and leads back if not wanted.
  await page.getByTestId('watch-sign-in').click();
  await expect(page.getByTestId('login-form')).toBeVisible();
  await page.getByTestId('login-back').click();
  await expect(page.getByTestId('watch-grid')).toBeVisible();
  await page.getByTestId('watch-sign-in').click();
  await page.getByTestId('login-token').fill(studio.token);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('section-title')).toHaveText('Monitor');
  // Signing out lands on the watch page again.
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('watch-page')).toBeVisible();
});

test('a bookmarked studio section opens the login screen, not the watch page', async ({ page }) => {
  await page.goto(`${studio.url}#/settings`);
  await expect(page.getByTestId('login-form')).toBeVisible();
  await page.getByTestId('login-token').fill(studio.token);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('section-title')).toHaveText('Settings');
});

test('the Monitor shows how many watch a stream, and who', async ({ page, browser, request }) => {
  // Two streams go live and a viewer plays before the Monitor is looked at: more than the default 30 s on a loaded CI machine.
  test.setTimeout(60_000);
  const viewer = await browser.newContext();
  // A locked stream live too: the Monitor's picture of it must not be refused for want of the token.
  const vault = publish(studio.rtmp.replace(/\/live$/, '/cams'), 'vault', '320x180');
  try {
    const viewerPage = await viewer.newPage();
    await viewerPage.goto(new URL('/live/e2e-watch/embed.html?autoplay=1', studio.url).href);
    await viewerPage.waitForFunction(() => {
      const p = (window as unknown as { framehousePlayer?: { video: HTMLVideoElement } }).framehousePlayer;
      return p !== undefined && p.video.currentTime > 1;
    }, undefined, { timeout: 20_000 });

    await page.goto(studio.login);
    const tile = page.locator('[data-testid="stream-tile"][data-stream="live/e2e-watch"]');
    await expect(tile).toHaveAttribute('data-state', 'publishing', { timeout: 20_000 });
    expect((await admin(request).get('/api/sessions?stream=live%2Fe2e-watch')).status()).toBe(200);
    const viewers = tile.getByTestId('stream-tile-viewers');
    await expect.poll(async () => Number(await viewers.getAttribute('data-viewers')), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    await expect(viewers).not.toHaveClass(/is-zero/);
    await expect(tile.getByTestId('stream-preview').locator('img')).toBeVisible({ timeout: 15_000 });
    const vaultTile = page.locator('[data-testid="stream-tile"][data-stream="cams/vault"]');
    await expect(vaultTile).toHaveAttribute('data-state', 'publishing', { timeout: 20_000 });
    await expect(vaultTile.getByTestId('stream-tile-locked')).toBeVisible();
    await expect(vaultTile.getByTestId('stream-preview').locator('img')).toBeVisible({ timeout: 15_000 });
    await screenshot(page, 'monitor-viewers');

    await tile.click();
    const details = page.getByTestId('stream-details');
    const sessions = details.getByTestId('viewer-sessions');
    await expect(sessions).toBeVisible();
    const row = sessions.getByTestId('viewer-session').first();
    await expect(row).toBeVisible({ timeout: 10_000 });
    await expect(row).toContainText(/HLS|MPEG-TS/);
    await expect(row).toContainText(/Chrom/);
    await sessions.scrollIntoViewIfNeeded();
    await screenshot(page, 'monitor-viewer-sessions');
    const id = await row.getAttribute('data-session');
    await row.getByTestId('viewer-session-end').click();
    await expect(sessions.locator(`[data-session="${id}"]`)).toHaveCount(0);
  } finally {
    await viewer.close();
    await vault.stop();
  }
});

test('Settings: the LAN switch opens the studio to the network and shows its addresses with QR codes', async ({ page, request }) => {
  await page.goto(studio.login);
  await page.getByTestId('nav-settings').click();
  const panel = page.getByTestId('lan-panel');
  await expect(panel).toHaveAttribute('data-lan', 'false');
  const lanSwitch = panel.getByTestId('lan-switch');
  await expect(lanSwitch).toHaveAttribute('aria-checked', 'false');
  await expect(lanSwitch).toBeEnabled();
  const before = new URL(page.url());
  await lanSwitch.click();

  // The ports are 0, so the HTTP listener lands on a new one and the page follows it.
  await page.waitForURL((url) => url.port !== before.port, { timeout: 15_000 });
  const moved = new URL(page.url()).origin + '/';
  await expect(page.getByTestId('lan-panel')).toHaveAttribute('data-lan', 'true', { timeout: 15_000 });
  const lan = (await (await admin(request).get('/api/lan', moved)).json()) as { bound: string; lan: boolean; urls: string[] };
  // The rule, written here on its own: one URL per IPv4 address that is not loopback (127.0.0.0/8), on the port the page moved to.
  const expected = Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => String(i.family) === 'IPv4' || String(i.family) === '4')
    .map((i) => i.address)
    .filter((address) => !address.startsWith('127.'))
    .map((address) => `http://${address}:${new URL(moved).port}/`);
  expect(lan).toEqual({ bound: '0.0.0.0', lan: true, urls: expected });

  // What the panel shows follows from this machine's addresses, not from what the server answered.
  if (expected.length > 0) {
    await expect(page.getByTestId('lan-url-value')).toHaveText(expected);
    const qr = page.getByTestId('lan-qr').first();
    await expect(qr).toBeVisible();
    await expect(qr).toHaveAttribute('data-text', expected[0]!);
    expect(await qr.evaluate((el) => el.tagName.toLowerCase())).toBe('svg');
    // The address works from the network: the watch page's list answers there without a token.
    expect((await request.get(new URL('/api/public/streams', expected[0]).href)).status()).toBe(200);
  } else {
    await expect(page.getByTestId('lan-no-urls')).toBeVisible();
  }
  await page.getByTestId('lan-panel').scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-lan');
  studio.url = moved;
});

test('Settings: a host pinned on the command line leaves the LAN switch disabled, saying why', async ({ page }) => {
  const pinned = await startStudio(['--host', '127.0.0.1']);
  try {
    await page.goto(pinned.login);
    await page.getByTestId('nav-settings').click();
    const panel = page.getByTestId('lan-panel');
    await expect(panel.getByTestId('lan-switch')).toBeDisabled();
    await expect(panel.getByTestId('lan-switch')).toHaveAttribute('aria-checked', 'false');
    await expect(panel.getByTestId('lan-pinned')).toContainText('--host 127.0.0.1');
  } finally {
    await stopStudio(pinned);
  }
});
