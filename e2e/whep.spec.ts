import { expect, test } from '@playwright/test';
import { adminToken, loginUrl, publishOverHttp, screenshot, studioUrl } from './support/studio';
import { playWhep, receivedCodecs } from './support/webrtc';

test('WHEP: a live stream (MPEG-TS over HTTP) plays in the browser over WebRTC, H.264 as it came and its AAC as Opus', async ({ page }) => {
  test.setTimeout(90_000);
  const name = 'live/e2e-whep';
  const publisher = publishOverHttp('e2e-whep');
  try {
    await page.goto(studioUrl());
    await expect.poll(async () => (await page.request.get(`${studioUrl()}${name}/index.m3u8`)).status(), { timeout: 20_000 }).toBe(200);
    const location = await playWhep(page, name);
    expect(location).toMatch(/^\/live\/e2e-whep\/whep\/[0-9a-f]{32}$/);
    const video = page.getByTestId('whep-video');
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20_000 }).toBe(640);
    await video.evaluate((v: HTMLVideoElement) => v.play());
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 }).toBeGreaterThan(1);
    // Sound arrives as Opus, and the picture as H.264: what the browser's receivers report.
    const received = await receivedCodecs(page);
    expect(received).toMatchObject({ video: 'video/H264', audio: 'audio/opus' });
    expect(received.audioPackets).toBeGreaterThan(20);
    // The Monitor lists the WebRTC viewer, with the RTT its receiver reports give.
    const headers = { authorization: `Bearer ${adminToken()}` };
    await expect
      .poll(async () => {
        const sessions = (await (await page.request.get(`${studioUrl()}api/sessions?stream=${encodeURIComponent(name)}`, { headers })).json()) as { protocol: string; rttMs?: number | null; bytesSent: number }[];
        const webrtc = sessions.find((x) => x.protocol === 'webrtc');
        return webrtc ? `${typeof webrtc.rttMs} ${webrtc.bytesSent > 10_000}` : 'none';
      }, { timeout: 15_000 })
      .toBe('number true');
    expect((await page.request.delete(`${studioUrl()}${location!.slice(1)}`)).status()).toBe(200);
    await expect.poll(async () => ((await (await page.request.get(`${studioUrl()}api/sessions?stream=${encodeURIComponent(name)}`, { headers })).json()) as { protocol: string }[]).filter((x) => x.protocol === 'webrtc').length, { timeout: 10_000 }).toBe(0);
  } finally {
    await publisher.stop();
  }
});

test("The Monitor's details play the stream over WebRTC, not counted as a viewer", async ({ page }) => {
  test.setTimeout(60_000);
  const name = 'live/e2e-whep-preview';
  const publisher = publishOverHttp('e2e-whep-preview');
  try {
    await page.goto(loginUrl());
    const tile = page.locator(`[data-testid="stream-tile"][data-stream="${name}"]`);
    await expect(tile).toBeVisible({ timeout: 20_000 });
    await tile.click();
    await expect(page.getByTestId('live-preview')).toHaveAttribute('data-playing', 'webrtc', { timeout: 20_000 });
    await screenshot(page, 'monitor-live-preview');
    const headers = { authorization: `Bearer ${adminToken()}` };
    const sessions = (await (await page.request.get(`${studioUrl()}api/sessions?stream=${encodeURIComponent(name)}`, { headers })).json()) as { protocol: string }[];
    expect(sessions.filter((x) => x.protocol === 'webrtc')).toEqual([]);
  } finally {
    await publisher.stop();
  }
});

