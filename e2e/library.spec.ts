import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { adminToken, dataDir, loginUrl, screenshot, studioUrl } from './support/studio';

const run = promisify(execFile);

test('Library: a file copied into the media folder and one uploaded from the window both play, at a size picked by hand, with a LAN link', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const media = path.join(dataDir(), 'media');
  await fs.mkdir(media, { recursive: true });
  // A 1280×720 H.264/AAC file copied in on disk (the watcher finds it), and an AV1/Opus WebM to upload (its original plays remuxed to fMP4).
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '12', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-c:a', 'aac', path.join(media, 'e2e-lib-clip.mp4')]);
  const uploadDir = await fs.mkdtemp(path.join(os.tmpdir(), 'fh-e2e-upload-'));
  const webm = path.join(uploadDir, 'e2e-lib-upload.webm');
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=660', '-t', '4', '-c:v', 'libsvtav1', '-preset', '12', '-g', '50', '-b:v', '400k', '-c:a', 'libopus', webm]);
  try {
    await page.goto(loginUrl());
    await page.getByTestId('nav-library').click();
    const clip = page.locator('[data-testid="library-file"][data-path="e2e-lib-clip.mp4"]');
    await expect(clip).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });

    // Uploaded from the window (the file chooser; dropping files uses the same queue): progress, then listed.
    await page.getByTestId('library-upload-input').setInputFiles(webm);
    const item = page.locator('[data-testid="upload-item"][data-name="e2e-lib-upload.webm"]');
    await expect(item).toBeVisible();
    await expect(item).toHaveAttribute('data-state', 'done', { timeout: 20_000 });
    const uploaded = page.locator('[data-testid="library-file"][data-path="e2e-lib-upload.webm"]');
    await expect(uploaded).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
    await expect(uploaded.locator('img.library-poster')).toBeVisible({ timeout: 10_000 });

    // The H.264 file plays (its original remuxed, or a transcoded size), and a size picked by hand is what plays.
    await clip.click();
    const detail = page.getByTestId('library-detail');
    await expect(detail).toHaveAttribute('data-path', 'e2e-lib-clip.mp4');
    const video = detail.getByTestId('vod-video');
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 }).toBeGreaterThan(1);
    const quality = detail.getByTestId('vod-quality');
    await expect(quality.locator('option')).toHaveText([/^Auto/, 'Original 720p', '480p', '360p', '240p']);
    await quality.selectOption({ label: '240p' });
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoHeight), { timeout: 20_000 }).toBe(240);
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 }).toBeGreaterThan(4);
    // The scrub bar shows the picture under the pointer (the file's sprite) and goes there on a click.
    const scrub = detail.getByTestId('vod-scrub');
    const box = (await scrub.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2);
    await expect(detail.getByTestId('vod-scrub-hover').locator('.scrub-thumb')).toBeVisible();
    await expect(detail.getByTestId('vod-scrub-hover')).toContainText(/^(8\.9|9\.0|9\.1) s/);
    await screenshot(page, 'library-scrub');
    await page.mouse.click(box.x + box.width * 0.75, box.y + box.height / 2);
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 }).toBeGreaterThan(8.5);
    await expect(detail.getByTestId('library-link')).toHaveText(/\/vod\/media\/e2e-lib-clip\.mp4\/index\.m3u8$/);
    await expect(detail.getByTestId('library-qr')).toBeVisible();
    await screenshot(page, 'library-grid');

    // AV1 with Opus: MPEG-TS carries neither, so the original plays from fMP4 segments (init.mp4 + N.m4s), picked by hand.
    await uploaded.click();
    await expect(detail).toHaveAttribute('data-path', 'e2e-lib-upload.webm');
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await expect(quality.locator('option')).toHaveText([/^Auto/, 'Original 360p', '360p', '240p']);
    await quality.selectOption({ label: 'Original 360p' });
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoHeight), { timeout: 20_000 }).toBe(360);
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 }).toBeGreaterThan(2);
    await clip.click();

    // The list view, found by name, moved through with the keyboard.
    await page.keyboard.press('g');
    await page.getByTestId('library-search').fill('e2e-lib');
    await expect(page.getByTestId('library-count')).toHaveText('2 files');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('ArrowDown');
    await expect(detail).toHaveAttribute('data-path', 'e2e-lib-upload.webm');
    // Several at once: Ctrl+A (Shift and Ctrl clicks too) selects for a bulk delete or a drag onto a folder.
    await page.keyboard.press('Control+a');
    await expect(page.getByTestId('library-bulk')).toContainText('2 files selected');
    await screenshot(page, 'library-list');
    // The two as one live stream, one after the other (a playlist, looping), then stopped from the API.
    await page.getByTestId('library-bulk').getByTestId('library-play-live').click();
    await expect(page.getByTestId('library-bulk')).toContainText('Live as live/e2e-lib-clip-playlist');
    const streamUrl = `${studioUrl()}api/streams/live%2Fe2e-lib-clip-playlist`;
    const headers = { authorization: `Bearer ${adminToken()}` };
    const stream = (await (await page.request.get(streamUrl, { headers })).json()) as { config: { playlist: boolean; sources: { url: string }[] } };
    expect(stream.config.playlist).toBe(true);
    expect(stream.config.sources.map((x) => x.url)).toEqual(['library://media/e2e-lib-clip.mp4', 'library://media/e2e-lib-upload.webm']);
    expect((await page.request.delete(streamUrl, { headers })).status()).toBeLessThan(300);
    await page.getByTestId('library-bulk').getByRole('button', { name: 'Clear' }).click();
    await expect(page.getByTestId('library-bulk')).toHaveCount(0);

    // Renamed into a sub-folder from the detail pane, then deleted after asking.
    await detail.getByTestId('library-rename').click();
    await detail.getByTestId('library-rename-input').fill('moved/e2e-lib-upload-renamed.webm');
    await detail.getByTestId('library-rename-input').press('Enter');
    const renamed = page.locator('[data-testid="library-file"][data-path="moved/e2e-lib-upload-renamed.webm"]');
    await expect(renamed).toBeVisible({ timeout: 10_000 });
    await renamed.click();
    await detail.getByTestId('library-delete').click();
    await page.getByTestId('library-delete-confirm').getByRole('button', { name: 'Delete' }).click();
    await expect(renamed).toHaveCount(0, { timeout: 10_000 });
    await expect(page.getByTestId('library-count')).toHaveText('1 file');

    // A visitor on the LAN (no sign-in) finds it on the watch page and plays it; a QR code hands it to a phone.
    const visitor = await browser.newContext();
    try {
      const guest = await visitor.newPage();
      await guest.goto(studioUrl());
      const card = guest.locator('[data-testid="watch-vod-card"][data-path="e2e-lib-clip.mp4"]');
      await card.click();
      const guestVideo = guest.getByTestId('watch-vod').getByTestId('vod-video');
      await guestVideo.evaluate((v: HTMLVideoElement) => {
        v.muted = true;
        return v.play();
      });
      await expect.poll(() => guestVideo.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 }).toBeGreaterThan(1);
      await expect(guest.getByTestId('watch-vod-qr')).toHaveAttribute('data-text', /#vod=media%2Fe2e-lib-clip\.mp4$/);
      await screenshot(guest, 'watch-library-file');
    } finally {
      await visitor.close();
    }
  } finally {
    await fs.rm(uploadDir, { recursive: true, force: true });
    await fs.rm(path.join(media, 'e2e-lib-clip.mp4'), { force: true });
    await fs.rm(path.join(media, 'e2e-lib-upload.webm'), { force: true });
  }
});
