// Recording files through the REST API, with a real RTMP publisher (ffmpeg) and ffprobe reading the files.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordingFile, RecordingSession, RecordingStatus } from '../../contract/recording-api.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { ffprobeStreams, startFfmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { until } from '../../test-support/wait.js';

const studio = useStudio();
let publishers: ReturnType<typeof startFfmpeg>[] = [];
afterEach(async () => {
  await Promise.all(publishers.map((p) => p.stop()));
  publishers = [];
});

function publish(name: string, seconds: number) {
  const publisher = startFfmpeg(['-re', ...testSourceArgs({ size: '320x180', seconds, gop: 30, encoder: 'zerolatency' }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/${name}`]);
  publishers.push(publisher);
  return publisher;
}

const post = (url: string, body?: unknown) => studio().api(url, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
const finishedFiles = () => studio().events.flatMap((e) => (e.type === 'recording_finished' ? [e.data] : []));

describe('recording files over REST', () => {
  it('starts on a stream that is not live yet, records MP4 while it publishes, lists, serves and sends the file to the Library', async () => {
    const name = 'live/rec';
    // A configured stream that is offline: recording waits for it.
    expect((await post('/api/streams', { name })).status).toBe(201);
    const started = await post(`/api/streams/${encodeURIComponent(name)}/record/start`, { format: 'mp4' });
    expect(started.status).toBe(200);
    expect((await started.json()) as RecordingStatus).toMatchObject({ stream: name, recording: true, format: 'mp4', file: null });
    expect((await post(`/api/streams/${encodeURIComponent(name)}/record/start`, {})).status).toBe(409);

    const publisher = publish(name, 4);
    const live = await until('the file growing', async () => {
      const status = (await (await studio().api(`/api/streams/${encodeURIComponent(name)}/record`)).json()) as RecordingStatus;
      return status.file && status.file.bytes > 0 ? status : null;
    });
    expect(live.file!.state).toBe('recording');
    expect((await studio().stream(name))!.files).toMatchObject({ format: 'mp4', error: null });
    await publisher.exited;
    const stopped = await post(`/api/streams/${encodeURIComponent(name)}/record/stop`);
    expect(((await stopped.json()) as RecordingStatus).recording).toBe(false);
    const [file] = await until('the file finished', async () => (finishedFiles().length > 0 ? finishedFiles() : null), 20_000);
    expect(file).toMatchObject({ stream: name, state: 'done', error: null, format: 'mp4' });
    expect(file!.durationSeconds).toBeGreaterThan(2.5);

    const list = (await (await studio().api(`/api/recordings?stream=${encodeURIComponent(name)}`)).json()) as { total: number; files: RecordingFile[] };
    expect(list.total).toBe(1);
    expect(list.files[0]).toMatchObject({ id: file!.id, path: file!.path });
    const onDisk = path.join(studio().dir, 'recordings', file!.path);
    expect((await ffprobeStreams(onDisk)).map((s) => s.codec_type)).toEqual(['video', 'audio']);

    const download = await studio().api(`/api/recordings/${file!.id}/file`, { headers: { range: 'bytes=0-7' } });
    expect(download.status).toBe(206);
    expect(Buffer.from(await download.arrayBuffer()).subarray(4, 8).toString()).toBe('ftyp');
    expect(download.headers.get('content-disposition')).toContain('.mp4');

    const sent = await post(`/api/recordings/${file!.id}/library`, {});
    expect(sent.status).toBe(201);
    expect((await sent.json()) as { folder: string; path: string }).toEqual({ folder: 'media', path: `Recordings/${path.basename(onDisk)}` });
    expect((await fsp.stat(path.join(studio().dir, 'media', 'Recordings', path.basename(onDisk)))).size).toBe(file!.bytes);
  }, 60_000);

  it('always records a stream whose setting says so, and stops when the setting is taken away', async () => {
    const name = 'live/always';
    expect((await post('/api/streams', { name, recordFiles: { format: 'ts', template: 'always/{stream}-{seq}' } })).status).toBe(201);
    const status = async () => (await (await studio().api(`/api/streams/${encodeURIComponent(name)}/record`)).json()) as RecordingStatus;
    await until('armed by its setting', async () => ((await status()).always ? true : null));
    expect((await studio().stream(name))!.config!.recordFiles).toEqual({ format: 'ts', template: 'always/{stream}-{seq}' });
    const publisher = publish(name, 3);
    await publisher.exited;
    const [file] = await until('its file finished', async () => (finishedFiles().length > 0 ? finishedFiles() : null), 20_000);
    expect(file).toMatchObject({ path: 'always/live_always-1.ts', state: 'done' });
    const put = await studio().api(`/api/streams/${encodeURIComponent(name)}`, { method: 'PUT', body: JSON.stringify({ recordFiles: null }) });
    expect(put.status).toBe(200);
    await until('stopped with its setting', async () => ((await status()).recording ? null : true));
    expect((await post('/api/streams', { name: 'live/bad-always', recordFiles: { format: 'avi' } })).status).toBe(400);
  }, 30_000);

  it('records several streams as one session, and refuses whoever is not admin and whatever is malformed', async () => {
    for (const name of ['live/a', 'live/b']) expect((await post('/api/streams', { name })).status).toBe(201);
    const session = (await (await post('/api/recordings/sessions', { streams: ['live/a', 'live/b'], format: 'ts', template: 'shoot/{session}/{stream}' })).json()) as RecordingSession;
    expect(session.streams.map((s) => [s.stream, s.session])).toEqual([
      ['live/a', session.session],
      ['live/b', session.session],
    ]);
    // All or nothing: one unknown stream starts none.
    expect((await post('/api/recordings/sessions', { streams: ['live/c', 'live/nope'] })).status).toBe(404);
    expect((await studio().api('/api/recordings')).ok).toBe(true);
    const a = publish('live/a', 3);
    const b = publish('live/b', 3);
    await Promise.all([a.exited, b.exited]);
    const stopped = await post(`/api/recordings/sessions/${session.session}/stop`);
    expect(((await stopped.json()) as RecordingStatus[]).map((s) => s.recording)).toEqual([false, false]);
    const files = await until('both files', async () => (finishedFiles().length === 2 ? finishedFiles() : null), 20_000);
    expect(files.map((f) => f.path).sort()).toEqual([`shoot/${session.session}/live_a.ts`, `shoot/${session.session}/live_b.ts`]);
    const listed = (await (await studio().api(`/api/recordings?session=${session.session}`)).json()) as { files: RecordingFile[] };
    expect(listed.files).toHaveLength(2);

    // Hostile and malformed requests.
    const anonymous = (url: string, init: RequestInit = {}) => fetch(new URL(url, studio().urls.http), { method: 'POST', ...init });
    for (const url of ['/api/streams/live%2Fa/record/start', '/api/streams/live%2Fa/record/stop', '/api/recordings/sessions', `/api/recordings/${files[0]!.id}/library`]) {
      expect((await anonymous(url, { headers: { 'content-type': 'application/json' }, body: '{}' })).status, url).toBe(401);
    }
    expect((await fetch(new URL('/api/recordings', studio().urls.http))).status).toBe(401);
    expect((await fetch(new URL(`/api/recordings/${files[0]!.id}/file`, studio().urls.http))).status).toBe(401);
    expect((await post('/api/streams/live%2Fa/record/start', { format: 'avi' })).status).toBe(400);
    expect((await post('/api/streams/live%2Fa/record/start', { template: '../../../etc/{seq}' })).status).toBe(400);
    expect((await post('/api/streams/live%2Fa/record/start', { template: 'x'.repeat(201) })).status).toBe(400);
    expect((await post('/api/streams/live%2Fa/record/start', { rotate: { seconds: 1 } })).status).toBe(400);
    expect((await post('/api/streams/..%2Fetc/record/start', {})).status).toBe(400);
    expect((await post('/api/recordings/sessions', { streams: Array.from({ length: 17 }, (_, i) => `live/s${i}`) })).status).toBe(400);
    expect((await studio().api('/api/recordings?limit=100000')).status).toBe(400);
    expect((await studio().api('/api/recordings/999999/file')).status).toBe(404);
    expect((await post('/api/streams/live%2Fa/record/stop')).status).toBe(409);
  }, 60_000);
});
