import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LibraryListing } from '../../contract/library-api.js';
import { ffmpeg } from '../../test-support/ffmpeg-tools.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { until } from '../../test-support/wait.js';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { createStudio } from '../../studio.js';

const studio = useStudio();
const tus = { 'tus-resumable': '1.0.0' };
const meta = (fields: Record<string, string>) => Object.entries(fields).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');

describe('uploads into the library (tus)', () => {
  it('takes a file in pieces, resumes where the connection dropped, and lists it under its own name', async () => {
    const source = path.join(studio().dir, 'source.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', source]);
    const bytes = await fs.readFile(source);
    const created = await studio().api('/api/library/uploads', { method: 'POST', headers: { ...tus, 'upload-length': String(bytes.length), 'upload-metadata': meta({ filename: 'My clip.mp4', folder: 'media' }) } });
    expect(created.status, await created.clone().text()).toBe(201);
    const location = new URL(created.headers.get('location')!, studio().urls.http).pathname;
    expect(location).toMatch(/^\/api\/library\/uploads\/[0-9a-f]+$/);

    const half = bytes.length >> 1;
    const patch = (offset: number, body: Buffer) => studio().api(location, { method: 'PATCH', headers: { ...tus, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, body });
    expect((await patch(0, bytes.subarray(0, half))).status).toBe(204);
    // The client lost track: it asks where to go on from.
    const head = await studio().api(location, { method: 'HEAD', headers: tus });
    expect(head.headers.get('upload-offset')).toBe(String(half));
    // A wrong offset is refused, not written over.
    expect((await patch(0, bytes.subarray(0, 10))).status).toBe(409);
    const done = await patch(half, bytes.subarray(half));
    expect(done.status).toBe(204);
    expect(decodeURIComponent(done.headers.get('x-library-path')!)).toBe('My clip.mp4');
    expect(Buffer.compare(await fs.readFile(path.join(studio().dir, 'media', 'My clip.mp4')), bytes)).toBe(0);
    const listed = await until('the upload listed and read', async () => {
      const listing = (await (await studio().api('/api/library?folder=media')).json()) as LibraryListing;
      return listing.files.find((f) => f.path === 'My clip.mp4' && f.state === 'ready') ?? null;
    }, 15_000);
    expect(listed.media?.video).toMatchObject({ codec: 'h264', width: 320 });

    // The same name again: kept beside it, never over it.
    const again = await studio().api('/api/library/uploads', { method: 'POST', headers: { ...tus, 'upload-length': String(bytes.length), 'upload-metadata': meta({ filename: 'My clip.mp4' }) } });
    const second = await studio().api(new URL(again.headers.get('location')!, studio().urls.http).pathname, { method: 'PATCH', headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: bytes });
    expect(decodeURIComponent(second.headers.get('x-library-path')!)).toBe('My clip (2).mp4');
  }, 60_000);

  it('carries on after the studio restarted: the parts written are kept, and the upload finishes from there', async () => {
    const { dir, cleanup } = await makeTempDir();
    const open = async () => {
      const s = await createStudio({ dataDir: dir, adminToken: null, cli: { httpPort: 0, rtmpPort: 0, srtPort: 0 }, env: {}, logToConsole: false });
      const urls = await s.start();
      const call = (p: string, init: RequestInit = {}) => fetch(new URL(p, urls.http), { ...init, headers: { authorization: `Bearer ${s.token}`, ...init.headers } });
      return { s, call };
    };
    try {
      const bytes = Buffer.alloc(3 << 20, 7);
      const first = await open();
      const created = await first.call('/api/library/uploads', { method: 'POST', headers: { ...tus, 'upload-length': String(bytes.length), 'upload-metadata': meta({ filename: 'across a restart.mp4' }) } });
      const location = new URL(created.headers.get('location')!, 'http://studio').pathname;
      await first.call(location, { method: 'PATCH', headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: bytes.subarray(0, 1 << 20) });
      await first.s.stop();

      const second = await open();
      const head = await second.call(location, { method: 'HEAD', headers: tus });
      expect(head.status).toBe(200);
      expect(head.headers.get('upload-offset')).toBe(String(1 << 20));
      const done = await second.call(location, { method: 'PATCH', headers: { ...tus, 'upload-offset': String(1 << 20), 'content-type': 'application/offset+octet-stream' }, body: bytes.subarray(1 << 20) });
      expect(done.status).toBe(204);
      expect(Buffer.compare(await fs.readFile(path.join(dir, 'media', 'across a restart.mp4')), bytes)).toBe(0);
      await second.s.stop();
    } finally {
      await cleanup();
    }
  }, 60_000);

  it('refuses what it should before a byte is sent: no admin, a name that is not media, a hidden or path name, too big for the disk', async () => {
    const create = (headers: Record<string, string>, auth = true) =>
      (auth ? studio().api : (p: string, init: RequestInit) => fetch(new URL(p, studio().urls.http), init))('/api/library/uploads', { method: 'POST', headers: { ...tus, 'upload-length': '1000', ...headers } });
    expect((await create({ 'upload-metadata': meta({ filename: 'a.mp4' }) }, false)).status).toBe(401);
    for (const filename of ['script.sh', '.hidden.mp4', '../../escape.txt', '']) {
      const res = await create({ 'upload-metadata': meta({ filename }) });
      expect(res.status, filename).toBe(400);
    }
    // A name with a path keeps only its last part, inside the folder.
    expect((await create({ 'upload-metadata': meta({ filename: '../../up.mp4' }) })).status).toBe(201);
    expect((await create({ 'upload-metadata': meta({ filename: 'a.mp4', folder: 'nope' }) })).status).toBe(400);
    const huge = await create({ 'upload-length': String(400 * 1024 ** 3), 'upload-metadata': meta({ filename: 'huge.mp4' }) });
    expect(huge.status).toBe(507);
    expect(await huge.text()).toMatch(/not enough disk space/);
    const tooBig = await create({ 'upload-length': String(600 * 1024 ** 3), 'upload-metadata': meta({ filename: 'huge.mp4' }) });
    expect(tooBig.status).toBe(413);
  }, 30_000);
});
