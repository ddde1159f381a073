import { expect, test } from '@playwright/test';
import { publishTestPattern, screenshot, studioUrl } from './support/studio';

test('embed.html plays a live RTMP stream with hls.js, and seeks in a DVR range', async ({ page }) => {
  const cam = publishTestPattern('e2e-play', '640x360');
  try {
    const live = `${studioUrl()}live/e2e-play/index.m3u8`;
    await expect.poll(async () => (await page.request.get(live)).status(), { timeout: 20_000 }).toBe(200);
    await page.goto(`${studioUrl()}live/e2e-play/embed.html?autoplay=1`);
    await page.waitForFunction(() => {
      const p = (window as unknown as { framehousePlayer?: { video: HTMLVideoElement } }).framehousePlayer;
      return p !== undefined && p.video.currentTime > 1;
    }, undefined, { timeout: 20_000 });
    // Playing on: the picture advances 1.2 s more (within a deadline, whatever the machine's load).
    const t1 = await page.evaluate(() => (window as unknown as { framehousePlayer: { video: HTMLVideoElement } }).framehousePlayer.video.currentTime);
    await page.waitForFunction((from) => (window as unknown as { framehousePlayer: { video: HTMLVideoElement } }).framehousePlayer.video.currentTime > from + 1.2, t1, { timeout: 10_000 });
    // Distance from live: the wall clock now vs the PROGRAM-DATE-TIME of the frame on screen. hls.js settles at its
    // distance while it plays: it must get under 3 target durations (6 s), within a deadline rather than after a fixed wait.
    let behindMs = Number.NaN;
    await expect
      .poll(async () => {
        behindMs = await page.evaluate(() => {
          const hls = (window as unknown as { framehousePlayer: { hls: { playingDate: Date | null } } }).framehousePlayer.hls;
          return hls.playingDate ? Date.now() - hls.playingDate.getTime() : Number.NaN;
        });
        return behindMs;
      }, { timeout: 15_000 })
      .toBeLessThan(6000);
    test.info().annotations.push({ type: 'latency', description: `plain HLS plays ${behindMs} ms behind live` });
    console.log(`plain HLS: ${behindMs} ms behind live (target under 3 target durations, 6 s)`);
    await expect(page.locator('.clock')).toHaveText(/\d/);
    await screenshot(page, 'embed-live');

    // A finished range from the archive: VOD, seekable.
    const from = Math.floor(Date.now() / 1000) - 8;
    await page.goto(`${studioUrl()}live/e2e-play/embed.html?from=${from}&to=${from + 6}&muted=1`);
    await page.waitForFunction(() => {
      const p = (window as unknown as { framehousePlayer?: { video: HTMLVideoElement } }).framehousePlayer;
      return p !== undefined && Number.isFinite(p.video.duration) && p.video.duration > 3;
    }, undefined, { timeout: 20_000 });
    const seeked = await page.evaluate(async () => {
      const v = (window as unknown as { framehousePlayer: { video: HTMLVideoElement } }).framehousePlayer.video;
      v.currentTime = v.duration / 2;
      await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
      return { at: v.currentTime, duration: v.duration };
    });
    expect(seeked.at).toBeGreaterThan(seeked.duration / 2 - 1);
  } finally {
    await cam.stop();
  }
});

test('embed.html with lowlatency plays LL-HLS parts a few seconds behind live', async ({ page }) => {
  const cam = publishTestPattern('e2e-ll', '640x360');
  try {
    await expect.poll(async () => (await page.request.get(`${studioUrl()}live/e2e-ll/index.m3u8`)).status(), { timeout: 20_000 }).toBe(200);
    const parts: string[] = [];
    page.on('request', (r) => {
      if (/\/l-\d+\.\d+\.m4s/.test(r.url())) parts.push(r.url());
    });
    await page.goto(`${studioUrl()}live/e2e-ll/embed.html?autoplay=1&lowlatency=1`);
    await page.waitForFunction(() => {
      const p = (window as unknown as { framehousePlayer?: { video: HTMLVideoElement } }).framehousePlayer;
      return p !== undefined && p.video.currentTime > 1;
    }, undefined, { timeout: 20_000 });
    // hls.js starts further back and catches up to its target distance: wait for it to get there, then sample it
    // on eight of the video's time updates (about 2 s of playback; a stall fails instead of waiting forever).
    const behind = () =>
      page.evaluate(() => {
        const hls = (window as unknown as { framehousePlayer: { hls: { playingDate: Date | null } } }).framehousePlayer.hls;
        return hls.playingDate ? Date.now() - hls.playingDate.getTime() : Number.NaN;
      });
    await expect.poll(behind, { timeout: 20_000 }).toBeLessThan(3000);
    const samples = await page.evaluate(async () => {
      const { video, hls } = (window as unknown as { framehousePlayer: { video: HTMLVideoElement; hls: { playingDate: Date | null } } }).framehousePlayer;
      const taken: number[] = [];
      const deadline = Date.now() + 10_000;
      while (taken.length < 8) {
        await new Promise<void>((resolve, reject) => {
          const stalled = setTimeout(() => reject(new Error(`playback stalled after ${taken.length} samples`)), deadline - Date.now());
          video.addEventListener('timeupdate', () => (clearTimeout(stalled), resolve()), { once: true });
        });
        taken.push(hls.playingDate ? Date.now() - hls.playingDate.getTime() : Number.NaN);
      }
      return taken;
    });
    const sorted = [...samples].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    test.info().annotations.push({ type: 'latency', description: `LL-HLS plays ${Math.round(median)} ms behind live (samples ${samples.map(Math.round).join(', ')})` });
    console.log(`LL-HLS: ${Math.round(median)} ms behind live (median of ${samples.length}; target under 3000 ms on loopback)`);
    expect(parts.length).toBeGreaterThan(3);
    expect(median).toBeLessThan(3000);
    await screenshot(page, 'embed-lowlatency');
  } finally {
    await cam.stop();
  }
});
