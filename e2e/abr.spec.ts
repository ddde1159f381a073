import { expect, test, type Page } from '@playwright/test';
import { adminToken, loginUrl, publishTestPattern, screenshot, studioUrl } from './support/studio';

interface PlayerState {
  levels: { height: number; bitrate: number }[];
  current: number;
  auto: boolean;
  time: number;
}

const playerState = (page: Page) =>
  page.evaluate((): PlayerState => {
    const p = (window as unknown as { framehousePlayer: { video: HTMLVideoElement; hls: { levels: { height: number; bitrate: number }[]; currentLevel: number; autoLevelEnabled: boolean } } }).framehousePlayer;
    return { levels: p.hls.levels.map((l) => ({ height: l.height, bitrate: l.bitrate })), current: p.hls.currentLevel, auto: p.hls.autoLevelEnabled, time: p.video.currentTime };
  });

test('a stream with an ABR ladder plays in hls.js, which switches down on a slow link by itself and to a picked rendition by hand', async ({ page }) => {
  test.setTimeout(120_000);
  const api = (path: string, init: RequestInit = {}) => fetch(new URL(path, studioUrl()), { ...init, headers: { authorization: `Bearer ${adminToken()}`, 'content-type': 'application/json' } });
  const put = await api('/api/streams/live%2Fe2e-abr', { method: 'PUT', body: JSON.stringify({ transcode: { renditions: [{ height: 240, videoBitrate: '400k' }, { height: 160, videoBitrate: '150k' }], encoder: 'auto', record: true } }) });
  expect(put.status).toBeLessThan(300);
  const cam = publishTestPattern('e2e-abr', '640x360', ['-b:v', '2500k', '-maxrate', '2500k', '-bufsize', '2500k']);
  try {
    // The ladder's variants are listed once both renditions run.
    await expect
      .poll(async () => {
        const res = await page.request.get(`${studioUrl()}live/e2e-abr/index.m3u8`);
        return res.status() === 200 ? ((await res.text()).match(/#EXT-X-STREAM-INF/g) ?? []).length : 0;
      }, { timeout: 30_000 })
      .toBe(3);
    await page.goto(`${studioUrl()}live/e2e-abr/embed.html?autoplay=1`);
    await page.waitForFunction(() => {
      const p = (window as unknown as { framehousePlayer?: { video: HTMLVideoElement } }).framehousePlayer;
      return p !== undefined && p.video.currentTime > 1;
    }, undefined, { timeout: 30_000 });
    const first = await playerState(page);
    expect(first.levels.map((l) => l.height).sort((a, b) => a - b)).toEqual([160, 240, 360]);
    expect(first.auto).toBe(true);

    // A link slower than the source and the 240p rung: hls.js steps down on its own.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: (450 * 1000) / 8, uploadThroughput: 1e6 });
    const level160 = first.levels.findIndex((l) => l.height === 160);
    await expect.poll(async () => (await playerState(page)).current, { timeout: 45_000 }).toBe(level160);
    await expect(page.locator('.quality option').first()).toHaveText('Auto (160p)');
    await screenshot(page, 'embed-abr-auto');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    // Picked by hand from the quality menu: that rendition, and it keeps playing.
    const level240 = first.levels.findIndex((l) => l.height === 240);
    await page.locator('.quality').selectOption(String(level240));
    await expect.poll(async () => page.locator('#player').getAttribute('data-level'), { timeout: 20_000 }).toBe(String(level240));
    const picked = await playerState(page);
    expect(picked.auto).toBe(false);
    await page.waitForFunction((from) => (window as unknown as { framehousePlayer: { video: HTMLVideoElement } }).framehousePlayer.video.currentTime > from + 1.5, picked.time, { timeout: 15_000 });
    await screenshot(page, 'embed-abr-picked');

    // The Monitor shows each rendition: its encoder, speed and latency; the ladder is edited there too.
    await page.goto(loginUrl());
    await page.locator('[data-testid="stream-tile"][data-stream="live/e2e-abr"]').click();
    const panel = page.getByTestId('stream-renditions');
    const row240 = panel.locator('[data-testid="rendition-row"][data-rendition="240p"]');
    await expect(row240).toHaveAttribute('data-state', 'running', { timeout: 15_000 });
    await expect(row240).toContainText('426×240');
    await expect(row240).toContainText('libx264');
    await expect(row240).toContainText(/\d\.\d\d×/);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'monitor-renditions');
    // A bitrate that does not parse is refused before it is sent; the server's rule still holds for the rest.
    await panel.getByLabel('Rendition 1 bitrate').fill('fast');
    await panel.getByTestId('ladder-save').click();
    await expect(panel.getByTestId('ladder-error')).toContainText('bitrate like 1200k');

    // The DVR plays the recorded renditions too: one stream in the chooser, its sizes in the player's quality menu.
    await page.getByTestId('nav-dvr').click();
    const choice = page.locator('[data-testid="dvr-choose-stream"][data-stream="live/e2e-abr"]');
    await expect(choice).toContainText('with 240p, 160p', { timeout: 15_000 });
    await expect(page.locator('[data-testid="dvr-choose-stream"][data-stream="live/e2e-abr/240p"]')).toHaveCount(0);
    await choice.click();
    const dvrPlayer = page.locator('[data-testid="dvr-player"][data-stream="live/e2e-abr"]');
    await expect(dvrPlayer).toHaveAttribute('data-status', 'ready', { timeout: 20_000 });
    const quality = dvrPlayer.getByTestId('dvr-quality');
    await expect(quality.locator('option')).toHaveText([/^Auto/, /^360p/, /^240p/, /^160p/], { timeout: 15_000 });
    const videoHeight = () => dvrPlayer.locator('video').evaluate((v: HTMLVideoElement) => v.videoHeight);
    // The sharpest first.
    await expect.poll(videoHeight, { timeout: 20_000 }).toBe(360);
    await quality.selectOption('160');
    await expect.poll(videoHeight, { timeout: 20_000 }).toBe(160);
    await expect(quality.locator('option').first()).toHaveText(/^Auto/);
    await dvrPlayer.hover();
    await screenshot(page, 'dvr-quality');
  } finally {
    await cam.stop();
    await api('/api/streams/live%2Fe2e-abr', { method: 'DELETE' });
  }
});
