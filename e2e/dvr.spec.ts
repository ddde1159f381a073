import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { loginUrl, publishTestPattern, screenshot, studioUrl } from './support/studio';

const run = promisify(execFile);
const STREAM = 'live/e2e-dvr';
/** publishTestPattern sends 30 frames a second: one frame is the export's precision. */
const frameSeconds = 1 / 30;

/** Where time `t` (UTC seconds) is drawn on the timeline, from the axis the canvas carries. */
async function timelineX(page: Page, t: number): Promise<number> {
  // After a zoom or pan the axis is written on the next frame: wait for two.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const canvas = page.getByTestId('dvr-timeline-canvas');
  const start = Number(await canvas.getAttribute('data-start'));
  const spp = Number(await canvas.getAttribute('data-spp'));
  return (t - start) / spp;
}

/** The wall-clock time the DVR shows for the frame on screen, UTC ms (data-time of the clock). */
async function shownTime(page: Page): Promise<number> {
  return Number(await page.getByTestId('dvr-clock').getAttribute('data-time'));
}

/** How long the picture plays: the video stream's duration, edit list applied (audio may run a fraction of an AAC frame longer). */
async function ffprobeVideoDuration(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

test('DVR: scrub the timeline, mark In/Out with keys, export the range and download an MP4 of that length', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const cam = publishTestPattern('e2e-dvr', '640x360');
  // A second camera, for the stacked multi-camera view at the end.
  const side = publishTestPattern('e2e-dvr-side', '480x270');
  try {
    // About ten seconds of archive first.
    let archive: { from: number; to: number } | null = null;
    await expect
      .poll(
        async () => {
          const res = await page.request.get(`${studioUrl()}${STREAM}/media_info.json`);
          if (!res.ok()) return 0;
          archive = ((await res.json()) as { archive: { from: number; to: number } | null }).archive;
          return archive ? archive.to - archive.from : 0;
        },
        { timeout: 40_000, intervals: [1000] },
      )
      .toBeGreaterThanOrEqual(10);

    await page.goto(loginUrl());
    await page.getByTestId('nav-dvr').click();
    await expect(page.getByTestId('section-title')).toHaveText('DVR');
    await expect(page.getByTestId('dvr-chooser')).toBeVisible();
    await screenshot(page, 'dvr-chooser');
    await page.locator(`[data-testid="dvr-choose-stream"][data-stream="${STREAM}"]`).click();
    const player = page.locator(`[data-testid="dvr-player"][data-stream="${STREAM}"]`);
    await expect(player).toHaveAttribute('data-status', 'ready', { timeout: 20_000 });
    await expect(page.getByTestId('dvr-clock')).toHaveAttribute('data-time', /^\d+$/, { timeout: 15_000 });
    const before = await shownTime(page);

    // Click the timeline three seconds into the recording: the picture and its clock go there.
    const { from } = archive!;
    const target = from + 3;
    const canvas = page.getByTestId('dvr-timeline-canvas');
    await canvas.click({ position: { x: await timelineX(page, target), y: 50 } });
    await expect.poll(async () => Math.abs((await shownTime(page)) - target * 1000), { timeout: 15_000 }).toBeLessThan(600);
    // The player may open on the keyframe two seconds before the target: a move of 1.5 s or more is the click's.
    expect(Math.abs((await shownTime(page)) - before)).toBeGreaterThanOrEqual(1500);
    const clockText = await page.getByTestId('dvr-clock').locator('.clock-time').textContent();
    expect(clockText).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3}$/);

    // Hover shows the picture at that time (a keyframe thumbnail from the archive).
    await canvas.hover({ position: { x: await timelineX(page, from + 6), y: 50 } });
    const thumb = page.getByTestId('dvr-hover-thumb');
    await expect(thumb).toBeVisible();
    await expect(thumb.locator('img')).toHaveAttribute('src', /\/live\/e2e-dvr\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/\d{2}\/\d{2}\.jpg/, { timeout: 20_000 });
    await expect(thumb.locator('img')).toBeVisible();
    await screenshot(page, 'dvr-timeline');
    await page.mouse.move(10, 10);

    // In, four one-second steps (Shift+→), Out.
    await page.keyboard.press('i');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(async () => Math.abs((await shownTime(page)) - (target + 4) * 1000), { timeout: 15_000 }).toBeLessThan(600);
    await page.keyboard.press('o');
    await expect(page.getByTestId('dvr-range-duration')).toHaveText('4.0 s');
    await expect(page.getByTestId('dvr-in-time')).toHaveValue(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);

    // Z fits the marked range; - and + zoom by two around the playhead.
    const spp = async () => Number(await canvas.getAttribute('data-spp'));
    const wide = await spp();
    await page.keyboard.press('z');
    await expect.poll(spp).toBeLessThan(wide / 5);
    const fitted = await spp();
    await page.keyboard.press('-');
    await expect.poll(spp).toBeCloseTo(fitted * 2, 5);
    await page.keyboard.press('+');
    await expect.poll(spp).toBeCloseTo(fitted, 5);

    // Lock the marked range from the same bar, and take the lock off again.
    await page.getByTestId('dvr-lock').click();
    await expect(page.getByTestId('dvr-lock')).toHaveAttribute('data-locked', 'all', { timeout: 10_000 });

    // Export with E: the saved job, its progress bar, then the download.
    await page.keyboard.press('e');
    const dialog = page.getByTestId('export-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('export-length')).toHaveText('4.0 s');
    const [created] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/exports'),
      dialog.getByTestId('export-start').click(),
    ]);
    const job = (await created.json()) as { from: number; duration: number };
    // In, four one-second steps, Out: the range asked for is 4 s, to the frame.
    expect(Math.abs(job.duration - 4), `range asked for: ${job.duration} s`).toBeLessThanOrEqual(frameSeconds);
    const progress = dialog.getByTestId('export-progress');
    await expect(progress).toBeVisible({ timeout: 15_000 });
    await expect(progress).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    await expect(progress).toHaveAttribute('aria-valuenow', '100');
    await screenshot(page, 'dvr-export');
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('export-download').click()]);
    const file = testInfo.outputPath(download.suggestedFilename() || 'dvr-export.mp4');
    await download.saveAs(file);
    await dialog.getByTestId('export-close').click();
    await expect(page.getByTestId('export-tray').getByTestId('export-job')).toHaveAttribute('data-state', 'done');
    const duration = await ffprobeVideoDuration(file);
    testInfo.annotations.push({ type: 'export', description: `exported file plays ${duration.toFixed(3)} s for a ${job.duration.toFixed(3)} s range` });
    // The file plays the range: it starts on In's picture (edit list) and ends at Out, within one frame.
    expect(Math.abs(duration - job.duration), `video plays ${duration} s`).toBeLessThanOrEqual(frameSeconds);

    await page.getByTestId('dvr-lock').click();
    await expect(page.getByTestId('dvr-lock')).toHaveAttribute('data-locked', 'none', { timeout: 10_000 });

    // A second camera stacked on the same time axis: both pictures follow the playhead.
    await page.getByTestId('dvr-add-stream').click();
    await page.getByTestId('dvr-stream-menu').locator('[data-stream="live/e2e-dvr-side"]').click();
    const sidePlayer = page.locator('[data-testid="dvr-player"][data-stream="live/e2e-dvr-side"]');
    await expect(sidePlayer).toHaveAttribute('data-status', 'ready', { timeout: 20_000 });
    // The whole recording of both, on one axis.
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await canvas.click({ position: { x: await timelineX(page, target + 2), y: 40 } });
    // Both pictures at the clicked time, each on its own frames (within a frame or two of each other).
    await expect.poll(async () => Math.abs((await shownTime(page)) - (target + 2) * 1000), { timeout: 15_000 }).toBeLessThan(600);
    const secondsOfDay = (text: string | null) => {
      const m = /^(\d{2}):(\d{2}):(\d{2}\.\d{3})$/.exec(text ?? '');
      return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : NaN;
    };
    const mainTime = page.locator(`[data-testid="dvr-player"][data-stream="${STREAM}"]`).getByTestId('dvr-player-time');
    await expect
      .poll(async () => Math.abs(secondsOfDay(await sidePlayer.getByTestId('dvr-player-time').textContent()) - secondsOfDay(await mainTime.textContent())), { timeout: 15_000 })
      .toBeLessThan(0.2);
    await canvas.hover({ position: { x: await timelineX(page, target + 5), y: 80 } });
    // The screenshot with the hover picture in it: wait for that picture, not for a time.
    await expect(thumb.locator('img')).toBeVisible({ timeout: 20_000 });
    await expect.poll(() => thumb.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 20_000 }).toBe(true);
    await screenshot(page, 'dvr-multicam');
    await page.mouse.move(10, 10);

    // The DVR keys are listed in the ? overlay.
    await page.keyboard.press('?');
    await expect(page.getByTestId('shortcuts-dvr')).toContainText('Mark In, mark Out');
    await screenshot(page, 'dvr-shortcuts');
    await page.keyboard.press('Escape');
  } finally {
    await cam.stop();
    await side.stop();
  }
});
