import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

export const studioUrl = () => process.env.FRAMEHOUSE_E2E_URL!;
export const loginUrl = () => process.env.FRAMEHOUSE_E2E_LOGIN!;
export const adminToken = () => process.env.FRAMEHOUSE_E2E_TOKEN!;
export const dataDir = () => process.env.FRAMEHOUSE_E2E_DATA_DIR!;
/** rtmp://127.0.0.1:PORT/live */
export const rtmpUrl = () => process.env.FRAMEHOUSE_E2E_RTMP!;

/** An ffmpeg test pattern published to the studio over RTMP until stop(). */
export function publishTestPattern(name: string, size = '640x360', extra: string[] = []): { stop(): Promise<void> } {
  return publishTo(rtmpUrl(), name, size, extra);
}

/** The same, to any RTMP application URL (rtmp://HOST:PORT/APP). */
export function publishTo(rtmpBase: string, name: string, size = '640x360', extra: string[] = []): { stop(): Promise<void> } {
  return publishPattern(size, [...extra, '-f', 'flv', `${rtmpBase}/${name}`]);
}

/**
 * The test pattern as MPEG-TS over HTTP to the shared studio (live/NAME): its HTTP port
 * stays put while a settings test may move the RTMP listener.
 */
export function publishOverHttp(name: string, size = '640x360'): { stop(): Promise<void> } {
  return publishPattern(size, ['-f', 'mpegts', `${studioUrl()}live/${name}/mpegts`]);
}

function publishPattern(size: string, output: string[]): { stop(): Promise<void> } {
  const child = spawn(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`, '-f', 'lavfi', '-i', 'sine=frequency=440',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60', '-pix_fmt', 'yuv420p', '-c:a', 'aac', ...output],
    { stdio: 'ignore' },
  );
  return {
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

const shots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

/** Saved under e2e/screenshots/ for people to look at; not compared. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false });
}
