import { describe, expect, it } from 'vitest';
import { useStudio } from '../test-support/studio-instance.js';
import { startFfmpeg, testSourceArgs } from '../test-support/ffmpeg-tools.js';
import { until } from '../test-support/wait.js';

const studio = useStudio();

/** One URL of every kind the per-stream dispatcher serves (exact files, patterns and suffix routes). */
function everyStreamUrl(name: string): string[] {
  const from = Math.floor(Date.now() / 1000) - 3600;
  return [
    'index.m3u8',
    'l-1.0.m4s',
    'l-1.m4s',
    'l-init-1.mp4',
    's-1700000000000.m4s',
    'i-1.mp4',
    `index-${from}-60.m3u8`,
    `index-${from}-now.m3u8`,
    `archive-${from}-60.m3u8`,
    `archive-${from}-60.ts`,
    `archive-${from}-60.mp4`,
    'rewind-600.m3u8',
    `timeshift_abs-${from}.m3u8`,
    'timeshift_rel-60.m3u8',
    'mpegts',
    'media_info.json',
    'recording_status.json',
    'preview.jpg',
    'embed.html',
    `sprite-${from}-60.jpg`,
    `sprite-${from}-60.json`,
    '2026/11/21/10/15/03.jpg',
    '2026/11/21/10/15/03-preview.jpg',
  ].map((file) => `/${name}/${file}`);
}

describe('one play-token rule for every per-stream URL', () => {
  it('shows nothing of a protected stream without its token, recording status included', async () => {
    const t = studio();
    const name = 'live/guarded';
    expect((await t.api('/api/streams', { method: 'POST', body: JSON.stringify({ name, playToken: 'pl4y-T0ken' }) })).status).toBe(201);
    for (const url of everyStreamUrl(name)) {
      const res = await fetch(new URL(url, t.urls.http));
      const body = await res.text();
      expect(res.status, url).toBe(403);
      expect(body, url).toMatch(/Play token needed/);
      const wrong = await fetch(new URL(`${url}?token=pl4y-T0keN`, t.urls.http));
      await wrong.body?.cancel();
      expect(wrong.status, `${url} with a wrong token`).toBe(403);
    }
    const given = await fetch(new URL(`/${name}/recording_status.json?token=pl4y-T0ken`, t.urls.http));
    expect(given.status).toBe(200);
    await given.body?.cancel();
  });

  it('lets the signed-in studio see its own streams without the play token', async () => {
    const t = studio();
    const name = 'live/guarded2';
    expect((await t.api('/api/streams', { method: 'POST', body: JSON.stringify({ name, playToken: 'pl4y-T0ken' }) })).status).toBe(201);
    const res = await t.api(`/${name}/recording_status.json`);
    expect(res.status).toBe(200);
    await res.body?.cancel();
  });
});

describe('removing a protected stream', () => {
  it('is refused while recordings exist that only its play token opens, so they never become public', async () => {
    const t = studio();
    const name = 'live/vaulted';
    expect((await t.api('/api/streams', { method: 'POST', body: JSON.stringify({ name, playToken: 'pl4y-T0ken' }) })).status).toBe(201);
    const publisher = startFfmpeg(['-re', ...testSourceArgs({ size: '320x240', seconds: 6, gop: 15 }), '-f', 'flv', `rtmp://127.0.0.1:${t.rtmpPort}/${name}`]);
    try {
      await until('a recorded segment', async () => {
        const res = await t.api(`/${name}/recording_status.json`);
        const body = (await res.json()) as { ranges?: unknown[] }[];
        return (body[0]?.ranges?.length ?? 0) > 0;
      }, 20_000);
    } finally {
      await publisher.stop();
    }
    const refused = await t.api(`/api/streams/${encodeURIComponent(name)}`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/play token/);
    // The recordings stay closed to strangers.
    expect((await fetch(new URL(`/${name}/recording_status.json`, t.urls.http))).status).toBe(403);
    // Once the owner clears the token on purpose, the stream can go.
    expect((await t.api(`/api/streams/${encodeURIComponent(name)}`, { method: 'PUT', body: JSON.stringify({ playToken: null }) })).status).toBe(200);
    expect((await t.api(`/api/streams/${encodeURIComponent(name)}`, { method: 'DELETE' })).status).toBe(204);
  });
});
