import { expect, test } from '@playwright/test';
import { loginUrl, publishTestPattern, screenshot } from './support/studio';

test('Monitor: record a stream to an MP4 file, stop, download it and send it to the Library', async ({ page }) => {
  const cam = publishTestPattern('e2e-recfile', '640x360');
  const tile = page.locator('[data-testid="stream-tile"][data-stream="live/e2e-recfile"]');
  const panel = page.getByTestId('stream-details').getByTestId('rec-files');
  try {
    await page.goto(loginUrl());
    await expect(tile).toHaveAttribute('data-state', 'publishing', { timeout: 20_000 });
    await expect(tile.getByTestId('stream-rec-file')).toHaveCount(0);
    await tile.click();
    await panel.scrollIntoViewIfNeeded();
    await expect(panel.getByTestId('rec-files-empty')).toBeVisible();
    await panel.getByTestId('rec-files-format').selectOption('mp4');
    await panel.getByTestId('rec-files-rotation').selectOption('off');

    await panel.getByTestId('rec-files-toggle').click();
    await expect(panel).toHaveAttribute('data-recording', 'true');
    await expect(panel.getByTestId('rec-files-toggle')).toContainText('Stop');
    // The tile says so too, apart from the archive's REC.
    await expect(tile.getByTestId('stream-rec-file')).toHaveText('REC FILE');
    await expect(tile.getByTestId('stream-rec')).toHaveText('REC');
    // The file grows with the streams tick.
    const size = panel.getByTestId('rec-files-size');
    await expect(size).toHaveAttribute('data-bytes', /^\d+$/, { timeout: 5000 });
    const first = Number(await size.getAttribute('data-bytes'));
    await expect.poll(async () => Number(await size.getAttribute('data-bytes')), { timeout: 5000 }).toBeGreaterThan(first);
    await expect(panel.locator('[data-testid="rec-file"][data-state="recording"]')).toHaveCount(1);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'monitor-rec-files-recording');

    await panel.getByTestId('rec-files-toggle').click();
    await expect(panel).toHaveAttribute('data-recording', 'false');
  } finally {
    await cam.stop();
  }
  await expect(tile.getByTestId('stream-rec-file')).toHaveCount(0);
  const file = panel.getByTestId('rec-file').first();
  await expect(file).toHaveAttribute('data-state', 'done', { timeout: 15_000 });
  await expect(panel.getByTestId('rec-file')).toHaveCount(1);
  await expect(file).toContainText(/live_e2e-recfile-\d{8}-\d{6}\.mp4/);
  await expect(file.getByTestId('rec-file-size')).toHaveText(/^\d+(\.\d)? [KM]B$/);
  await expect(file.getByTestId('rec-file-duration')).toHaveText(/^\d+s$/);
  await expect(panel.getByTestId('rec-files-count')).toHaveText('1');

  // The download is the finished MP4, index first.
  const href = await file.getByTestId('rec-file-download').getAttribute('href');
  const download = await page.request.get(new URL(href!, page.url()).toString());
  expect(download.status()).toBe(200);
  expect(download.headers()['content-type']).toContain('video/mp4');
  const body = await download.body();
  expect(body.subarray(4, 8).toString('latin1')).toBe('ftyp');

  await file.getByTestId('rec-file-to-library').click();
  await expect(file.getByTestId('rec-file-in-library')).toBeVisible();
  await expect(page.getByTestId('toast').filter({ hasText: 'In the Library' })).toBeVisible();
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'monitor-rec-files-done');

  // R does what the button does for the open stream; offline, the recording waits for it to come back.
  await page.keyboard.press('r');
  await expect(panel).toHaveAttribute('data-recording', 'true');
  await expect(panel.getByTestId('rec-files-live')).toContainText('waiting for the stream');
  await expect(tile.getByTestId('stream-rec-file')).toHaveClass(/is-waiting/);
  await page.keyboard.press('r');
  await expect(panel).toHaveAttribute('data-recording', 'false');
  await expect(tile.getByTestId('stream-rec-file')).toHaveCount(0);
  await expect(panel.getByTestId('rec-file')).toHaveCount(1);
});

test('DVR: Record session records the live lanes together, survives a reload, and stops them all', async ({ page }) => {
  const lanes = ['live/e2e-sess-a', 'live/e2e-sess-b'];
  await page.addInitScript((streams) => localStorage.setItem('framehouse.dvr', JSON.stringify({ streams, active: streams[0] })), lanes);
  const a = publishTestPattern('e2e-sess-a', '320x180');
  const b = publishTestPattern('e2e-sess-b', '320x180');
  const button = page.getByTestId('dvr-record-session');
  let session: string | null;
  try {
    await page.goto(loginUrl());
    for (const name of lanes) await expect(page.locator(`[data-testid="stream-tile"][data-stream="${name}"]`)).toHaveAttribute('data-state', 'publishing', { timeout: 20_000 });
    await page.getByTestId('nav-dvr').click();
    await expect(button).toBeEnabled();
    await expect(button).toHaveText('Record session');

    await button.click();
    await expect(button).toHaveAttribute('aria-pressed', 'true');
    await expect(button).toContainText('Stop session');
    session = await button.getAttribute('data-session');
    expect(session).toMatch(/^[0-9a-f]{12}$/);
    await screenshot(page, 'dvr-record-session');

    // A reload asks the server which session the lanes record in.
    await page.reload();
    await page.getByTestId('nav-dvr').click();
    await expect(button).toHaveAttribute('data-session', session!);
    await expect(button).toContainText('Stop session');

    await button.click();
    await expect(button).toHaveAttribute('aria-pressed', 'false');
    await expect(button).toHaveText('Record session');
  } finally {
    await a.stop();
    await b.stop();
  }
  const listing = await page.request.get(new URL(`/api/recordings?session=${session}`, page.url()).toString());
  expect(listing.status()).toBe(200);
  const { files, active } = (await listing.json()) as { files: { stream: string }[]; active: { stream: string }[] };
  expect(files.map((f) => f.stream).sort()).toEqual(lanes);
  expect(active.filter((s) => lanes.includes(s.stream))).toEqual([]);
});
