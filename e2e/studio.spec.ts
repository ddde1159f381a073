import fs from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { adminToken, dataDir, loginUrl, screenshot, studioUrl } from './support/studio';

const sections = [
  { key: 'monitor', title: 'Monitor', shortcut: '1' },
  { key: 'dvr', title: 'DVR', shortcut: '2' },
  { key: 'library', title: 'Library', shortcut: '3' },
  { key: 'mixer', title: 'Mixer', shortcut: '4' },
  { key: 'settings', title: 'Settings', shortcut: '5' },
];

test('the printed login URL signs in, hides the token, and every section opens', async ({ page }) => {
  await page.goto(loginUrl());
  await expect(page).toHaveURL(studioUrl());
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-state', 'open');
  await expect(page.getByTestId('status-ffmpeg')).toContainText(/ffmpeg \d/);
  await expect(page.getByTestId('status-disk')).toContainText(/free/i);

  for (const section of sections) {
    await page.getByTestId(`nav-${section.key}`).click();
    await expect(page.getByTestId('section-title')).toHaveText(section.title);
    await screenshot(page, `section-${section.key}`);
  }
  // Keyboard: Ctrl+1 goes back to the Monitor.
  await page.keyboard.press('Control+1');
  await expect(page.getByTestId('section-title')).toHaveText('Monitor');
});

test('a browser without a session gets the watch page, and signs in by hand from it', async ({ page }) => {
  await page.goto(studioUrl());
  await page.getByTestId('watch-sign-in').click();
  await expect(page.getByTestId('login-form')).toBeVisible();
  await page.getByTestId('login-token').fill('not-the-token');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toBeVisible();
  await screenshot(page, 'login');
  await page.getByTestId('login-token').fill(adminToken());
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('section-title')).toHaveText('Monitor');
});

test('a wrong token in the login URL says so', async ({ page }) => {
  const response = await page.goto(`${studioUrl()}?token=wrong`);
  // The server redirected to /?auth=invalid; the page may tidy the address afterwards.
  expect(response?.request().redirectedFrom()?.url()).toMatch(/token=wrong/);
  expect(response?.url()).toMatch(/auth=invalid/);
  await expect(page.getByTestId('login-error')).toContainText(/not valid/i);
});

test('settings are edited, validated by the server, saved to config.json, and shown after reload', async ({ page }) => {
  await page.goto(loginUrl());
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('settings-form')).toBeVisible();
  await expect(page.getByTestId('encoders-table')).toContainText('libx264');

  const rtmp = page.getByTestId('setting-rtmpPort');
  await rtmp.fill('1999');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();
  const saved = JSON.parse(await fs.readFile(path.join(dataDir(), 'config.json'), 'utf8')) as Record<string, unknown>;
  expect(saved.rtmpPort).toBe(1999);

  await page.reload();
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('setting-rtmpPort')).toHaveValue('1999');

  await page.getByTestId('setting-srtPort').fill('99999');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-error')).toContainText('srtPort');
  await screenshot(page, 'settings-error');
});

test('re-probing encoders shows progress and then the table again', async ({ page, request }) => {
  const probedAt = async () =>
    ((await (await request.get(`${studioUrl()}api/system`, { headers: { authorization: `Bearer ${adminToken()}` } })).json()) as { ffmpeg: { probedAt: string | null } }).ffmpeg.probedAt;
  await page.goto(loginUrl());
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('encoders-table')).toContainText('libx264');
  const before = await probedAt();
  // Hold the re-probe request until the page has been seen waiting for it: a fast probe cannot finish unseen.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/system/ffmpeg/probe', async (route) => {
    await held;
    await route.continue();
  });
  const button = page.getByTestId('encoders-reprobe');
  await button.click();
  await expect(page.getByTestId('encoders-probing')).toBeVisible();
  await expect(button).toBeDisabled();
  await expect(button).toHaveText('Probing encoders…');
  await screenshot(page, 'settings-encoders-probing');
  release();
  await expect(page.getByTestId('encoders-probing')).toHaveCount(0, { timeout: 30_000 });
  await expect(button).toBeEnabled();
  await expect(button).toHaveText('Re-probe encoders');
  await expect(page.getByTestId('encoders-table')).toContainText('libx264');
  // The server really probed again: a newer test time.
  const after = await probedAt();
  expect(after).not.toBeNull();
  expect(Date.parse(after!)).toBeGreaterThan(before ? Date.parse(before) : 0);
  await page.unroute('**/api/system/ffmpeg/probe');
  await screenshot(page, 'settings-encoders');
});
