import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { adminToken, loginUrl, screenshot, studioUrl } from './support/studio';
import { playWhep, receivedCodecs } from './support/webrtc';

const run = promisify(execFile);

test('WHIP: a browser publishes its camera in VP8 over WebRTC; WHEP viewers get its VP8 as it came, HLS plays H.264 + AAC, it records, exports an MP4, and ends when the publisher leaves', async ({ page, request }) => {
  test.setTimeout(90_000);
  const name = 'live/e2e-whip';
  const headers = { authorization: `Bearer ${adminToken()}` };
  await page.goto(studioUrl());
  // The fake camera (Chromium's test pattern) and microphone, sent as WHIP clients do: one offer, the answer, done.
  // VP8, as a browser without an H.264 encoder sends: the studio encodes it to H.264 for HLS and the DVR.
  const location = await page.evaluate(async (stream) => {
    const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 }, audio: true });
    const pc = new RTCPeerConnection();
    for (const track of media.getTracks()) {
      const transceiver = pc.addTransceiver(track, { direction: 'sendonly' });
      if (track.kind === 'video') transceiver.setCodecPreferences(RTCRtpReceiver.getCapabilities('video')!.codecs.filter((c) => c.mimeType === 'video/VP8'));
    }
    await pc.setLocalDescription(await pc.createOffer());
    const res = await fetch(`/${stream}/whip`, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription!.sdp });
    if (res.status !== 201) throw new Error(`WHIP answered ${res.status}: ${await res.text()}`);
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    (window as unknown as { whip: RTCPeerConnection }).whip = pc;
    return res.headers.get('location');
  }, name);
  expect(location).toMatch(/^\/live\/e2e-whip\/whip\/[0-9a-f]{32}$/);

  // The stream is live from WebRTC, VP8 made H.264 and Opus made AAC.
  await expect
    .poll(async () => {
      const s = (await (await request.get(`${studioUrl()}api/streams/${encodeURIComponent(name)}`, { headers })).json()) as { state: string; protocol: string | null; video: { codec: string; width: number } | null; audio: { codec: string } | null };
      return `${s.state} ${s.protocol ?? '-'} ${s.video?.codec ?? '-'} ${s.video?.width ?? '-'} ${s.audio?.codec ?? '-'}`;
    }, { timeout: 20_000 })
    .toBe('publishing whip h264 640 aac');
  await expect.poll(async () => (await request.get(`${studioUrl()}${name}/index.m3u8`)).status(), { timeout: 20_000 }).toBe(200);
  // A WHEP viewer gets the publisher's own VP8 and Opus packets, forwarded: nothing re-encoded on the way.
  const viewer = await page.context().newPage();
  await viewer.goto(studioUrl());
  await playWhep(viewer, name);
  const video = viewer.getByTestId('whep-video');
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 15_000 }).toBe(640);
  expect(await receivedCodecs(viewer)).toMatchObject({ video: 'video/VP8', audio: 'audio/opus' });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames), { timeout: 10_000 }).toBeGreaterThan(30);

  const probed = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', `${studioUrl()}${name}/index.m3u8`], { timeout: 30_000 });
  // (ffprobe lists the HLS program's streams and the streams themselves: the same two.)
  expect([...new Set(probed.stdout.split('\n').filter(Boolean))].sort()).toEqual(['aac', 'h264']);

  // Recorded in the DVR like any source, and a range of it exports as an MP4 with both tracks.
  const archive = await expect
    .poll(async () => {
      const info = (await (await request.get(`${studioUrl()}${name}/media_info.json`)).json()) as { archive: { from: number; to: number } | null };
      return info.archive && info.archive.to - info.archive.from >= 4 ? info.archive : null;
    }, { timeout: 20_000 })
    .not.toBeNull()
    .then(async () => ((await (await request.get(`${studioUrl()}${name}/media_info.json`)).json()) as { archive: { from: number; to: number } }).archive);
  const mp4 = await request.get(`${studioUrl()}${name}/archive-${archive.from}-${archive.to - archive.from}.mp4`);
  expect(mp4.status()).toBe(200);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fh-whip-'));
  try {
    await fs.writeFile(path.join(dir, 'export.mp4'), await mp4.body());
    const exported = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', path.join(dir, 'export.mp4')]);
    expect(exported.stdout.trim().split('\n').sort()).toEqual(['aac', 'h264']);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }

  // The publisher going away (its browser closes the connection, no DELETE) ends the stream cleanly, and its viewers' sessions.
  await page.evaluate(() => (window as unknown as { whip: RTCPeerConnection }).whip.close());
  await expect.poll(() => viewer.evaluate(() => (window as unknown as { whep: RTCPeerConnection }).whep.connectionState), { timeout: 15_000 }).not.toBe('connected');
  await expect
    .poll(async () => ((await (await request.get(`${studioUrl()}api/streams/${encodeURIComponent(name)}`, { headers })).json()) as { state: string }).state, { timeout: 15_000 })
    .toBe('idle');
  // Its session URL is gone with it.
  expect((await request.delete(`${studioUrl()}${location!.slice(1)}`)).status()).toBe(404);
  await request.delete(`${studioUrl()}api/streams/${encodeURIComponent(name)}`, { headers });
});

test('Go live from this browser: the Monitor publishes the camera by WHIP with one click and shows it live', async ({ page, request }) => {
  test.setTimeout(60_000);
  const headers = { authorization: `Bearer ${adminToken()}` };
  await page.goto(loginUrl());
  await page.getByTestId('go-live-open').click();
  const dialog = page.getByTestId('go-live');
  await expect.poll(() => dialog.getByTestId('go-live-preview').evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 10_000 }).toBeGreaterThan(0);
  await dialog.getByTestId('go-live-name').fill('live/e2e-golive');
  await dialog.getByTestId('go-live-start').click();
  await expect(dialog.getByTestId('go-live-status')).toHaveAttribute('data-state', 'connected', { timeout: 15_000 });
  await expect(dialog.getByTestId('go-live-status')).toContainText(/Live · [1-9]/, { timeout: 10_000 });
  // H.264 is sent when the browser can: the studio passes it through as it is.
  await expect(dialog.getByTestId('go-live-status')).toContainText('H264');
  await expect
    .poll(async () => ((await (await request.get(`${studioUrl()}api/streams/live%2Fe2e-golive`, { headers })).json()) as { protocol: string | null }).protocol, { timeout: 15_000 })
    .toBe('whip');
  await screenshot(page, 'go-live');
  await dialog.getByTestId('go-live-stop').click();
  await expect
    .poll(async () => ((await (await request.get(`${studioUrl()}api/streams/live%2Fe2e-golive`, { headers })).json()) as { state: string }).state, { timeout: 10_000 })
    .toBe('idle');
  await request.delete(`${studioUrl()}api/streams/live%2Fe2e-golive`, { headers });
});


test('a phone on the LAN goes live from the watch page over HTTPS, with the certificate the studio made for itself', async ({ browser, request }) => {
  test.setTimeout(60_000);
  const headers = { authorization: `Bearer ${adminToken()}` };
  expect((await request.put(`${studioUrl()}api/settings`, { headers, data: { https: 'on', httpsPort: 0 } })).status()).toBe(200);
  const phone = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 412, height: 915 }, isMobile: true, hasTouch: true });
  try {
    const { httpsPort } = (await (await request.get(`${studioUrl()}api/health`)).json()) as { httpsPort: number | null };
    expect(httpsPort).toBeGreaterThan(0);
    const page = await phone.newPage();
    await page.goto(`https://127.0.0.1:${httpsPort}/`);
    expect(await page.evaluate(() => `${location.protocol} ${isSecureContext}`)).toBe('https: true');
    // A visitor, not signed in: the watch page, with Go live beside Sign in.
    await expect(page.getByTestId('watch-page')).toBeVisible();
    await page.getByTestId('watch-go-live').click();
    const dialog = page.getByTestId('go-live');
    await expect.poll(() => dialog.getByTestId('go-live-preview').evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    await dialog.getByTestId('go-live-name').fill('live/e2e-phone');
    await dialog.getByTestId('go-live-start').click();
    await expect(dialog.getByTestId('go-live-status')).toHaveAttribute('data-state', 'connected', { timeout: 15_000 });
    await expect
      .poll(async () => ((await (await request.get(`${studioUrl()}api/streams/live%2Fe2e-phone`, { headers })).json()) as { state: string; protocol: string | null }).protocol, { timeout: 15_000 })
      .toBe('whip');
    await screenshot(page, 'watch-go-live-https');
    await dialog.getByTestId('go-live-stop').click();
    await expect
      .poll(async () => ((await (await request.get(`${studioUrl()}api/streams/live%2Fe2e-phone`, { headers })).json()) as { state: string }).state, { timeout: 10_000 })
      .toBe('idle');
  } finally {
    await phone.close();
    await request.put(`${studioUrl()}api/settings`, { headers, data: { https: 'off' } });
    await request.delete(`${studioUrl()}api/streams/live%2Fe2e-phone`, { headers });
  }
});
