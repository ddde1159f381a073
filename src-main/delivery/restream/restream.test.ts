// Restream against real peers: Debian's nginx with the RTMP module records what the studio
// pushes, an ffmpeg SRT listener takes the SRT target, and a dead target keeps retrying
// without touching the others. ffprobe reads what arrived.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamInfo } from '../../contract/studio-api.js';
import { maskPushUrl } from '../../contract/restream-api.js';
import { startNginxRtmp, type RunningServer } from '../../bench/peers.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { ffprobeStreams, startFfmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { freePort, until } from '../../test-support/wait.js';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { pushArgs } from './push-runner.js';

const studio = useStudio();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('restream', () => {
  it('pushes a live stream to nginx-rtmp and an SRT listener at once, while a dead target retries alone', async () => {
    const temp = await makeTempDir('framehouse-push-');
    cleanups.push(temp.cleanup);
    const nginx: RunningServer = await startNginxRtmp(path.join(temp.dir, 'nginx'));
    cleanups.push(() => nginx.stop());
    const srtPort = await freePort();
    const srtOut = path.join(temp.dir, 'srt.ts');
    const listener = startFfmpeg(['-v', 'error', '-f', 'mpegts', '-i', `srt://127.0.0.1:${srtPort}?mode=listener&passphrase=0123456789abcdef`, '-c', 'copy', '-y', srtOut]);
    cleanups.push(() => listener.stop());
    const deadPort = await freePort();
    const key = 'secret-stream-key-1234';
    const name = 'live/push';
    const created = await studio().api('/api/streams', {
      method: 'POST',
      body: JSON.stringify({
        name,
        push: [
          { id: 'nginx', url: `rtmp://127.0.0.1:${nginx.rtmpPort}/live/${key}`, label: 'nginx' },
          { id: 'srt', url: `srt://127.0.0.1:${srtPort}?streamid=publish:cam&passphrase=0123456789abcdef` },
          { id: 'dead', url: `rtmp://127.0.0.1:${deadPort}/live/nobody` },
          { url: 'rtmp://127.0.0.1:1/off', enabled: false },
        ],
      }),
    });
    expect(created.status).toBe(201);
    // Keys never come back in full.
    const view = (await studio().stream(name))!.config!;
    expect(view.push.map((t) => t.id)).toEqual(['nginx', 'srt', 'dead', 't4']);
    expect(JSON.stringify(view)).not.toContain(key);
    expect(JSON.stringify(view)).not.toContain('0123456789abcdef');
    expect(view.push[0]!.url).toBe(`rtmp://127.0.0.1:${nginx.rtmpPort}/live/***1234`);

    const publisher = startFfmpeg(['-re', ...testSourceArgs({ size: '320x180', seconds: 8, gop: 30, encoder: 'zerolatency' }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/${name}`]);
    cleanups.push(() => publisher.stop());
    const live = await until('nginx and SRT live, the dead one retrying', async () => {
      const push = (await studio().stream(name))?.push ?? [];
      const by = (id: string) => push.find((t) => t.id === id);
      return by('nginx')?.state === 'live' && by('srt')?.state === 'live' && by('dead')?.state === 'retrying' ? push : null;
    }, 20_000);
    expect(live.find((t) => t.id === 't4')?.state).toBe('disabled');
    expect(live.find((t) => t.id === 'dead')?.lastError).toBeTruthy();
    const bitrate = await until('a bitrate measured', async () => {
      const push = ((await studio().stream(name))?.push ?? []) as NonNullable<StreamInfo['push']>;
      const b = push.find((t) => t.id === 'nginx')?.bitrate ?? 0;
      return b > 0 ? b : null;
    });
    expect(bitrate).toBeGreaterThan(10_000);

    // A PUT sending the masked URL back keeps the real one (the target stays live, not reconnected).
    const put = await studio().api(`/api/streams/${encodeURIComponent(name)}`, { method: 'PUT', body: JSON.stringify({ push: view.push.map(({ id, url, enabled, label }) => ({ id, url, enabled, label })) }) });
    expect(put.status).toBe(200);
    expect((await studio().stream(name))?.push?.find((t) => t.id === 'nginx')).toMatchObject({ state: 'live', reconnects: 0 });

    await publisher.exited;
    await until('the targets idle', async () => ((await studio().stream(name))?.push?.every((t) => t.state === 'idle' || t.state === 'disabled') ? true : null));
    const recorded = await until('nginx recorded a file', async () => {
      const files = await fs.readdir(path.join(temp.dir, 'nginx', 'record')).catch(() => []);
      return files.find((f) => f.startsWith(key)) ?? null;
    });
    const streams = await ffprobeStreams(path.join(temp.dir, 'nginx', 'record', recorded));
    expect(streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    await listener.stop();
    expect((await ffprobeStreams(srtOut)).map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(studio().events.some((e) => e.type === 'restream_changed' && e.data.target.id === 'nginx' && e.data.target.state === 'live')).toBe(true);
  }, 60_000);

  it('refuses targets it cannot send to, and masks keys in what it shows', async () => {
    for (const url of ['http://example.com/x', 'file:///etc/passwd', 'rtmp://', `rtmp://h/${'x'.repeat(2100)}`]) {
      const res = await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'live/bad', push: [{ url }] }) });
      expect(res.status, url.slice(0, 30)).toBe(400);
    }
    const nine = Array.from({ length: 9 }, (_, i) => ({ url: `rtmp://127.0.0.1:1/a/k${i}` }));
    expect((await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'live/bad', push: nine }) })).status).toBe(400);
    expect((await fetch(new URL('/api/streams', studio().urls.http), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'live/x', push: [] }) })).status).toBe(401);
    expect(maskPushUrl('rtmps://live-api-s.facebook.com:443/rtmp/FB-123456789-0-AbCdEf')).toBe('rtmps://live-api-s.facebook.com:443/rtmp/***CdEf');
    expect(maskPushUrl('rtmp://user:pw@host/app/key')).toBe('rtmp://user:***@host/app/***');
    expect(maskPushUrl('srt://h:9000?streamid=abc&passphrase=xyz&latency=200')).toBe('srt://h:9000?streamid=***&passphrase=***&latency=***');
    // Whatever a platform names its secrets, no query value is shown.
    expect(maskPushUrl('rtmps://live-api-s.facebook.com:443/rtmp/FB-1-0-AbCdEfGh?s_bl=1&s_sw=0&a=AbySecretPart')).toBe('rtmps://live-api-s.facebook.com:443/rtmp/***EfGh?s_bl=***&s_sw=***&a=***');
    expect(pushArgs('srt://h:1?streamid=a')).toContain('srt://h:1?streamid=a&mode=caller');
    expect(pushArgs('rtmps://a/b/c').slice(-4)).toEqual(['flv', '-flvflags', 'no_duration_filesize', 'rtmps://a/b/c']);
  });
});
