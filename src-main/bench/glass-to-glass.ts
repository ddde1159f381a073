// Glass-to-glass latency in real Chromium: a publisher page paints the wall clock into a
// canvas as a row of black and white cells, 30 times a second, and publishes the canvas
// by WHIP; a viewer page reads the cells back from every frame it shows (WHEP, then
// LL-HLS in hls.js) and subtracts. Both pages share this machine's clock, so the
// difference is the whole path: encode, network, studio, jitter buffer, decode, display.
// The pages' code is resources/bench/clock-pages.js (browser code, not this process's).
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { chromium } from '@playwright/test';
import { chromiumPath } from '../test-support/chromium.js';
import { appRoot } from '../version.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pageScript = path.join(appRoot, 'resources', 'bench', 'clock-pages.js');

export interface LatencySamples {
  path: string;
  samples: number[];
  /** Times the picture stopped for want of data while it was read (the video's waiting events); HLS only. */
  stalls?: number;
}

/** A page of the studio's origin (its WHIP/WHEP URLs are same-origin) with the clock code loaded. */
async function clockPage(browser: Browser, url: string): Promise<Page> {
  // The studio's pages forbid inline scripts (CSP); the bench's own is let in.
  const page = await (await browser.newContext({ bypassCSP: true })).newPage();
  await page.goto(url);
  await page.addScriptTag({ path: pageScript });
  return page;
}

const read = (page: Page, seconds: number) => page.evaluate(`framehouseClock.read(${seconds})`) as Promise<number[]>;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface GlassOptions {
  /** Runs once the published clock is live (the mixer bench starts a mix of it here). */
  afterPublish?: () => Promise<void>;
  /** Streams read back by WHEP, in turn (default: the published one). */
  whep?: { label: string; stream: string }[];
  /** Read the published stream by LL-HLS too (default true). */
  hls?: boolean;
}

/** Publishes the clock to `stream` on the studio at `base`, then reads it back by WHEP and by LL-HLS, `seconds` each. */
export async function glassToGlass(base: string, stream: string, seconds: number, o: GlassOptions = {}): Promise<LatencySamples[]> {
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      // Pages in the background would be throttled: each has its own window here, all painting.
      args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required', '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'],
    });
    const publisher = await clockPage(browser, base);
    await publisher.evaluate(`framehouseClock.publish(${JSON.stringify(stream)})`);
    for (let i = 0; (await fetch(`${base}${stream}/index.m3u8`)).status !== 200; i++) {
      if (i > 100) throw new Error('the published clock never went live');
      await sleep(200);
    }
    await o.afterPublish?.();
    const results: LatencySamples[] = [];
    for (const target of o.whep ?? [{ label: 'WebRTC (WHIP → studio → WHEP)', stream }]) {
      const webrtc = await clockPage(browser, base);
      await webrtc.evaluate(`framehouseClock.watchWhep(${JSON.stringify(target.stream)})`);
      await sleep(2000);
      results.push({ path: target.label, samples: await read(webrtc, seconds) });
      await webrtc.close();
    }
    if (o.hls === false) return results;
    const hls = await clockPage(browser, `${base}${stream}/embed.html?autoplay=1&muted=1&lowlatency=1`);
    await hls.waitForFunction('(window.framehousePlayer?.video.currentTime ?? 0) > 1', undefined, { timeout: 30_000 });
    await hls.evaluate('window.clockVideo = window.framehousePlayer.video');
    await sleep(3000);
    await hls.evaluate(`window.clockStalls = 0; window.clockVideo.addEventListener('waiting', () => window.clockStalls++)`);
    const samples = await read(hls, seconds);
    results.push({ path: 'LL-HLS (hls.js, low-latency mode)', samples, stalls: (await hls.evaluate('window.clockStalls')) as number });
    return results;
  } finally {
    await browser?.close();
  }
}
