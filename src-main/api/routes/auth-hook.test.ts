// Auth hooks with a real hook server on loopback and real encoders (ffmpeg over RTMP, SRT and
// MPEG-TS over HTTP): the hook's yes lets them in, its no refuses with its reason, a silent
// or missing hook refuses, and answers are cached.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthQuestion } from '../../events/auth-hook.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { startFfmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { freePort, until } from '../../test-support/wait.js';

let asked: AuthQuestion[] = [];
let hookUrl = '';
const hook = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const q = JSON.parse(body) as AuthQuestion;
    asked.push(q);
    if (q.stream.endsWith('slow')) return void setTimeout(() => res.end('late'), 3000);
    if (q.key === 'good' || q.key === 'also-good') return void res.end('ok');
    res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ reason: `no entry for ${q.stream}` }));
  });
});
beforeAll(async () => {
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/auth`;
});
afterAll(() => new Promise<void>((resolve) => hook.close(() => resolve())));
beforeEach(() => {
  asked = [];
});

const studio = useStudio();
const setHook = (url: string) => studio().api('/api/settings', { method: 'PUT', body: JSON.stringify({ authHookUrl: url, authHookCacheSeconds: 30 }) });

describe('auth hooks', () => {
  it('lets in publishers the hook allows and refuses the rest with its reason, over RTMP, SRT and HTTP', async () => {
    expect((await setHook(hookUrl)).status).toBe(200);
    // Paced (-re): an unpaced 2 s source could come and go between two looks at the stream list.
    const rtmp = (key: string, name: string) => startFfmpeg(['-re', ...testSourceArgs({ size: '160x90', seconds: 3, encoder: 'zerolatency' }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/${name}?key=${key}`]);
    const good = rtmp('good', 'hooked');
    await until('the allowed RTMP publisher live', async () => ((await studio().stream('live/hooked'))?.state === 'publishing' ? true : null));
    await good.stop();
    expect(asked[0]).toEqual({ action: 'publish', stream: 'live/hooked', protocol: 'rtmp', ip: '127.0.0.1', key: 'good' });

    const bad = rtmp('bad', 'refused');
    expect(await bad.exited).not.toBe(0);
    expect(await studio().stream('live/refused')).toBeNull();
    const refusal = studio().events.find((e) => e.type === 'publish_refused' && e.data.name === 'live/refused');
    expect(refusal?.type === 'publish_refused' && refusal.data.reason).toContain('no entry for live/refused');

    // SRT: the hook is asked on the first handshake, the caller's repeat gets the answer.
    const srt = startFfmpeg(['-re', ...testSourceArgs({ size: '160x90', seconds: 4, encoder: 'zerolatency' }), '-f', 'mpegts', `srt://127.0.0.1:${studio().srtPort}?streamid=publish:live/srt-hooked?key=good`]);
    await until('the allowed SRT publisher live', async () => ((await studio().stream('live/srt-hooked'))?.state === 'publishing' ? true : null), 15_000);
    await srt.stop();

    const post = await fetch(new URL('/live/http-hooked/mpegts?key=bad', studio().urls.http), { method: 'POST', body: Buffer.alloc(188 * 10, 0x47) });
    expect(post.status).toBe(403);
    expect(await post.text()).toContain('no entry for live/http-hooked');
  }, 60_000);

  it('asks before a viewing opens, caches the answer, and refuses when the hook is silent or gone', async () => {
    expect((await setHook(hookUrl)).status).toBe(200);
    const publisher = startFfmpeg(['-re', ...testSourceArgs({ size: '160x90', seconds: 8, encoder: 'zerolatency' }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/watched?key=good`]);
    try {
      await until('live', async () => ((await studio().stream('live/watched'))?.state === 'publishing' ? true : null));
      const play = (query: string) => fetch(new URL(`/live/watched/index.m3u8${query}`, studio().urls.http), { headers: { 'x-forwarded-for': '' } });
      const refused = await play('');
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('no entry for live/watched');
      const before = asked.filter((q) => q.action === 'play').length;
      const allowed = await play('?token=good');
      expect(allowed.status).toBe(200);
      // The token goes on into what the playlist names, so its media plays too.
      const uri = (await allowed.text()).split('\n').find((l) => l !== '' && !l.startsWith('#'));
      expect(uri).toContain('token=good');
      expect((await fetch(new URL(`/live/watched/${uri!}`, studio().urls.http))).status).toBe(200);
      // Each viewer's own token goes into its playlist, spliced into one rendering of the window, never another viewer's.
      const [mine, theirs] = await Promise.all([play('?token=good'), play('?token=also-good')]);
      const [mineText, theirsText] = await Promise.all([mine.text(), theirs.text()]);
      expect(theirsText).toContain('token=also-good');
      expect(theirsText).not.toContain('token=good');
      expect(mineText).not.toContain('also-good');
      expect(mineText).toContain('token=good');
      // One question for both: the second came from the cache.
      expect(asked.filter((q) => q.action === 'play' && q.key === 'good').length).toBe(1);
      expect(asked.filter((q) => q.action === 'play').length).toBe(before + 2);
      expect(asked.find((q) => q.action === 'play' && q.key === 'good')).toMatchObject({ stream: 'live/watched', protocol: 'hls', ip: '127.0.0.1' });
      // The admin (the studio's own window) is never asked about.
      expect((await studio().api('/live/watched/index.m3u8')).status).toBe(200);

      const slow = await fetch(new URL('/live/slow/mpegts?key=good', studio().urls.http), { method: 'POST', body: Buffer.alloc(188, 0x47) });
      expect(slow.status).toBe(403);
      expect(await slow.text()).toContain('did not answer in time');
      await setHook(`http://127.0.0.1:${await freePort()}/auth`);
      const gone = await play('?token=other');
      expect(gone.status).toBe(403);
      expect(await gone.text()).toContain('could not be reached');
      expect((await studio().api('/api/settings', { method: 'PUT', body: JSON.stringify({ authHookUrl: 'file:///etc/passwd' }) })).status).toBe(400);
    } finally {
      await publisher.stop();
    }
  }, 60_000);
});
