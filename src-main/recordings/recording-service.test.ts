// Recording files end to end below HTTP: real H.264/AAC from ffmpeg fed through a real
// StreamHub, written by the studio, finished by ffmpeg, read back by ffprobe.
import fs from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type StudioDatabase } from '../db/index.js';
import { StudioEvents } from '../events/studio-events.js';
import type { StudioEvent } from '../contract/studio-api.js';
import { tsSource, probe, type MediaSource } from '../formats/fmp4/testing/sources.js';
import { StreamHub } from '../streams/stream-hub.js';
import { ProcessRegistry } from '../transcode/process-registry.js';
import { testSourceArgs } from '../test-support/ffmpeg-tools.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import { until } from '../test-support/wait.js';
import { RecordingService } from './recording-service.js';
import { RecordingStore } from './recording-store.js';

const log = pino({ level: 'silent' });
let source: MediaSource;
let sourceDir: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  sourceDir = await makeTempDir('framehouse-rec-src-');
  // 25 s, a keyframe every second: three files at a 10 s rotation.
  source = await tsSource(sourceDir.dir, 'source.ts', testSourceArgs({ size: '320x180', seconds: 25, gop: 30 }));
  return () => sourceDir.cleanup();
}, 60_000);

interface Rig {
  dir: string;
  db: StudioDatabase;
  service: RecordingService;
  hub: StreamHub;
  events: StudioEvent[];
  processes: ProcessRegistry;
  cleanup(): Promise<void>;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) await rig.cleanup();
});

async function rig(o: { dir?: string; command?: { path: string; timeoutSeconds: number }; log?: (line: string) => void; minFreeBytes?: number } = {}): Promise<Rig> {
  const temp = o.dir ? null : await makeTempDir('framehouse-rec-');
  const dir = o.dir ?? temp!.dir;
  const db = openDatabase(path.join(dir, 'studio.db'));
  const events = new StudioEvents();
  const seen: StudioEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const processes = new ProcessRegistry(log);
  const hub = new StreamHub('live/cam1', log, () => undefined);
  const lines = o.log;
  const service = new RecordingService({
    store: new RecordingStore(db),
    root: () => path.join(dir, 'recordings'),
    hub: (name) => (name === hub.name ? hub : undefined),
    streamKnown: (name) => name === hub.name,
    processes,
    ffmpegPath: () => 'ffmpeg',
    command: () => o.command ?? null,
    minFreeBytes: () => o.minFreeBytes ?? 0,
    events,
    log: lines ? pino({ level: 'info' }, { write: (line: string) => lines(line) }) : log,
  });
  const r: Rig = {
    dir,
    db,
    service,
    hub,
    events: seen,
    processes,
    async cleanup() {
      await service.close();
      await processes.killAll();
      db.close();
      await temp?.cleanup();
    },
  };
  rigs.push(r);
  return r;
}

/** Publishes the source into the hub as if live: each frame arrives when its time says, from `startMs` on. */
function publish(hub: StreamHub, startMs: number, frames = source.frames, o: { end?: boolean } = {}): void {
  const session = hub.beginSession({ protocol: 'rtmp', remoteAddress: '127.0.0.1', sourceUrl: null, kick: () => undefined }, 'publishing');
  session.setTracks(source.tracks);
  const seconds = (f: (typeof frames)[number]) => f.dts / source.tracks[f.trackId]!.timescale;
  const zero = seconds(source.frames[0]!);
  for (const frame of frames) session.pushFrame({ ...frame, arrivedAt: startMs + (seconds(frame) - zero) * 1000 });
  if (o.end !== false) session.end('done');
}

const finished = (r: Rig) => r.events.filter((e): e is Extract<StudioEvent, { type: 'recording_finished' }> => e.type === 'recording_finished').map((e) => e.data).sort((a, b) => a.id - b.id);

async function packetsOf(file: string): Promise<{ video: number; audio: number; firstVideoKey: boolean }> {
  const probed = await probe(file);
  const kind = (i: number) => probed.streams.find((s) => s.index === i)?.codec_type;
  const video = probed.packets.filter((p) => kind(p.stream_index) === 'video');
  return { video: video.length, audio: probed.packets.filter((p) => kind(p.stream_index) === 'audio').length, firstVideoKey: video[0]?.flags.includes('K') ?? false };
}

const sourceCounts = () => ({
  video: source.frames.filter((f) => source.tracks[f.trackId]!.kind === 'video').length,
  audio: source.frames.filter((f) => source.tracks[f.trackId]!.kind === 'audio').length,
});

describe('recording files', () => {
  it('rotates an MP4 recording every 10 s on keyframes: index first, every frame in exactly one file', async () => {
    const r = await rig();
    const status = await r.service.start('live/cam1', { format: 'mp4', rotate: { seconds: 10 }, template: '{stream}-{seq}' });
    expect(status).toMatchObject({ recording: true, format: 'mp4', file: null });
    publish(r.hub, Date.UTC(2026, 11, 7, 12, 0, 0));
    await r.service.stop('live/cam1');
    const files = await until('three files finished', async () => (finished(r).length === 3 ? finished(r) : null), 30_000);
    expect(files.map((f) => [f.state, f.error, f.path])).toEqual([1, 2, 3].map((n) => ['done', null, `live/cam1/live_cam1-${n}.mp4`]));
    const totals = { video: 0, audio: 0 };
    for (const f of files) {
      const file = path.join(r.dir, 'recordings', f.path);
      const bytes = await fs.readFile(file);
      // +faststart: the index comes before the media.
      expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
      expect(bytes.includes('moof')).toBe(false);
      const counts = await packetsOf(file);
      expect(counts.firstVideoKey).toBe(true);
      totals.video += counts.video;
      totals.audio += counts.audio;
      expect(f.bytes).toBe(bytes.length);
    }
    // Nothing lost, nothing twice: the files hold exactly the frames published.
    expect(totals).toEqual(sourceCounts());
    expect(files.map((f) => Math.round(f.durationSeconds))).toEqual([10, 10, 5]);
    expect(r.service.list({ stream: 'live/cam1', limit: 10, offset: 0 }).files.map((f) => f.sequence)).toEqual([3, 2, 1]);
  }, 60_000);

  it('records MKV and MPEG-TS, cuts on the wall clock when aligned, and refuses a second start', async () => {
    const r = await rig();
    // Local 12:00:05: aligned 10 s slots cut at :10 and :20.
    const start = new Date(2026, 11, 7, 12, 0, 5).getTime();
    await r.service.start('live/cam1', { format: 'mkv', rotate: { seconds: 10, aligned: true } });
    await expect(r.service.start('live/cam1', { format: 'ts' })).rejects.toMatchObject({ kind: 'conflict' });
    publish(r.hub, start);
    await r.service.stop('live/cam1');
    const mkv = await until('mkv files', async () => (finished(r).length === 3 ? finished(r) : null), 30_000);
    expect(mkv.map((f) => Math.round(f.durationSeconds))).toEqual([5, 10, 10]);
    expect(mkv[0]!.path).toBe('live/cam1/live_cam1-20261207-120005.mkv');
    const probed = await probe(path.join(r.dir, 'recordings', mkv[0]!.path));
    expect(probed.streams.map((s) => s.codec_name)).toEqual(['h264', 'aac']);

    await r.service.start('live/cam1', { format: 'ts', template: 'sessions/{stream}/{start:%H%M}' });
    publish(r.hub, start + 60_000);
    await r.service.stop('live/cam1');
    const ts = await until('ts file', async () => (finished(r).length === 4 ? finished(r)[3]! : null), 30_000);
    expect(ts).toMatchObject({ state: 'done', path: 'sessions/live_cam1/1201.ts', format: 'ts' });
    expect(await packetsOf(path.join(r.dir, 'recordings', ts.path))).toMatchObject(sourceCounts());
  }, 60_000);

  it('finishes after a crash: the working fragmented MP4 plays and becomes the file', async () => {
    const first = await rig();
    await first.service.start('live/cam1', { format: 'mp4' });
    // Half the stream, then the process "dies": no stop, no close.
    publish(first.hub, Date.now(), source.frames.slice(0, Math.floor(source.frames.length / 2)), { end: false });
    const working = await until('working file written', async () => {
      const [row] = first.service.list({ limit: 1, offset: 0 }).files;
      return row && row.state === 'finishing' ? null : row?.path.includes('.recording-') ? row : null;
    });
    const workFile = path.join(first.dir, 'recordings', working.path);
    await until('fragments on disk', async () => ((await fs.stat(workFile).catch(() => null))?.size ?? 0) > 100_000);
    // The working file alone plays (a crash leaves this).
    expect((await packetsOf(workFile)).video).toBeGreaterThan(100);

    // A new studio on the same data: the row says which file to finish.
    const second = await rig({ dir: first.dir });
    await second.service.recover();
    const done = await until('recovered', async () => finished(second)[0] ?? null, 30_000);
    expect(done).toMatchObject({ state: 'done', error: null });
    expect(done.path).toMatch(/^live\/cam1\/live_cam1-\d{8}-\d{6}\.mp4$/);
    expect((await packetsOf(path.join(second.dir, 'recordings', done.path))).video).toBeGreaterThan(100);
    await expect(fs.stat(workFile)).rejects.toThrow();
  }, 60_000);

  it('runs the handler on each finished file with its path (no shell), and stops one that hangs', async () => {
    const temp = await makeTempDir('framehouse-rec-handler-');
    const marker = path.join(temp.dir, 'got');
    const handler = path.join(temp.dir, 'handler.sh');
    await fs.writeFile(handler, `#!/bin/sh\nprintf '%s' "$1" > '${marker}'\necho handled "$1"\n`, { mode: 0o755 });
    const lines: string[] = [];
    const r = await rig({ command: { path: handler, timeoutSeconds: 10 }, log: (line) => lines.push(line) });
    // A name that would be a command in a shell stays a name.
    await r.service.start('live/cam1', { format: 'ts', template: '$(touch pwned);{seq}' });
    publish(r.hub, Date.now(), source.frames.slice(0, 200));
    await r.service.stop('live/cam1');
    const file = await until('finished', async () => finished(r)[0] ?? null, 30_000);
    const got = await until('handler ran', async () => fs.readFile(marker, 'utf8').catch(() => null));
    expect(got).toBe(path.join(r.dir, 'recordings', file.path));
    expect(path.basename(got)).toBe('$(touch pwned);1.ts');
    await until('handler output logged', async () => (lines.some((l) => l.includes('handled')) ? true : null));
    await expect(fs.stat(path.join(process.cwd(), 'pwned'))).rejects.toThrow();

    const slow = path.join(temp.dir, 'slow.sh');
    await fs.writeFile(slow, '#!/bin/sh\nsleep 30\n', { mode: 0o755 });
    const s = await rig({ command: { path: slow, timeoutSeconds: 1 }, log: (line) => lines.push(line) });
    await s.service.start('live/cam1', { format: 'ts' });
    publish(s.hub, Date.now(), source.frames.slice(0, 200));
    await s.service.stop('live/cam1');
    await until('hung handler stopped', async () => (lines.some((l) => l.includes('was stopped after 1 s')) ? true : null), 15_000);
    await temp.cleanup();
  }, 60_000);

  it('refuses what it cannot do: unknown streams, bad templates, and a full disk', async () => {
    const r = await rig();
    await expect(r.service.start('live/nope', {})).rejects.toMatchObject({ kind: 'not-found' });
    await expect(r.service.start('live/cam1', { template: '{nope}' })).rejects.toMatchObject({ kind: 'invalid' });
    await expect(r.service.start('live/cam1', { template: '../../etc/{seq}' })).rejects.toMatchObject({ kind: 'invalid' });
    await expect(r.service.stop('live/cam1')).rejects.toMatchObject({ kind: 'conflict' });
    const full = await rig({ minFreeBytes: Number.MAX_SAFE_INTEGER });
    await expect(full.service.start('live/cam1', {})).rejects.toMatchObject({ kind: 'unavailable', title: 'Disk nearly full' });
    expect(r.events.filter((e) => e.type === 'recording_changed')).toHaveLength(0);
  });
});

