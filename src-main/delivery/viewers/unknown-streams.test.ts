// Requests for streams that do not exist, against the real studio: nothing may be
// allocated for a name that does not exist (viewer sessions, live windows, caches).
import { describe, expect, it } from 'vitest';
import type { ViewerSession } from '../../contract/studio-api.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { deltaMb, heapAfterGc, inParallel, rawClient, watchHealth } from '../testing/hostile-clients.js';

const studio = useStudio();

/** Every kind of per-stream URL, for a stream named `name`: playback (which counts viewers) and the rest. */
const urlsFor = (name: string) => [
  `/${name}/index.m3u8`,
  `/${name}/index-1700000000-60.m3u8`,
  `/${name}/index-1700000000-now.m3u8`,
  `/${name}/rewind-3600.m3u8`,
  `/${name}/timeshift_abs-1700000000.m3u8`,
  `/${name}/s-1700000000000.m4s`,
  `/${name}/l-1.m4s`,
  `/${name}/mpegts`,
  `/${name}/archive-1700000000-60.ts`,
  `/${name}/archive-1700000000-60.mp4`,
  `/${name}/recording_status.json`,
  `/${name}/2026/01/01/00/00/00.jpg`,
  `/${name}/sprite-1700000000-60.jpg`,
];

async function sessions(): Promise<ViewerSession[]> {
  return (await (await studio().api('/api/sessions')).json()) as ViewerSession[];
}

describe('requests for streams that do not exist', () => {
  it('300 of them (every per-stream URL) start no viewer session; a known stream still gets one', async () => {
    const base = studio().urls.http;
    const paths = Array.from({ length: 300 }, (_, i) => urlsFor(`nobody/cam${i}`)[i % 13]!);
    const statuses = new Map<number, number>();
    await inParallel(paths.length, 30, async (i) => {
      const res = await fetch(new URL(paths[i]!, base));
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    });
    expect(Object.fromEntries(statuses)).toEqual({ 404: 300 });
    expect(await sessions()).toEqual([]);

    // The check is about the name, not the URL: a configured stream that is not live yet is watched (a session), and answered 404.
    await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'cams/known' }) });
    expect((await fetch(new URL('/cams/known/index.m3u8', base))).status).toBe(404);
    expect((await sessions()).map((s) => [s.stream, s.protocol])).toEqual([['cams/known', 'hls']]);
  });

  it('20 000 distinct made-up names keep the heap flat, and health answers within 1 s meanwhile', async () => {
    const base = new URL(studio().urls.http);
    const client = rawClient(base, 32);
    const get = (path: string) => client.get(path);
    // Warm up the routes and the client first, so what follows measures only what the names leave behind.
    await inParallel(500, 32, async (i) => void (await get(urlsFor(`warm/up${i}`)[i % 13]!)));
    const heapBefore = heapAfterGc();
    const rssBefore = process.memoryUsage().rss;
    const watch = await watchHealth(base);
    const started = performance.now();
    let notFound = 0;
    await inParallel(20_000, 32, async (i) => {
      // Long, distinct names in every URL form: 20 000 names × 13 forms of caches would show.
      if ((await get(urlsFor(`made/up/${i.toString(36).padStart(8, 'x')}-${'n'.repeat(64)}`)[i % 13]!)) === 404) notFound++;
    });
    const seconds = (performance.now() - started) / 1000;
    client.close();
    const seen = await watch.stop();
    const heapGrowth = heapAfterGc() - heapBefore;
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    console.log(
      `20 000 made-up names in ${seconds.toFixed(1)} s (${Math.round(20_000 / seconds)} req/s): heap after GC ${deltaMb(heapGrowth)}, RSS ${deltaMb(rssGrowth)}; health ${seen.count} answers, slowest ${Math.round(seen.maxMs)} ms`,
    );
    expect(notFound).toBe(20_000);
    expect(await sessions()).toEqual([]);
    // A session or a cache entry per name would keep several MB here (20 000 × a few hundred bytes at least).
    expect(heapGrowth).toBeLessThan(3e6);
    expect(rssGrowth).toBeLessThan(100e6);
    expect(seen.failures).toEqual([]);
    expect(seen.maxMs).toBeLessThan(1000);
  }, 60_000);
});
