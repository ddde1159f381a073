import { expect, test } from '@playwright/test';
import { loginUrl, publishTestPattern, rtmpUrl, screenshot } from './support/studio';

test('the Monitor shows live streams with their figures, details and publish URLs', async ({ page }) => {
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
    // Let the long-GOP stream show its keyframe warning and the sparklines fill a little.
    await page.waitForTimeout(7000);
    await screenshot(page, 'monitor-live');

    await tile.click();
    const details = page.getByTestId('stream-details');
    await expect(details).toBeVisible();
    await expect(details.getByTestId('publish-rtmp-server')).toContainText(rtmpUrl());
    await expect(details.getByTestId('publish-rtmp-key')).toContainText('e2e-cam');
    await expect(details.getByTestId('publish-srt')).toContainText('streamid=publish:live/e2e-cam');
    await screenshot(page, 'monitor-details');
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
