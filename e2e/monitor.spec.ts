import { expect, test } from '@playwright/test';
import { loginUrl, publishTestPattern, rtmpUrl, screenshot } from './support/studio';

test('the Monitor shows live streams with their figures, details, publish and playback URLs', async ({ page }) => {
  const cam = publishTestPattern('e2e-cam', '1280x720');
  const side = publishTestPattern('e2e-side', '640x360', ['-g', '150']);
  try {
    await page.goto(loginUrl());
    const tile = page.locator('[data-testid="stream-tile"][data-stream="live/e2e-cam"]');
    await expect(tile).toHaveAttribute('data-state', 'publishing', { timeout: 20_000 });
    await expect(tile.getByTestId('stream-tile-resolution')).toContainText('1280×720');
    await expect(tile.getByTestId('stream-tile-codec')).toContainText('H.264');
    await expect(tile.getByTestId('stream-tile-fps')).toContainText(/(29|30|31)/, { timeout: 15_000 });
    await expect(tile.getByTestId('stream-tile-bitrate')).toContainText(/[kM]b\/s/);
    await expect(tile.getByTestId('stream-preview').locator('img')).toBeVisible({ timeout: 15_000 });
    await expect(tile.getByTestId('stream-rec')).toHaveAttribute('data-recording', 'true');
    const sideTile = page.locator('[data-testid="stream-tile"][data-stream="live/e2e-side"]');
    await expect(sideTile).toHaveAttribute('data-state', 'publishing');
    // The long-GOP stream shows its keyframe warning once two keyframes 5 s apart have come (the sparklines fill meanwhile).
    await expect(sideTile.getByTestId('stream-tile-warning')).toBeVisible({ timeout: 20_000 });
    await expect(sideTile.getByTestId('stream-tile-gop')).toHaveClass(/text-warning/);
    await expect(tile.getByTestId('stream-tile-warning')).toHaveCount(0);
    await screenshot(page, 'monitor-live');

    await tile.click();
    const details = page.getByTestId('stream-details');
    await expect(details).toBeVisible();
    await expect(details.getByTestId('publish-rtmp-server')).toContainText(rtmpUrl());
    await expect(details.getByTestId('publish-rtmp-key')).toContainText('e2e-cam');
    await expect(details.getByTestId('publish-srt')).toContainText('streamid=publish:live/e2e-cam');
    await screenshot(page, 'monitor-details');

    // Playback: absolute URLs on this page's origin; the HLS one plays.
    const playback = details.getByTestId('playback-panel');
    const origin = new URL(page.url()).origin;
    const hlsUrl = `${origin}/live/e2e-cam/index.m3u8`;
    await expect(playback.getByTestId('playback-hls')).toHaveText(hlsUrl);
    await expect(playback.getByTestId('playback-player')).toHaveText(`${origin}/live/e2e-cam/embed.html`);
    await expect(playback.getByTestId('playback-mpegts')).toHaveText(`${origin}/live/e2e-cam/mpegts`);
    await expect(playback.getByTestId('playback-dvr')).toHaveText(`${origin}/live/e2e-cam/embed.html?dvr=true`);
    await expect(playback.getByTestId('playback-media-info')).toHaveText(`${origin}/live/e2e-cam/media_info.json`);
    await expect(playback.getByTestId('playback-open-lowlatency')).toHaveAttribute('href', `${origin}/live/e2e-cam/embed.html?lowlatency=1`);
    await expect(playback.getByTestId('playback-token-note')).toHaveCount(0);
    const hls = await page.request.get(hlsUrl);
    expect(hls.status()).toBe(200);
    expect(await hls.text()).toContain('#EXTM3U');
    await playback.scrollIntoViewIfNeeded();
    await screenshot(page, 'monitor-playback');

    // On the LAN, a switch hands out the studio's network address instead.
    const lanUrl = `http://192.0.2.10:${new URL(origin).port}/`;
    await page.route('**/api/lan', (route) => route.fulfill({ json: { bound: '0.0.0.0', lan: true, urls: [lanUrl, 'http://198.51.100.7:1/'] } }));
    await page.keyboard.press('Escape');
    await expect(details).toBeHidden();
    await tile.click();
    await expect(playback.getByTestId('playback-base-local')).toHaveAttribute('aria-checked', 'true');
    await expect(playback.getByTestId('playback-hls')).toHaveText(hlsUrl);
    await playback.getByTestId('playback-base-lan').click();
    await expect(playback.getByTestId('playback-base-lan')).toHaveAttribute('aria-checked', 'true');
    await expect(playback.getByTestId('playback-hls')).toHaveText(`${lanUrl}live/e2e-cam/index.m3u8`);
    await expect(playback.getByTestId('playback-open')).toHaveAttribute('href', `${lanUrl}live/e2e-cam/embed.html`);
    await playback.scrollIntoViewIfNeeded();
    await screenshot(page, 'monitor-playback-lan');
    await page.unroute('**/api/lan');

    await page.keyboard.press('Escape');
    await expect(details).toBeHidden();
  } finally {
    await cam.stop();
    await side.stop();
  }
  const tile = page.locator('[data-testid="stream-tile"][data-stream="live/e2e-cam"]');
  await expect(tile).toHaveAttribute('data-state', 'idle', { timeout: 15_000 });
});

test('Add stream refuses a bad source URL with the server’s reason, and creates a good one', async ({ page }) => {
  await page.goto(loginUrl());
  await page.getByTestId('add-stream').click();
  await page.getByTestId('add-stream-name').fill('cams/e2e');
  await page.getByRole('button', { name: 'Add a source to pull' }).click();
  await page.getByTestId('add-stream-source-url').first().fill('ftp://example.invalid/x');
  await page.getByTestId('add-stream-submit').click();
  await expect(page.getByTestId('add-stream-error')).toContainText(/unsupported|rtsp/i);
  await page.getByTestId('add-stream-source-url').first().fill('file://missing-clip.mp4');
  await page.getByTestId('add-stream-submit').click();
  const tile = page.locator('[data-testid="stream-tile"][data-stream="cams/e2e"]');
  await expect(tile).toHaveAttribute('data-state', 'failed', { timeout: 15_000 });
  await expect(tile).toContainText('File not found');
  await screenshot(page, 'monitor-failed-source');
});
