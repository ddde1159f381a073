import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { LibraryListing, type LibraryFile, type LibraryFolder } from '../../contract/library-api.js';
import { decodeErrors, ffmpeg, ffprobeJson } from '../../test-support/ffmpeg-tools.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { until } from '../../test-support/wait.js';

const studio = useStudio();
let dir = '';
/** Outside the library folder: what the tests write is not for the scan to find. */
let outDir = '';

const lavfi = (seconds: number, size = '320x240') => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25`, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(seconds)];

/** The kinds of file people drop into a library, made here with ffmpeg. */
const kinds: { file: string; args: string[] }[] = [
  // ffmpeg writes the moov at the end unless told otherwise: the usual camera/export case.
  { file: 'h264 aac moov-at-end.mp4', args: [...lavfi(5), '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-c:a', 'aac'] },
  { file: 'hevc10 ac3.mkv', args: [...lavfi(4), '-c:v', 'libx265', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p10le', '-x265-params', 'log-level=error', '-c:a', 'ac3'] },
  { file: 'vp9 opus.webm', args: [...lavfi(4), '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-c:a', 'libopus'] },
  { file: 'mpeg2.mpg', args: [...lavfi(4), '-c:v', 'mpeg2video', '-c:a', 'mp2', '-f', 'mpeg'] },
  { file: 'phone/portrait.mov', args: [...lavfi(4, '640x360'), '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac'] },
];

/**
 * Turns the first track of a MOV/MP4 a quarter on display, as a phone held upright does:
 * the tkhd matrix (ISO 14496-12 8.3.2), which ffmpeg 5.1 has no option to write.
 */
async function rotateQuarter(file: string): Promise<void> {
  const bytes = await fs.readFile(file);
  const tkhd = bytes.indexOf('tkhd');
  // After the type: version/flags, times, track id, reserved, duration (24), reserved (8), layer, group, volume, reserved (8).
  const matrix = tkhd + 4 + 40;
  const values = [0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000];
  values.forEach((v, i) => bytes.writeInt32BE(v, matrix + i * 4));
  await fs.writeFile(file, bytes);
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fh-library-'));
  outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'fh-library-out-'));
  await fs.mkdir(path.join(dir, 'phone'));
  for (const k of kinds) await ffmpeg([...k.args, path.join(dir, k.file)]);
  await rotateQuarter(path.join(dir, 'phone/portrait.mov'));
  // Two audio languages and SubRip subtitles in one Matroska file.
  await fs.writeFile(path.join(dir, 'subs.srt'), '1\n00:00:00,500 --> 00:00:02,000\nHello\n');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440', '-f', 'lavfi', '-i', 'sine=frequency=660', '-i', path.join(dir, 'subs.srt'), '-t', '3', '-map', '0', '-map', '1', '-map', '2', '-map', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-c:s', 'srt', '-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=fra', path.join(dir, 'languages.mkv')]);
  // Cut in half: the moov (at the end) is gone.
  const whole = await fs.readFile(path.join(dir, kinds[0]!.file));
  await fs.writeFile(path.join(dir, 'truncated.mp4'), whole.subarray(0, whole.length >> 1));
  await fs.writeFile(path.join(dir, 'not-a-video.mp4'), 'this is text, not a film\n'.repeat(100));
  await fs.writeFile(path.join(dir, 'notes.txt'), 'not media');
}, 120_000);
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
  if (!process.env.KEEP_OUT) await fs.rm(outDir, { recursive: true, force: true });
});

async function addLibrary(body: Record<string, unknown> = {}): Promise<LibraryFile[]> {
  const added = await studio().api('/api/library/folders', { method: 'POST', body: JSON.stringify({ name: 'clips', path: dir, ...body }) });
  expect(added.status, await added.clone().text()).toBe(201);
  return until('every file read by ffprobe', async () => {
    const listing = (await (await studio().api('/api/library?folder=clips&sort=name')).json()) as LibraryListing;
    // Written as text, not by the serializer: it must still be what the schema says.
    expect(Value.Errors(LibraryListing, listing)).toEqual([]);
    return listing.files.length === 8 && listing.files.every((f) => f.state !== 'probing') ? listing.files : null;
  }, 30_000);
}

const get = (url: string) => fetch(new URL(url, studio().urls.http));

/** Every segment of the variant's playlist, joined: what a player would decode. */
async function playVariant(hlsUrl: string, variant: string): Promise<string> {
  const base = hlsUrl.replace(/index\.m3u8$/, `${variant}/`);
  const playlist = await (await get(`${base}index.m3u8`)).text();
  expect(playlist).toContain('#EXT-X-ENDLIST');
  // fMP4 variants start with their init segment (EXT-X-MAP), then N.m4s.
  const map = /#EXT-X-MAP:URI="([^"]+)"/.exec(playlist)?.[1];
  const uris = [...(map ? [map] : []), ...playlist.split('\n').filter((l) => l && !l.startsWith('#'))];
  const parts: Buffer[] = [];
  for (const uri of uris) {
    const res = await get(`${base}${uri}`);
    expect(res.status, uri).toBe(200);
    expect(res.headers.get('content-type')).toBe(uri === map ? 'video/mp4' : map ? 'video/iso.segment' : 'video/mp2t');
    parts.push(Buffer.from(await res.arrayBuffer()));
  }
  const out = path.join(outDir, `played-${variant}-${Math.random().toString(36).slice(2)}.${map ? 'mp4' : 'ts'}`);
  await fs.writeFile(out, Buffer.concat(parts));
  return out;
}

const variantsOf = (master: string) => [...master.matchAll(/#EXT-X-STREAM-INF:(.*)\n(.*)\//g)].map((m) => ({ attributes: m[1]!, name: m[2]! }));

describe('the VOD library', () => {
  it('lists what each file holds, and plays every kind it can by URL, each segment made on first request', async () => {
    const files = await addLibrary();
    const byPath = Object.fromEntries(files.map((f) => [f.path, f]));
    expect(Object.keys(byPath).sort()).toEqual(['h264 aac moov-at-end.mp4', 'hevc10 ac3.mkv', 'languages.mkv', 'mpeg2.mpg', 'not-a-video.mp4', 'phone/portrait.mov', 'truncated.mp4', 'vp9 opus.webm']);
    expect(byPath['truncated.mp4']).toMatchObject({ state: 'unplayable', problem: expect.stringMatching(/moov atom not found|Invalid data/) });
    expect(byPath['not-a-video.mp4']).toMatchObject({ state: 'unplayable', problem: expect.stringMatching(/ffprobe/) });
    expect(byPath['hevc10 ac3.mkv']!.media).toMatchObject({ video: { codec: 'hevc', bitDepth: 10, width: 320, height: 240 }, audio: [{ codec: 'ac3' }] });
    expect(byPath['phone/portrait.mov']!.media!.video).toMatchObject({ rotation: 90, width: 640, height: 360 });
    expect(byPath['languages.mkv']!.media).toMatchObject({ audio: [{ language: 'eng' }, { language: 'fra' }], subtitles: [{ codec: 'subrip' }] });
    // Its subtitles as WebVTT beside the variants, timed on the segments' clock.
    const withSubs = await (await get(byPath['languages.mkv']!.hlsUrl)).text();
    expect(withSubs).toContain('#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Subtitles 1",DEFAULT=NO,AUTOSELECT=YES,URI="subs/0/index.m3u8"');
    expect(withSubs).toMatch(/SUBTITLES="subs"/);
    const vtt = await (await get(byPath['languages.mkv']!.hlsUrl.replace('index.m3u8', 'subs/0/subtitles.vtt'))).text();
    expect(vtt).toMatch(/^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:90000,LOCAL:00:00:00.000\n/);
    // The file's own times: Matroska moved every track 23 ms on (AAC priming), the cue with them.
    expect(vtt).toMatch(/00:00\.5\d\d --> 00:02\.0\d\d\nHello/);
    // Thumbnails across the file for a scrub bar: its map, and one picture of them all.
    const map = (await (await get(`${byPath['languages.mkv']!.url}/sprite.json`)).json()) as { tiles: number; columns: number; rows: number; tileWidth: number; tileHeight: number; interval: number };
    expect(map).toMatchObject({ tiles: 2, columns: 2, rows: 1, tileWidth: 160, tileHeight: 120 });
    const sheet = await get(`${byPath['languages.mkv']!.url}/sprite.jpg`);
    expect(sheet.status).toBe(200);
    const sheetFile = path.join(outDir, 'sheet.jpg');
    await fs.writeFile(sheetFile, Buffer.from(await sheet.arrayBuffer()));
    expect((await ffprobeJson<{ streams: { width: number; height: number }[] }>(['-show_entries', 'stream=width,height', sheetFile])).streams[0]).toEqual({ width: 320, height: 120 });
    // A picture at any time, for a scrub bar.
    const preview = await get(`${byPath['languages.mkv']!.url}/preview.jpg?t=1.5&w=160`);
    expect(preview.status).toBe(200);
    expect((await get(`${byPath['languages.mkv']!.url}/preview.jpg?t=99`)).status).toBe(400);
    expect((await get(`${byPath['languages.mkv']!.url}/preview.jpg?t=1&w=99999`)).status).toBe(400);
    expect(byPath['h264 aac moov-at-end.mp4']!.hlsUrl).toBe('/vod/clips/h264%20aac%20moov-at-end.mp4/index.m3u8');
    // Visitors (no sign-in) see the playable files of shared folders, the portrait one upright.
    const visitors = (await (await get('/api/public/library?limit=50')).json()) as { total: number; files: { path: string; width: number | null; height: number | null }[] };
    expect(visitors.total).toBe(6);
    expect(visitors.files.find((f) => f.path === 'phone/portrait.mov')).toMatchObject({ width: 360, height: 640 });
    expect((await get('/api/public/library?limit=100000')).status).toBe(400);

    // The original as it is: Range works, so a browser plays even a moov-at-the-end MP4 progressively.
    const original = byPath['h264 aac moov-at-end.mp4']!;
    const range = await fetch(new URL(original.url, studio().urls.http), { headers: { range: 'bytes=0-99' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-type')).toBe('video/mp4');
    expect((await range.arrayBuffer()).byteLength).toBe(100);

    // H.264/AAC: the original remuxed, and the sizes below it.
    const h264 = variantsOf(await (await get(original.hlsUrl)).text());
    expect(h264.map((v) => v.name)).toEqual(['source']);
    expect(h264[0]!.attributes).toMatch(/RESOLUTION=320x240,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"/);
    const remuxed = await playVariant(original.hlsUrl, 'source');
    expect(await decodeErrors(remuxed)).toBe('');
    // Matroska with two languages: remuxed too, the first language heard.
    expect(variantsOf(await (await get(byPath['languages.mkv']!.hlsUrl)).text()).map((v) => v.name)).toEqual(['source']);
    expect(await decodeErrors(await playVariant(byPath['languages.mkv']!.hlsUrl, 'source'))).toBe('');

    // HEVC 10-bit: the original remuxed to fMP4 (CODECS read from its init, so a browser without HEVC skips it), its AC-3 made AAC.
    const hevc = variantsOf(await (await get(byPath['hevc10 ac3.mkv']!.hlsUrl)).text());
    expect(hevc.map((v) => v.name)).toEqual(['source', '240p']); // and H.264 at its own size, for browsers without HEVC
    expect(hevc[0]!.attributes).toMatch(/CODECS="hvc1\.2\.4\.L\d+(\.[0-9A-F]{2})*,mp4a\.40\.2"/);
    const hevcPlayed = await playVariant(byPath['hevc10 ac3.mkv']!.hlsUrl, 'source');
    expect(await decodeErrors(hevcPlayed)).toBe('');
    const hevcProbed = await ffprobeJson<{ format: { duration: string; start_time: string }; streams: { codec_name: string }[] }>(['-show_entries', 'format=duration,start_time:stream=codec_name', hevcPlayed]);
    expect(hevcProbed.streams.map((s) => s.codec_name)).toEqual(['hevc', 'aac']);
    // MP4 without an edit list counts its duration from 0; the segments start at the studio's 1 s offset.
    expect(Math.abs(Number(hevcProbed.format.duration) - Number(hevcProbed.format.start_time) - byPath['hevc10 ac3.mkv']!.media!.duration)).toBeLessThan(0.5);
    expect((await get(byPath['hevc10 ac3.mkv']!.hlsUrl.replace('index.m3u8', 'source/0.ts'))).status).toBe(404);
    expect((await get(original.hlsUrl.replace('index.m3u8', 'source/init.mp4'))).status).toBe(404);

    // Codecs browsers cannot take as they are: transcoded, at the picture's own size.
    for (const file of ['hevc10 ac3.mkv', 'vp9 opus.webm', 'mpeg2.mpg']) {
      const master = variantsOf(await (await get(byPath[file]!.hlsUrl)).text());
      expect(master.map((v) => v.name).at(-1), file).toBe('240p');
      const played = await playVariant(byPath[file]!.hlsUrl, '240p');
      expect(await decodeErrors(played), file).toBe('');
      const probed = await ffprobeJson<{ format: { duration: string }; streams: { codec_name: string; height?: number }[] }>(['-show_entries', 'format=duration:stream=codec_name,height', played]);
      expect(probed.streams.map((s) => s.codec_name).sort(), file).toEqual(['aac', 'h264']);
      expect(Math.abs(Number(probed.format.duration) - byPath[file]!.media!.duration), file).toBeLessThan(0.5);
    }

    // A phone's portrait video plays upright: 240 wide, taller than wide.
    const portrait = byPath['phone/portrait.mov']!;
    const sizes = variantsOf(await (await get(portrait.hlsUrl)).text());
    expect(sizes.map((v) => v.name)).toEqual(['360p', '240p']);
    expect(sizes[1]!.attributes).toContain('RESOLUTION=240x426');
    const upright = await ffprobeJson<{ streams: { width: number; height: number }[] }>(['-select_streams', 'v', '-show_entries', 'stream=width,height', await playVariant(portrait.hlsUrl, '240p')]);
    expect(upright.streams[0]).toEqual({ width: 240, height: 426 });

    // A poster per file; a file that cannot be read says why.
    const poster = await get(`${original.url}/poster.jpg`);
    expect(poster.status).toBe(200);
    expect(poster.headers.get('content-type')).toBe('image/jpeg');
    const unplayable = await get(`${byPath['truncated.mp4']!.url}/index.m3u8`);
    expect(unplayable.status).toBe(415);
    expect(((await unplayable.json()) as { detail: string }).detail).toMatch(/moov atom not found|Invalid data/);
  }, 180_000);

  it('keeps a private folder to its token, hands the token on, and gives hostile paths a plain 404', async () => {
    await addLibrary({ shared: false, playToken: 'library-secret-1' });
    const file = '/vod/clips/h264%20aac%20moov-at-end.mp4';
    expect((await get(`${file}/index.m3u8`)).status).toBe(403);
    expect((await get(`${file}?token=wrong-token`)).status).toBe(403);
    const master = await (await get(`${file}/index.m3u8?token=library-secret-1`)).text();
    expect(master).toContain('source/index.m3u8?token=library-secret-1');
    const media = await (await get(`${file}/source/index.m3u8?token=library-secret-1`)).text();
    expect(media).toMatch(/\n0\.ts\?token=library-secret-1\n/);
    // The admin plays it too.
    expect((await studio().api(`${file}/index.m3u8`)).status).toBe(200);

    // Visitors see shared folders only: the private one is not listed for them.
    const visible = (await (await get('/api/public/library')).json()) as { files: { folder: string }[] };
    expect(visible.files.every((f) => f.folder !== 'clips')).toBe(true);
    for (const hostile of ['/vod/clips/..%2F..%2Fetc%2Fpasswd', '/vod/clips/../../etc/passwd', '/vod/media/..%2Fframehouse.db', '/vod/clips/notes.txt', '/vod/nope/a.mp4', `${file}/9999p/index.m3u8`, `${file}/source/999999.ts`, `${file}/source/-1.ts`, '/vod/clips/%00.mp4']) {
      const res = await studio().api(hostile);
      expect(res.status, hostile).toBeGreaterThanOrEqual(400);
      expect(res.status, hostile).toBeLessThan(500);
    }
    // Folders: an absolute path that exists, a free name, no overlap with another folder.
    const bad = [
      { name: 'rel', path: 'relative/path' },
      { name: 'gone', path: path.join(dir, 'missing') },
      { name: 'clips', path: os.tmpdir() },
      { name: 'inside', path: path.join(dir, 'phone') },
      { name: 'Bad Name', path: dir },
    ];
    for (const body of bad) {
      const res = await studio().api('/api/library/folders', { method: 'POST', body: JSON.stringify(body) });
      expect(res.status, body.name).toBeGreaterThanOrEqual(400);
      expect(res.status, body.name).toBeLessThan(500);
    }
    expect((await studio().api('/api/library/folders/media', { method: 'DELETE' })).status).toBe(409);

    expect((await get('/api/library')).status).toBe(401);
    const folders = (await (await studio().api('/api/library/folders')).json()) as LibraryFolder[];
    expect(folders.map((f) => [f.name, f.shared, f.files])).toEqual([['media', true, 0], ['clips', false, 8]]);

    // Rename and move: the row follows with what ffprobe said; never over another file, never out of the folder.
    const move = (body: Record<string, string>) => studio().api('/api/library/files', { method: 'PUT', body: JSON.stringify({ folder: 'clips', ...body }) });
    expect((await move({ path: 'mpeg2.mpg', toPath: 'old/mpeg2 renamed.mpg' })).status).toBe(204);
    const moved = (await (await studio().api('/api/library?folder=clips&q=renamed')).json()) as LibraryListing;
    expect(moved.files.map((f) => [f.path, f.state])).toEqual([['old/mpeg2 renamed.mpg', 'ready']]);
    expect(await fs.stat(path.join(dir, 'old', 'mpeg2 renamed.mpg')).then(() => true)).toBe(true);
    expect((await move({ path: 'old/mpeg2 renamed.mpg', toPath: 'vp9 opus.webm' })).status).toBe(409);
    for (const toPath of ['../escape.mpg', 'a/../../b.mpg', '.hidden.mpg', 'x.sh', '/abs.mpg']) expect((await move({ path: 'old/mpeg2 renamed.mpg', toPath })).status, toPath).toBe(400);
    expect((await move({ path: 'nope.mpg', toPath: 'x.mpg' })).status).toBe(404);
    expect((await move({ path: 'old/mpeg2 renamed.mpg', toFolder: 'media', toPath: 'from clips.mpg' })).status).toBe(204);
    expect(await fs.stat(path.join(studio().dir, 'media', 'from clips.mpg')).then(() => true)).toBe(true);
    const gone = await studio().api('/api/library/files?folder=media&path=from%20clips.mpg', { method: 'DELETE' });
    expect(gone.status).toBe(204);
    expect(await fs.stat(path.join(studio().dir, 'media', 'from clips.mpg')).then(() => true, () => false)).toBe(false);
    // A file of this machine dropped on the desktop window: copied in, or used where it is (its folder joins).
    const elsewhere = await fs.mkdtemp(path.join(os.tmpdir(), 'fh-dropped-'));
    try {
      await fs.copyFile(path.join(dir, 'vp9 opus.webm'), path.join(elsewhere, 'dropped.webm'));
      const copied = await studio().api('/api/library/imports', { method: 'POST', body: JSON.stringify({ path: path.join(elsewhere, 'dropped.webm'), mode: 'copy' }) });
      expect(await copied.json()).toEqual({ folder: 'media', path: 'dropped.webm' });
      expect(await fs.stat(path.join(studio().dir, 'media', 'dropped.webm')).then(() => true)).toBe(true);
      const placed = await studio().api('/api/library/imports', { method: 'POST', body: JSON.stringify({ path: path.join(elsewhere, 'dropped.webm'), mode: 'place' }) });
      const ref = (await placed.json()) as { folder: string; path: string };
      expect(ref.path).toBe('dropped.webm');
      expect(((await (await studio().api('/api/library/folders')).json()) as LibraryFolder[]).find((f) => f.name === ref.folder)?.path).toBe(elsewhere);
      for (const body of [{ path: 'relative.webm', mode: 'copy' }, { path: '/etc/passwd', mode: 'copy' }, { path: path.join(elsewhere, 'missing.webm'), mode: 'place' }]) {
        const res = await studio().api('/api/library/imports', { method: 'POST', body: JSON.stringify(body) });
        expect(res.status, body.path).toBeGreaterThanOrEqual(400);
        expect(res.status, body.path).toBeLessThan(500);
      }
      await studio().api(`/api/library/folders/${ref.folder}`, { method: 'DELETE' });
    } finally {
      await fs.rm(elsewhere, { recursive: true, force: true });
    }
    // Put it back for the other tests of this file.
    await ffmpeg([...kinds[3]!.args, path.join(dir, 'mpeg2.mpg')]);
    await fs.rm(path.join(dir, 'old'), { recursive: true, force: true });
  }, 120_000);

  it('sees files arrive, change and go while it runs', async () => {
    const media = path.join(studio().dir, 'media');
    await ffmpeg([...lavfi(2), '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', path.join(media, 'new.mp4')]);
    const found = await until('the new file listed and read', async () => {
      const listing = (await (await studio().api('/api/library?folder=media')).json()) as LibraryListing;
      return listing.files.find((f) => f.path === 'new.mp4' && f.state === 'ready') ?? null;
    }, 15_000);
    expect(found.media?.duration).toBeCloseTo(2, 0);
    // Played as a live stream (WCS's VOD-live): a stream like any other, by the streams API.
    const live = await studio().api('/api/streams/live%2Ffrom-file', { method: 'PUT', body: JSON.stringify({ sources: [{ url: 'library://media/new.mp4', priority: 0 }], loop: true }) });
    expect(live.status, await live.clone().text()).toBe(201);
    const playing = await until('the file playing as live', async () => {
      const s = await studio().stream('live/from-file');
      return s?.state === 'pulling' && s.video ? s : null;
    }, 15_000);
    expect(playing.video).toMatchObject({ width: 320, height: 240 });
    expect((await studio().api('/api/streams/live%2Fbad-file', { method: 'PUT', body: JSON.stringify({ sources: [{ url: 'library://media/..%2F..%2Fetc%2Fpasswd', priority: 0 }] }) })).status).toBe(400);
    expect((await studio().api('/api/streams/live%2Ffrom-file', { method: 'DELETE' })).status).toBeLessThan(300);
    // A playlist: files in turn (a smaller picture second), once, then the stream rests; a live URL in a playlist is refused.
    await ffmpeg([...lavfi(1, '160x120'), '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', path.join(media, 'second.mp4')]);
    await until('the second file read', async () => ((await (await studio().api('/api/library?folder=media&q=second')).json()) as LibraryListing).files.find((f) => f.state === 'ready') ?? null, 15_000);
    const sources = [{ url: 'library://media/new.mp4', priority: 0 }, { url: 'library://media/second.mp4', priority: 1 }];
    expect((await studio().api('/api/streams/live%2Fshow', { method: 'PUT', body: JSON.stringify({ sources: [...sources, { url: 'rtsp://127.0.0.1/cam', priority: 2 }], playlist: true }) })).status).toBe(400);
    const show = await studio().api('/api/streams/live%2Fshow', { method: 'PUT', body: JSON.stringify({ sources, playlist: true, loop: false }) });
    expect(show.status, await show.clone().text()).toBe(201);
    const widths: number[] = [];
    const rested = await until('both files played, in turn', async () => {
      const s = await studio().stream('live/show');
      if (s?.video && widths.at(-1) !== s.video.width) widths.push(s.video.width);
      return s?.state === 'idle' && widths.length >= 2 ? s : null;
    }, 20_000);
    expect(widths).toEqual([320, 160]);
    expect(rested.reason).toBe('the playlist ended');
    expect((await studio().api('/api/streams/live%2Fshow', { method: 'DELETE' })).status).toBeLessThan(300);
    await fs.rm(path.join(media, 'second.mp4'));
    // A link dropped into a shared folder (to a file outside, which could be anything) is never listed or served.
    await fs.symlink(path.join(dir, 'vp9 opus.webm'), path.join(media, 'link.webm'));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const withLink = (await (await studio().api('/api/library?folder=media')).json()) as LibraryListing;
    expect(withLink.files.map((f) => f.path)).toEqual(['new.mp4']);
    expect((await get('/vod/media/link.webm')).status).toBe(404);
    await fs.rm(path.join(media, 'link.webm'));
    await fs.rm(path.join(media, 'new.mp4'));
    await until('the file gone from the list', async () => {
      const listing = (await (await studio().api('/api/library?folder=media')).json()) as LibraryListing;
      return listing.total === 0 ? true : null;
    }, 15_000);
  }, 60_000);
});
