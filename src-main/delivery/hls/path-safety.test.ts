import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/index.js';
import { DvrIndex } from '../../dvr/dvr-index.js';
import { useStudio, type TestStudio } from '../../test-support/studio-instance.js';

const studio = useStudio();

interface RawAnswer {
  status: number;
  type: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * GET with the path exactly as written: fetch() would resolve dot segments,
 * turn backslashes into slashes and re-encode, which is what an attacker's client does not do.
 */
function rawGet(base: string, rawPath: string): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: 'GET', path: rawPath, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const sentinel = 'SENTINEL-9f3b2c-do-not-serve';

/** One recorded segment and its init, on disk and in the index, so the file routes have something real next to the hostile requests. */
async function seedArchive(s: TestStudio): Promise<{ segmentUrl: string; initUrl: string; segmentBytes: Buffer }> {
  const dvr = path.join(s.dir, 'dvr');
  await fs.mkdir(path.join(dvr, 'live', 'x', 'init'), { recursive: true });
  const segmentBytes = Buffer.from(`segment-bytes-${'x'.repeat(100)}`);
  await fs.writeFile(path.join(dvr, 'live', 'x', 'init', 'a.mp4'), 'init-bytes');
  await fs.writeFile(path.join(dvr, 'live', 'x', 'seg.m4s'), segmentBytes);
  // Files a traversal would be after: the admin token is there already; these prove nothing else leaks either.
  await fs.writeFile(path.join(dvr, 'secret.txt'), sentinel);
  await fs.writeFile(path.join(s.dir, 'secret.txt'), sentinel);
  const db = openDatabase(path.join(s.dir, 'framehouse.db'));
  try {
    const index = new DvrIndex(db);
    const initId = index.initId('live/x', 'hash-a', 'live/x/init/a.mp4', '[]');
    const startMs = (Math.floor(Date.now() / 1000) - 600) * 1000;
    index.addMany([{ stream: 'live/x', startMs, durationMs: 2000, bytes: segmentBytes.length, file: 'live/x/seg.m4s', initId, firstKeyframe: true, discontinuity: false }]);
    return { segmentUrl: `/live/x/s-${startMs}.m4s`, initUrl: `/live/x/i-${initId}.mp4`, segmentBytes };
  } finally {
    db.close();
  }
}

function expectSafeError(answer: RawAnswer, what: string, token: string, statuses: number[] = [400, 404]): { error: string; detail: string } {
  expect(statuses, `${what} → ${answer.status}: ${answer.body.slice(0, 300)}`).toContain(answer.status);
  expect(answer.type, what).toMatch(/^application\/json/);
  expect(answer.body, what).not.toContain(token);
  expect(answer.body, what).not.toContain(sentinel);
  expect(answer.body, what).not.toMatch(/root:x?:0:0|segment-bytes|init-bytes/);
  // No stack traces or internals in what a stranger reads.
  expect(answer.body, what).not.toMatch(/node_modules|\s+at \S+ \(|ENOENT|EACCES/);
  const body = JSON.parse(answer.body) as { error: unknown; detail: unknown };
  expect(typeof body.error, what).toBe('string');
  expect(typeof body.detail, what).toBe('string');
  return body as { error: string; detail: string };
}

describe('hostile stream file URLs', () => {
  it('never reach the file system, never fail with 500, and the studio keeps serving', async () => {
    const s = studio();
    const base = s.urls.http;
    expect((await s.api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'live/x' }) })).status).toBeLessThan(300);
    const { segmentUrl, initUrl, segmentBytes } = await seedArchive(s);

    // The real files play: the hostile requests below are refused for what they are, not because nothing works.
    const segment = await rawGet(base, segmentUrl);
    expect(segment.status).toBe(200);
    expect(segment.body).toBe(segmentBytes.toString('latin1'));
    expect((await rawGet(base, initUrl)).status).toBe(200);

    const initId = /i-(\d+)\.mp4$/.exec(initUrl)![1]!;
    const startMs = /s-(\d+)\.m4s$/.exec(segmentUrl)![1]!;
    const long = 'a'.repeat(5000);
    const hostile = [
      '/live/x/..%2f..%2fetc%2fpasswd',
      '/live/x/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
      '/..%2f..%2fetc/passwd/index.m3u8',
      '/../../etc/passwd/index.m3u8',
      '/live/%2e%2e/index.m3u8',
      '/live/%2e%2e/%2e%2e/admin-token/index.m3u8',
      '/live/x/%2e%2e%2f%2e%2e%2fadmin-token',
      '/live/x/%2e%2e/%2e%2e/secret.txt',
      '/live/x/./index.m3u8',
      '//live/x/index.m3u8',
      '/live//x/index.m3u8',
      // NUL in the name or the file
      '/live%00x/index.m3u8',
      '/live/x%00/../../admin-token/index.m3u8',
      '/live/x/index.m3u8%00',
      `/live/x/s-${startMs}.m4s%00.txt`,
      `/live/x/i-${initId}.mp4%00`,
      '/live/x/media_info.json%00../../admin-token',
      // dot segments and encoded slashes inside the file part
      '/live/x/s-../../x.m4s',
      '/live/x/s-..%2f..%2fsecret.txt.m4s',
      '/live/x/s-..%2f..%2f..%2fadmin-token',
      `/live/x/i-${initId}%2f..%2f..%2fadmin-token.mp4`,
      '/live/x/i-1%2f..%2f..%2fadmin-token.mp4',
      '/live/x/i-1%2F..%2F..%2F..%2Fadmin-token.mp4',
      '/live/x/i-1%252f..%252f..%252fadmin-token.mp4',
      '/live/x/l-init-1%2f..%2f..%2fadmin-token.mp4',
      // another stream's segment or init is not this stream's to serve
      `/live/y/i-${initId}.mp4`,
      `/live/i-${initId}.mp4`,
      `/live/y/s-${startMs}.m4s`,
      `/live/x/y/s-${startMs}.m4s`,
      // very long names and files
      `/${long}/index.m3u8`,
      `/live/${long}/media_info.json`,
      `/live/${'b'.repeat(300)}/index.m3u8`,
      `/live/x/s-${'1'.repeat(5000)}.m4s`,
      `/live/x/${long}.m3u8`,
      // backslashes, raw and encoded
      '/live\\x/index.m3u8',
      '/live/x\\..\\..\\admin-token/index.m3u8',
      '/live/x/..\\..\\admin-token',
      '/live%5cx/index.m3u8',
      '/live/x/i-1%5c..%5c..%5cadmin-token.mp4',
      '/live/x/s-..%5c..%5csecret.txt',
      // odd characters (broken percent-encoding has a test of its own below)
      '/live/x%20y/index.m3u8',
      '/live/x%0d%0aSet-Cookie:%20a=b/index.m3u8',
      '/live/x/embed.html%3Cscript%3E',
      // other prefixes the studio serves
      '/player/..%2f..%2fadmin-token',
      '/api/..%2f..%2fadmin-token',
    ];
    for (const raw of hostile) {
      const answer = await rawGet(base, raw);
      expectSafeError(answer, raw, s.studio.token);
      // Nothing from the URL turns into a header (CR LF in a name).
      expect(answer.headers['set-cookie'], raw).toBeUndefined();
    }

    // The UI's asset folder is served from disk by @fastify/static: no way out of it either (its own 403 is fine there).
    for (const raw of ['/assets/..%2f..%2fadmin-token', '/assets/%2e%2e/%2e%2e/%2e%2e/admin-token', '/assets/..%5c..%5cadmin-token', '/assets/%00', `/assets/${long}`]) {
      const answer = await rawGet(base, raw);
      expect([400, 403, 404], `${raw} → ${answer.status}: ${answer.body.slice(0, 200)}`).toContain(answer.status);
      expect(answer.body, raw).not.toContain(s.studio.token);
      expect(answer.body, raw).not.toContain(sentinel);
    }

    // Still serving: the files, a playlist route, and the API.
    expect((await rawGet(base, segmentUrl)).body).toBe(segmentBytes.toString('latin1'));
    expect((await rawGet(base, initUrl)).status).toBe(200);
    expect((await rawGet(base, `/live/x/index-${Math.floor(Number(startMs) / 1000)}-2.m3u8`)).status).toBe(200);
    expect((await s.api('/api/streams/live%2Fx')).status).toBe(200);
  });

  it('answers broken percent-encoding with a 400 in the studio’s own error shape', async () => {
    const s = studio();
    for (const raw of ['/live/x/index.m3u8%', '/live/%E0%A4%A/index.m3u8', '/live/%ff%fe/index.m3u8', '/live/x/s-%zz.m4s']) {
      const answer = await rawGet(s.urls.http, raw);
      expect(answer.status, raw).toBe(400);
      // Every error the studio sends is { error, detail } (http-error.ts), so players and the UI can show it.
      expectSafeError(answer, raw, s.studio.token, [400]);
    }
    expect((await s.api('/api/streams')).status).toBe(200);
  });

  it('answers malformed FROM, DURATION and SECONDS with 400 or 404 in plain words', async () => {
    const s = studio();
    const base = s.urls.http;
    expect((await s.api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'live/x' }) })).status).toBeLessThan(300);
    const now = Math.floor(Date.now() / 1000);
    const future = now + 7200;
    const huge = '99999999999999999';
    const inf = '1e9999';
    // [path, status, what the detail must say]: 404 means no such file name exists (the numbers do not match its pattern).
    const cases: [string, number, RegExp][] = [];
    for (const prefix of ['index', 'archive']) {
      cases.push(
        [`${prefix}--60-60.m3u8`, 404, /No route/],
        [`${prefix}-abc-60.m3u8`, 404, /No route/],
        [`${prefix}-${inf}-60.m3u8`, 404, /No route/],
        [`${prefix}-100-${inf}.m3u8`, 404, /No route/],
        [`${prefix}-100--5.m3u8`, 404, /No route/],
        [`${prefix}-${huge}-60.m3u8`, 400, /FROM must be whole UTC seconds/],
        [`${prefix}-100-${huge}.m3u8`, 400, /DURATION must be whole UTC seconds/],
        [`${prefix}-100-0.m3u8`, 400, /at least 1 second/],
        [`${prefix}-100-86401.m3u8`, 400, /over 86400/],
        [`${prefix}-${future}-60.m3u8`, 400, /future/],
      );
    }
    cases.push(
      [`index-${future}-now.m3u8`, 400, /future/],
      [`index-${huge}-now.m3u8`, 400, /FROM must be whole UTC seconds/],
      [`index--1-now.m3u8`, 404, /No route/],
      [`archive--60-60.ts`, 404, /No route/],
      [`archive-${inf}-60.ts`, 404, /No route/],
      [`archive-${huge}-60.ts`, 400, /FROM must be whole UTC seconds/],
      [`archive-100-${huge}.ts`, 400, /DURATION must be whole UTC seconds/],
      [`archive-${future}-60.ts`, 400, /future/],
      [`archive-100-86401.ts`, 400, /over 86400/],
      [`timeshift_abs--60.m3u8`, 404, /No route/],
      [`timeshift_abs-${inf}.m3u8`, 404, /No route/],
      [`timeshift_abs-abc.m3u8`, 404, /No route/],
      [`timeshift_abs-${huge}.m3u8`, 400, /FROM must be whole UTC seconds/],
      [`timeshift_abs-${future}.m3u8`, 400, /future/],
      [`timeshift_rel--60.m3u8`, 404, /No route/],
      [`timeshift_rel-${inf}.m3u8`, 404, /No route/],
      [`timeshift_rel-${huge}.m3u8`, 400, /SECONDS must be whole/],
      [`timeshift_rel-999999999999.m3u8`, 400, /further back than a month/],
      [`rewind--60.m3u8`, 404, /No route/],
      [`rewind-${inf}.m3u8`, 404, /No route/],
      [`rewind-0.m3u8`, 400, /SECONDS must be at least 1/],
      // Longer than playlistMaxHours: clamped to its newest day (which holds nothing here).
      [`rewind-86401.m3u8`, 404, /last 86400 s: no recording there/],
      [`rewind-${huge}.m3u8`, 400, /SECONDS must be whole/],
      // Low-latency query parameters
      ['index.m3u8?_HLS_msn=-1', 400, /_HLS_msn must be a whole number/],
      [`index.m3u8?_HLS_msn=${inf}`, 400, /_HLS_msn must be a whole number/],
      [`index.m3u8?_HLS_msn=${huge}${huge}`, 400, /_HLS_msn must be a whole number/],
      ['index.m3u8?_HLS_msn=1&_HLS_part=abc', 400, /_HLS_part must be a whole number/],
      ['index.m3u8?_HLS_part=1', 400, /_HLS_part needs _HLS_msn/],
      // A well-formed range with nothing in it is a 404 that says so.
      [`index-${now - 3600}-60.m3u8`, 404, /no recording between/],
      [`timeshift_abs-${now - 60}.m3u8`, 404, /has no recording/],
    );
    for (const [file, status, why] of cases) {
      const answer = await rawGet(base, `/live/x/${file}`);
      const body = expectSafeError(answer, file, s.studio.token, [status]);
      expect(body.detail, file).toMatch(why);
      expect(body.detail, file).not.toMatch(/NaN|Infinity|undefined|null|\[object/);
    }
    // An unknown stream is named as such before its numbers are looked at.
    const unknown = await rawGet(base, `/live/nobody/index-${huge}-60.m3u8`);
    expect(expectSafeError(unknown, 'unknown', s.studio.token, [404]).detail).toMatch(/no stream named live\/nobody/);
    expect((await s.api('/api/streams/live%2Fx')).status).toBe(200);
  });
});
