import { afterEach, describe, expect, it } from 'vitest';
import type { PlaybackStatsBody, ViewerSession } from '../contract/studio-api.js';
import { useStudio } from '../test-support/studio-instance.js';
import { startFfmpeg, testSourceArgs } from '../test-support/ffmpeg-tools.js';
import { until } from '../test-support/wait.js';
import type { MediaInfo } from '../contract/stream-files.js';

const studio = useStudio();

let publishers: ReturnType<typeof startFfmpeg>[] = [];
afterEach(async () => {
  await Promise.all(publishers.map((p) => p.stop()));
  publishers = [];
});

/** A live test source published over RTMP to rtmp://…/live/KEY (the stream live/KEY). */
function publish(key: string, seconds = 30) {
  const publisher = startFfmpeg(['-re', ...testSourceArgs({ size: '640x360', seconds, gop: 30 }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/${key}`]);
  publishers.push(publisher);
  return publisher;
}

const get = (path: string, init: RequestInit = {}) => fetch(new URL(path, studio().urls.http), init);

async function errorOf(res: Response): Promise<{ error: string; detail: string }> {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as { error: string; detail: string };
}

/** Every URI a playlist names: the lines that are not tags, and the URI="…" attributes of tags. */
function playlistUris(text: string): string[] {
  const uris: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (!line.startsWith('#')) uris.push(line);
    for (const m of line.matchAll(/URI="([^"]*)"/g)) uris.push(m[1]!);
  }
  return uris;
}

/** A live playlist with at least `segments` complete segments (polled with `query`). */
async function livePlaylist(name: string, query = '', segments = 2): Promise<string> {
  return until(`a live playlist of ${name} with ${segments} segments`, async () => {
    const res = await get(`/${name}/index.m3u8${query}`);
    const text = res.status === 200 ? await res.text() : (await res.body?.cancel(), '');
    return (text.match(/#EXTINF/g) ?? []).length >= segments ? text : null;
  }, 20_000);
}

async function sessionsOf(name: string): Promise<ViewerSession[]> {
  const res = await studio().api(`/api/sessions?stream=${encodeURIComponent(name)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as ViewerSession[];
}

describe('play tokens', () => {
  it('guards playlists, their media, the player page and media info; every playlist URI carries the token', async () => {
    const token = 'v1ewer-T0ken_x.y~z';
    const name = 'live/secure';
    const created = await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name, playToken: token }) });
    expect(created.status, await created.clone().text()).toBeLessThan(300);
    publish('secure');

    const q = `?token=${encodeURIComponent(token)}`;
    const live = await livePlaylist(name, q, 3);

    // Without a token, or with a wrong one: 403, saying why, with CORS so a web player can show it.
    const none = await get(`/${name}/index.m3u8`);
    expect(none.status).toBe(403);
    expect(none.headers.get('access-control-allow-origin')).toBe('*');
    const noneBody = await errorOf(none);
    expect(noneBody.error).toMatch(/token/i);
    expect(noneBody.detail).toMatch(/token/);
    expect(noneBody.detail).toMatch(/none was given/);
    expect(noneBody.detail).not.toContain(token);
    for (const wrong of ['?token=v1ewer-T0ken_x.y~Z', '?token=', '?token=v1ewer-T0ken_x.y~z0', `?token=${encodeURIComponent(token)}&token=other`]) {
      const res = await get(`/${name}/index.m3u8${wrong}`);
      expect(res.status, wrong).toBe(403);
      const body = await errorOf(res);
      expect(body.detail, wrong).toMatch(/token/);
      expect(body.detail, wrong).not.toContain(token);
    }

    // The right token: the live LL-HLS playlist names segments, parts, the init and a preload hint, each with the token.
    const uris = playlistUris(live);
    expect(live).toMatch(/#EXT-X-MAP:URI="l-init-\d+\.mp4\?token=/);
    expect(live).toMatch(/#EXT-X-PART:[^\n]*URI="l-\d+\.\d+\.m4s\?token=/);
    expect(uris.filter((u) => /^l-\d+\.m4s/.test(u)).length).toBeGreaterThanOrEqual(3);
    for (const uri of uris) expect(uri.endsWith(q), uri).toBe(true);
    const hint = /#EXT-X-PRELOAD-HINT:[^\n]*URI="([^"]+)"/.exec(live);
    expect(hint?.[1]?.endsWith(q)).toBe(true);

    const init = /#EXT-X-MAP:URI="(l-init-\d+\.mp4)/.exec(live)![1]!;
    const segment = [...live.matchAll(/^(l-\d+\.m4s)\?/gm)].at(-1)![1]!;
    const part = /URI="(l-\d+\.\d+\.m4s)\?token=[^"]*"(?:,INDEPENDENT=YES)?\n/.exec(live)![1]!;
    for (const file of [init, segment, part]) {
      const open = await get(`/${name}/${file}${q}`);
      expect(open.status, file).toBe(200);
      expect((await open.arrayBuffer()).byteLength, file).toBeGreaterThan(0);
      const refused = await get(`/${name}/${file}`);
      expect(refused.status, file).toBe(403);
      await refused.body?.cancel();
      const wrong = await get(`/${name}/${file}?token=nope`);
      expect(wrong.status, file).toBe(403);
      await wrong.body?.cancel();
    }

    // The archive's playlists too: rewind, a finished range and its segments and init.
    const rewind = await until('a recorded segment in the rewind playlist', async () => {
      const res = await get(`/${name}/rewind-600.m3u8${q}`);
      const text = res.status === 200 ? await res.text() : (await res.body?.cancel(), '');
      return /^s-\d+\.m4s/m.test(text) ? text : null;
    }, 20_000);
    for (const uri of playlistUris(rewind)) expect(uri.endsWith(q), uri).toBe(true);
    const archived = /^s-(\d+)\.m4s/m.exec(rewind)!;
    const from = Math.floor(Number(archived[1]) / 1000);
    const range = await get(`/${name}/index-${from}-10.m3u8${q}`);
    expect(range.status).toBe(200);
    const rangeUris = playlistUris(await range.text());
    expect(rangeUris.length).toBeGreaterThanOrEqual(2);
    for (const uri of rangeUris) expect(uri.endsWith(q), uri).toBe(true);
    expect((await get(`/${name}/index-${from}-10.m3u8`)).status).toBe(403);
    // Its multivariant form hands the token on to every variant.
    const abr = await get(`/${name}/abr-${from}-10.m3u8${q}`);
    expect(abr.status).toBe(200);
    expect(await abr.text()).toContain(`\nindex-${from}-10.m3u8${q}\n`);
    expect((await get(`/${name}/abr-${from}-10.m3u8`)).status).toBe(403);
    expect((await get(`/${name}/rewind-600.m3u8`)).status).toBe(403);
    const archiveInit = /URI="(i-\d+\.mp4)\?/.exec(rewind)![1]!;
    for (const file of [archived[0], archiveInit]) {
      const withToken = await get(`/${name}/${file}${q}`);
      expect(withToken.status, file).toBe(200);
      await withToken.arrayBuffer();
      const without = await get(`/${name}/${file}`);
      expect(without.status, file).toBe(403);
      await without.body?.cancel();
    }
    // MPEG-TS over HTTP is playback too.
    const ts = await get(`/${name}/archive-${from}-4.ts`);
    expect(ts.status).toBe(403);
    await ts.body?.cancel();

    // Pages and descriptions of the stream: guarded, and the player page passes the token on to its playlist.
    for (const file of ['embed.html', 'media_info.json', 'preview.jpg']) {
      const res = await get(`/${name}/${file}`);
      expect(res.status, file).toBe(403);
      expect((await errorOf(res)).detail, file).toMatch(/token/);
    }
    const embed = await get(`/${name}/embed.html${q}`);
    expect(embed.status).toBe(200);
    expect(await embed.text()).toContain(`data-src="index.m3u8${q}"`);
    const info = await get(`/${name}/media_info.json${q}`);
    expect(info.status).toBe(200);
    expect(((await info.json()) as MediaInfo).live).toBe(true);

    // The admin's own view of the stream is not playback: it shows the token in full.
    expect((await studio().stream(name))?.config?.playToken).toBe(token);

    // A new token replaces the old one at once.
    const changed = await studio().api(`/api/streams/${encodeURIComponent(name)}`, { method: 'PUT', body: JSON.stringify({ playToken: 'second-token' }) });
    expect(changed.status, await changed.clone().text()).toBeLessThan(300);
    expect((await get(`/${name}/index.m3u8${q}`)).status).toBe(403);
    expect((await get(`/${name}/index.m3u8?token=second-token`)).status).toBe(200);

    // Without a token the stream plays openly, and its playlists carry no token.
    const cleared = await studio().api(`/api/streams/${encodeURIComponent(name)}`, { method: 'PUT', body: JSON.stringify({ playToken: null }) });
    expect(cleared.status, await cleared.clone().text()).toBeLessThan(300);
    const open = await get(`/${name}/index.m3u8`);
    expect(open.status).toBe(200);
    const openText = await open.text();
    expect(openText).not.toContain('token=');
    expect(playlistUris(openText).every((u) => !u.includes('?'))).toBe(true);
    expect((await get(`/${name}/media_info.json`)).status).toBe(200);
    expect((await get(`/${name}/embed.html`)).status).toBe(200);
  }, 40_000);
});

describe('viewer sessions', () => {
  it('counts one session per IP, stream and protocol, with bytes; the admin ends one and its open response is cut', async () => {
    const name = 'live/watch';
    publish('watch');
    const playlist = await livePlaylist(name, '', 2);

    // Listing sessions is the admin's business.
    const anonymous = await get(`/api/sessions?stream=${encodeURIComponent(name)}`);
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
    const anonymousEnd = await get('/api/sessions/whatever', { method: 'DELETE' });
    expect(anonymousEnd.status).toBe(401);
    await anonymousEnd.body?.cancel();

    // Two players on one machine (another user agent) are one HLS session.
    for (const ua of ['Viewer-A/1.0', 'Viewer-B/2.0']) {
      const res = await get(`/${name}/index.m3u8`, { headers: { 'user-agent': ua } });
      expect(res.status).toBe(200);
      await res.text();
    }
    let sessions = await sessionsOf(name);
    expect(sessions).toHaveLength(1);
    const hls = sessions[0]!;
    expect(hls).toMatchObject({ stream: name, protocol: 'hls', userAgent: 'Viewer-B/2.0' });
    expect(hls.ip).toMatch(/127\.0\.0\.1$/);
    expect(Date.parse(hls.startedAt)).toBeLessThanOrEqual(Date.parse(hls.lastSeenAt));
    expect(hls.bytesSent).toBeGreaterThan(0);

    // A segment's bytes are counted in the session.
    const segment = [...playlist.matchAll(/^(l-\d+\.m4s)$/gm)].at(-1)![1]!;
    const bytes = (await (await get(`/${name}/${segment}`, { headers: { 'user-agent': 'Viewer-A/1.0' } })).arrayBuffer()).byteLength;
    expect(bytes).toBeGreaterThan(10_000);
    const grown = await until('the segment counted in the session', async () => {
      const s = (await sessionsOf(name)).find((x) => x.id === hls.id);
      return s && s.bytesSent >= hls.bytesSent + bytes ? s : null;
    }, 5_000);
    expect(grown.userAgent).toBe('Viewer-A/1.0');

    // MPEG-TS from the same machine is a session of its own.
    const abortTs = new AbortController();
    const ts = await get(`/${name}/mpegts`, { signal: abortTs.signal });
    expect(ts.status).toBe(200);
    const reader = ts.body!.getReader();
    expect((await reader.read()).value!.byteLength).toBeGreaterThan(0);
    sessions = await sessionsOf(name);
    expect(sessions.map((s) => s.protocol).sort()).toEqual(['hls', 'mpegts']);
    const mpegts = sessions.find((s) => s.protocol === 'mpegts')!;
    expect(mpegts.id).not.toBe(hls.id);
    abortTs.abort();
    await reader.cancel().catch(() => undefined);

    const info = await studio().stream(name);
    expect(info!.viewers).toBeGreaterThanOrEqual(1);
    expect(info!.viewers).toBe(2);
    const statsRes = await studio().api('/api/playback/stats');
    expect(statsRes.status).toBe(200);
    const stats = (await statsRes.json()) as PlaybackStatsBody;
    expect(stats.viewers).toBeGreaterThanOrEqual(2);
    expect(stats.blockingReload).toHaveProperty('p50Ms');
    expect(stats.eventLoopLag).toHaveProperty('p99Ms');
    // Sessions of other streams are not listed under this one.
    expect(await sessionsOf('live/nobody')).toEqual([]);

    // A blocking reload two segments ahead waits seconds for the live edge: a long open response.
    const current = await (await get(`/${name}/index.m3u8`)).text();
    const hint = /#EXT-X-PRELOAD-HINT:[^\n]*URI="l-(\d+)\.\d+\.m4s"/.exec(current);
    const lastComplete = Math.max(...[...current.matchAll(/^l-(\d+)\.m4s$/gm)].map((m) => Number(m[1])));
    const edge = hint ? Number(hint[1]) : lastComplete + 1;
    const waiting = get(`/${name}/index.m3u8?_HLS_msn=${edge + 2}`, { headers: { 'user-agent': 'Viewer-C/3.0' } }).then(
      async (res) => ({ status: res.status, text: await res.text().catch((err: unknown) => `body cut: ${String(err)}`), at: Date.now() }),
      (err: unknown) => ({ status: 0, text: String(err), at: Date.now() }),
    );
    // The session takes the user agent of its latest request: once it shows this one, the server holds the request.
    await until('the blocking reload to reach the server', async () => (await sessionsOf(name)).some((x) => x.id === hls.id && x.userAgent === 'Viewer-C/3.0'), 5_000);
    const ended = await studio().api(`/api/sessions/${hls.id}`, { method: 'DELETE' });
    expect(ended.status).toBe(204);
    const deletedAt = Date.now();
    const outcome = await waiting;
    // The request was cut: no playlist arrived, and it ended at once instead of when the segment would have completed.
    expect(outcome.status, outcome.text).toBe(0);
    expect(outcome.at - deletedAt).toBeLessThan(1_000);

    // The viewer is refused for a while, in words; its session is gone from the list.
    const refused = await get(`/${name}/index.m3u8`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    const refusal = await errorOf(refused);
    expect(refusal.error).toBe('Session ended');
    expect(refusal.detail).toMatch(/ended/);
    const segmentRefused = await get(`/${name}/${segment}`);
    expect(segmentRefused.status).toBe(403);
    await segmentRefused.body?.cancel();
    sessions = await sessionsOf(name);
    expect(sessions.map((s) => s.id)).toEqual([mpegts.id]);
    expect((await studio().stream(name))!.viewers).toBe(1);

    // Only HLS was ended: MPEG-TS from the same machine still plays.
    const abortAgain = new AbortController();
    const tsAgain = await get(`/${name}/mpegts`, { signal: abortAgain.signal });
    expect(tsAgain.status).toBe(200);
    abortAgain.abort();
    await tsAgain.body?.cancel().catch(() => undefined);

    // Ending it twice, or a session that never was: 404 in words.
    for (const id of [hls.id, 'no-such-session']) {
      const res = await studio().api(`/api/sessions/${id}`, { method: 'DELETE' });
      expect(res.status, id).toBe(404);
      expect((await errorOf(res)).detail, id).toContain(id);
    }
  }, 40_000);
});

describe('media_info.json', () => {
  it('describes a live stream’s tracks and bitrate, and says 404 for an unknown stream', async () => {
    const name = 'live/info';
    publish('info');
    await until('video, audio and a bitrate', async () => {
      const s = await studio().stream(name);
      return s?.video && s.audio && s.bitrate.last10s > 0 && s.video.fps > 0 ? s : null;
    }, 20_000);
    const res = await get(`/${name}/media_info.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const info = (await res.json()) as MediaInfo;
    expect(info.stream).toBe(name);
    expect(info.live).toBe(true);
    expect(info.bitrate).toBeGreaterThan(0);
    expect(info.bitrate).toBeLessThan(50_000); // kbit/s, not bit/s
    const video = info.tracks.find((t) => t.content === 'video');
    const audio = info.tracks.find((t) => t.content === 'audio');
    expect(info.tracks).toHaveLength(2);
    expect(video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
    expect(video!.fps).toBeGreaterThan(20);
    expect(video!.fps).toBeLessThan(40);
    expect(audio).toMatchObject({ codec: 'aac', sample_rate: 48000, channels: 2 });
    expect(new Set(info.tracks.map((t) => t.track_id)).size).toBe(2);
    if (info.archive) {
      expect(info.archive.from).toBeLessThanOrEqual(info.archive.to);
      expect(Math.abs(info.archive.to - Date.now() / 1000)).toBeLessThan(120); // UTC seconds, not ms
    }

    const unknown = await get('/live/nobody-here/media_info.json');
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).detail).toMatch(/no stream named live\/nobody-here/);
  }, 30_000);
});
