import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../contract/studio-api.js';
import type { ExportJob } from '../../contract/export-api.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { ffprobeJson, startFfmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { until } from '../../test-support/wait.js';
import { attachment } from './exports.js';

const studio = useStudio();

let publishers: ReturnType<typeof startFfmpeg>[] = [];
let sockets: WebSocket[] = [];
afterEach(async () => {
  await Promise.all(publishers.map((p) => p.stop()));
  for (const ws of sockets) ws.close();
  publishers = [];
  sockets = [];
});

/** Events from /api/events, as a client sees them. */
async function eventsSocket(): Promise<StudioEvent[]> {
  const ws = new WebSocket(`${studio().urls.http.replace('http', 'ws')}api/events`, { headers: { authorization: `Bearer ${studio().studio.token}` } });
  sockets.push(ws);
  const events: StudioEvent[] = [];
  ws.on('message', (data) => events.push(JSON.parse(String(data)) as StudioEvent));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return events;
}

async function record(name: string): Promise<{ from: number; duration: number }> {
  const publisher = startFfmpeg(['-re', ...testSourceArgs({ size: '640x360', seconds: 9, gop: 30 }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/${name}`]);
  publishers.push(publisher);
  await publisher.exited;
  return until(`a recording of ${name}`, async () => {
    const res = await studio().api(`/${name}/recording_status.json?from=${Math.floor(Date.now() / 1000) - 300}&to=now`);
    const range = ((await res.json()) as { ranges: { from: number; duration: number }[] }[])[0]?.ranges[0];
    return range && range.duration >= 7 ? range : null;
  }, 30_000);
}

const post = (body: unknown) => studio().api('/api/exports', { method: 'POST', body: JSON.stringify(body) });

async function finished(events: StudioEvent[], id: string): Promise<ExportJob> {
  return until(`export ${id} to finish`, async () => {
    const e = events.find((x) => x.type === 'export_finished' && x.data.id === id);
    return e?.type === 'export_finished' ? e.data : null;
  }, 30_000);
}

describe('saved exports', () => {
  it('runs a job with progress events, lists it, serves its file, and suffixes a second one of the same name', async () => {
    const name = 'live/exp';
    const range = await record(name);
    const events = await eventsSocket();
    const body = { stream: name, from: range.from + 1, duration: 5 };

    const created = await post(body);
    expect(created.status).toBe(202);
    const job = (await created.json()) as ExportJob;
    expect(job).toMatchObject({ stream: name, from: body.from, duration: 5, precise: false, folder: path.join(studio().dir, 'exports') });
    const done = await finished(events, job.id);
    expect(done).toMatchObject({ state: 'done', progress: 1, error: null });
    expect(done.fileName).toMatch(/^live_exp-\d{8}T\d{6}Z-5s\.mp4$/);
    expect(done.file).toBe(path.join(studio().dir, 'exports', done.fileName!));
    expect(done.bytes).toBe(done.totalBytes);
    const progress = events.filter((e) => e.type === 'export_progress' && e.data.id === job.id);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.every((e) => e.type === 'export_progress' && e.data.progress <= 1)).toBe(true);

    const probed = await ffprobeJson<{ streams: { codec_name: string }[]; format: { duration: string } }>(['-show_entries', 'format=duration:stream=codec_name', done.file!]);
    expect(probed.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(Number(probed.format.duration)).toBeGreaterThan(4);
    expect(fs.readdirSync(path.join(studio().dir, 'exports'))).toEqual([done.fileName]);

    expect(await (await studio().api(`/api/exports/${job.id}`)).json()).toMatchObject({ id: job.id, state: 'done' });
    const listed = (await (await studio().api('/api/exports')).json()) as ExportJob[];
    expect(listed.map((j) => j.id)).toContain(job.id);

    const download = await studio().api(`/api/exports/${job.id}/file`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('video/mp4');
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${done.fileName}"; filename*=UTF-8''${done.fileName}`);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.equals(await fsp.readFile(done.file!))).toBe(true);
    const part = await studio().api(`/api/exports/${job.id}/file`, { headers: { range: 'bytes=4-11' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(4, 12));

    // One click puts it into the Library (a hard link: no bytes copied), where it plays by URL.
    const sent = await studio().api(`/api/library/from-export/${job.id}`, { method: 'POST', body: JSON.stringify({}) });
    expect(sent.status).toBe(201);
    const ref = (await sent.json()) as { folder: string; path: string };
    expect(ref).toEqual({ folder: 'media', path: `DVR exports/${done.fileName}` });
    const inLibrary = path.join(studio().dir, 'media', 'DVR exports', done.fileName!);
    expect(fs.statSync(inLibrary).ino).toBe(fs.statSync(done.file!).ino);
    const master = await until('the export playable from the Library', async () => {
      const res = await fetch(new URL(`/vod/media/DVR%20exports/${encodeURIComponent(done.fileName!)}/index.m3u8`, studio().urls.http));
      return res.status === 200 ? res.text() : null;
    }, 15_000);
    expect(master).toContain('source/index.m3u8');
    expect((await studio().api('/api/library/from-export/nope', { method: 'POST', body: JSON.stringify({}) })).status).toBe(404);

    // The same range again: the first file stays, the second gets " (1)".
    const second = (await (await post(body)).json()) as ExportJob;
    const secondDone = await finished(events, second.id);
    expect(secondDone.fileName).toBe(done.fileName!.replace(/\.mp4$/, ' (1).mp4'));
    expect((await fsp.readFile(done.file!)).equals(bytes)).toBe(true);

    // A finished job is forgotten on DELETE; its file stays.
    expect((await studio().api(`/api/exports/${job.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await studio().api(`/api/exports/${job.id}`)).status).toBe(404);
    expect(fs.existsSync(done.file!)).toBe(true);
  }, 60_000);

  it('writes into an absolute folder chosen in the desktop app, and refuses bad requests with the reason', async () => {
    const name = 'live/exp2';
    const range = await record(name);
    const events = await eventsSocket();
    const chosen = path.join(studio().dir, 'chosen');
    await fsp.mkdir(chosen);
    const job = (await (await post({ stream: name, from: range.from + 1, duration: 3, path: chosen })).json()) as ExportJob;
    const done = await finished(events, job.id);
    expect(done).toMatchObject({ state: 'done', folder: chosen });
    expect(fs.readdirSync(chosen)).toEqual([done.fileName]);

    await fsp.writeFile(path.join(studio().dir, 'a-file'), '');
    const now = Math.floor(Date.now() / 1000);
    const cases: [unknown, number, RegExp][] = [
      [{ stream: name, from: range.from, duration: 3, path: 'relative/dir' }, 400, /absolute folder/],
      [{ stream: name, from: range.from, duration: 3, path: path.join(studio().dir, 'missing') }, 400, /does not exist/],
      [{ stream: name, from: range.from, duration: 3, path: path.join(studio().dir, 'a-file') }, 400, /is not a folder/],
      ...(fs.existsSync('/proc/self') ? [[{ stream: name, from: range.from, duration: 3, path: '/proc' }, 400, /cannot write to \/proc/] as [unknown, number, RegExp]] : []),
      [{ stream: name, from: 1_600_000_000, duration: 60 }, 404, /no recording between/],
      [{ stream: 'nobody/here', from: range.from, duration: 3 }, 404, /no stream named/],
      [{ stream: '../etc', from: range.from, duration: 3 }, 400, /not a valid stream name/],
      [{ stream: name, from: now + 3600, duration: 3 }, 400, /future/],
      [{ stream: name, from: range.from, duration: 99_999 }, 400, /export limit/],
      [{ stream: name, from: range.from, duration: 0 }, 400, /body\.duration/],
      [{ stream: name, from: range.from }, 400, /duration/],
      [{ stream: name, from: range.from, duration: 3, extra: 1 }, 400, /extra: unknown field/],
    ];
    for (const [body, status, why] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(((await res.json()) as { detail: string }).detail, JSON.stringify(body)).toMatch(why);
    }

    // The settings: a shorter length limit refuses at once; an exports folder that cannot be made fails the job cleanly.
    const unwritable = fs.existsSync('/proc/self') ? '/proc/framehouse-exports' : null;
    const put = (patch: unknown) => studio().api('/api/settings', { method: 'PUT', body: JSON.stringify(patch) });
    expect((await put({ exportMaxSeconds: 2, ...(unwritable ? { exportsDir: unwritable } : {}) })).status).toBe(200);
    const tooLong = await post({ stream: name, from: range.from + 1, duration: 3 });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { detail: string }).detail).toMatch(/export limit of 2 s/);
    if (unwritable) {
      const doomed = (await (await post({ stream: name, from: range.from + 1, duration: 2 })).json()) as ExportJob;
      expect(doomed.folder).toBe(unwritable);
      const failed = await finished(events, doomed.id);
      expect(failed).toMatchObject({ state: 'failed', file: null });
      expect(failed.error).toMatch(/^cannot write to \/proc\/framehouse-exports/);
    }

    expect((await studio().api('/api/exports/nope')).status).toBe(404);
    expect((await studio().api('/api/exports/nope', { method: 'DELETE' })).status).toBe(404);
    expect((await studio().api('/api/exports/nope/file')).status).toBe(404);
    expect((await fetch(new URL('/api/exports', studio().urls.http))).status).toBe(401);
  }, 60_000);

  it('names downloads safely, and is described in the OpenAPI document', async () => {
    const spec = (await (await studio().api('/api/docs/json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/exports', '/api/exports/{id}', '/api/exports/{id}/file']));
    expect(attachment('live_cam-x.mp4')).toBe(`attachment; filename="live_cam-x.mp4"; filename*=UTF-8''live_cam-x.mp4`);
    expect(attachment('a "b" (1).mp4')).toBe(`attachment; filename="a _b_ (1).mp4"; filename*=UTF-8''a%20%22b%22%20%281%29.mp4`);
  });
});
