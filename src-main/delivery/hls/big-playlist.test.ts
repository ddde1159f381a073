import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/index.js';
import { DvrIndex, type SegmentRecord } from '../../dvr/dvr-index.js';
import { useStudio } from '../../test-support/studio-instance.js';

const studio = useStudio();

const day = 86_400;
const segmentMs = 2_000;
const segmentCount = (day * 1000) / segmentMs;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  ms: number;
}

/** GET over a keep-alive agent, the body as sent (node's http does not gunzip). */
function timedGet(agent: http.Agent, url: URL, headers: Record<string, string>): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const exec = promisify(execFile);

/**
 * The time to the last byte as curl, another process, sees it: the studio runs in this
 * process, and a client here would bill its own parsing to the server's clock.
 */
async function curlMs(url: URL, headers: Record<string, string>): Promise<number> {
  const args = ['-s', '-o', '/dev/null', '-w', '%{time_total}', ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), url.href];
  return Number((await exec('curl', args)).stdout) * 1000;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

describe('a 24-hour DVR playlist', () => {
  it('is built and sent in under 100 ms, plain or gzipped, and adds up to the day', async () => {
    const s = studio();
    const name = 'cams/day';
    // 24 h of 2-second segments ending an hour ago, written straight into the studio's database (the files need not exist for playlists).
    const fromS = Math.floor(Date.now() / 1000) - day - 3600;
    const seedStarted = performance.now();
    const db = openDatabase(path.join(s.dir, 'framehouse.db'));
    try {
      const index = new DvrIndex(db);
      const initId = index.initId(name, 'seeded-init', `${name}/init/seeded.mp4`, '[]');
      const segments: SegmentRecord[] = [];
      for (let i = 0; i < segmentCount; i++) {
        const startMs = fromS * 1000 + i * segmentMs;
        segments.push({ stream: name, startMs, durationMs: segmentMs, bytes: 250_000, file: `${name}/${startMs}.m4s`, initId, firstKeyframe: true, discontinuity: false });
      }
      index.addMany(segments);
      expect(index.totals(name).segments).toBe(segmentCount);
    } finally {
      db.close();
    }
    const seedMs = performance.now() - seedStarted;

    const url = new URL(`/${name}/index-${fromS}-${day}.m3u8`, s.urls.http);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // Cold: every request builds the playlist from the index (a new range each time: nothing cached).
      const coldTimes: number[] = [];
      for (let i = 0; i < 5; i++) coldTimes.push(await curlMs(new URL(`/${name}/index-${fromS + i}-${day - 10}.m3u8`, s.urls.http), {}));
      const coldGzip: number[] = [];
      for (let i = 0; i < 3; i++) coldGzip.push(await curlMs(new URL(`/${name}/index-${fromS + 10 + i}-${day - 20}.m3u8`, s.urls.http), { 'accept-encoding': 'gzip' }));
      // Repeated: the same finished range is kept for its minute of Cache-Control.
      const plainTimes: number[] = [];
      const gzipTimes: number[] = [];
      for (let i = 0; i < 5; i++) {
        plainTimes.push(await curlMs(url, {}));
        gzipTimes.push(await curlMs(url, { 'accept-encoding': 'gzip, deflate, br' }));
      }
      const plain = await timedGet(agent, url, {});
      const gzipped = await timedGet(agent, url, { 'accept-encoding': 'gzip, deflate, br' });
      expect(plain.status, plain.body.toString().slice(0, 300)).toBe(200);
      expect(gzipped.status).toBe(200);

      const text = plain.body.toString('utf8');
      expect(plain.headers['content-type']).toBe('application/vnd.apple.mpegurl');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers.vary).toMatch(/accept-encoding/i);
      expect(text.startsWith('#EXTM3U\n')).toBe(true);
      expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
      expect(text.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
      const durations = [...text.matchAll(/^#EXTINF:([\d.]+),$/gm)].map((m) => Number(m[1]));
      const uris = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      expect(durations).toHaveLength(segmentCount);
      expect(uris).toHaveLength(segmentCount);
      expect(uris[0]).toBe(`s-${fromS * 1000}.m4s`);
      expect(text.match(/#EXT-X-MAP:/g)).toHaveLength(1);
      expect(text).not.toContain('#EXT-X-DISCONTINUITY\n');
      const total = durations.reduce((a, b) => a + b, 0);
      expect(Math.abs(total - day)).toBeLessThanOrEqual(segmentMs / 1000);

      expect(gzipped.headers['content-encoding']).toBe('gzip');
      expect(gzipped.headers.vary).toMatch(/accept-encoding/i);
      expect(gzipped.headers['content-type']).toBe('application/vnd.apple.mpegurl');
      expect(zlib.gunzipSync(gzipped.body).toString('utf8')).toBe(text);
      expect(gzipped.body.length).toBeLessThan(plain.body.length / 4);

      const coldMs = median(coldTimes);
      const coldGzipMs = median(coldGzip);
      const plainMs = median(plainTimes);
      const gzipMs = median(gzipTimes);
      const runs = (t: number[]) => t.map((v) => v.toFixed(0)).join(', ');
      console.log(
        `24 h playlist: ${durations.length} segments, ${(plain.body.length / 1e6).toFixed(1)} MB (gzip ${Math.round(gzipped.body.length / 1e3)} KB); ` +
          `built afresh ${coldMs.toFixed(0)} ms plain / ${coldGzipMs.toFixed(0)} ms gzip, repeated ${plainMs.toFixed(0)} / ${gzipMs.toFixed(0)} ms ` +
          `(cold runs ${runs(coldTimes)}; cold gzip ${runs(coldGzip)}; seeding ${seedMs.toFixed(0)} ms)`,
      );
      // The goal is 100 ms for a fresh build; other test files share these two cores, so the
      // guard here is looser, and the figure above is what the closing note reports.
      expect(coldMs).toBeLessThan(250);
      expect(coldGzipMs).toBeLessThan(300);
      expect(plainMs).toBeLessThan(100);
      expect(gzipMs).toBeLessThan(100);
    } finally {
      agent.destroy();
    }
  }, 40_000);
});
