import fs from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StreamInfo } from '../contract/studio-api.js';
import type { RecordingFile } from '../contract/recording-api.js';
import { defaultSettings } from '../config/defaults.js';
import { useStudio } from '../test-support/studio-instance.js';
import { ffmpeg, ffprobeJson, ffprobeStreams, testedEncoders, startFfmpeg, testSourceArgs } from '../test-support/ffmpeg-tools.js';
import { until } from '../test-support/wait.js';
import { useTempDir } from '../test-support/temp-dir.js';
import { startStudioProcess } from '../test-support/studio-process.js';
import { buildTimeoutMs, ensureBuilt } from '../test-support/built.js';
import { RtmpTestClient } from '../test-support/rtmp-client.js';
import { readFlvTags, type FlvTag } from '../test-support/flv-file.js';

const studio = useStudio();
const tempDir = useTempDir();

interface Row {
  start_ms: number;
  duration_ms: number;
  file: string;
  init_id: number;
}

function segmentsOf(dataDir: string, stream: string): { rows: Row[]; inits: Map<number, string> } {
  const db = new Database(path.join(dataDir, 'framehouse.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT start_ms, duration_ms, file, init_id FROM dvr_segments WHERE stream = ? ORDER BY start_ms').all(stream) as Row[];
    const inits = new Map((db.prepare('SELECT id, file FROM dvr_inits').all() as { id: number; file: string }[]).map((r) => [r.id, r.file]));
    return { rows, inits };
  } finally {
    db.close();
  }
}

/** ffprobe's packet count of each stream; with `strict`, throws on any error ffprobe prints. */
async function packetCounts(file: string, strict = false): Promise<{ codec_type: string; nb_read_packets: string }[]> {
  return (await ffprobeJson<{ streams: { codec_type: string; nb_read_packets: string }[] }>(['-count_packets', '-show_entries', 'stream=codec_type,nb_read_packets', file], { strict })).streams;
}

/** Packets per stream type when init + segment are read by ffprobe; throws on any error. */
async function probeSegment(dataDir: string, init: string, segment: string, scratch: string): Promise<{ video: number; audio: number }> {
  const joined = path.join(scratch, `probe-${path.basename(segment)}.mp4`);
  await fs.writeFile(joined, Buffer.concat([await fs.readFile(path.join(dataDir, 'dvr', init)), await fs.readFile(path.join(dataDir, 'dvr', segment))]));
  const streams = await packetCounts(joined, true);
  await fs.rm(joined);
  return {
    video: Number(streams.find((s) => s.codec_type === 'video')?.nb_read_packets ?? 0),
    audio: Number(streams.find((s) => s.codec_type === 'audio')?.nb_read_packets ?? 0),
  };
}

async function sourcePackets(file: string): Promise<{ video: number; audio: number }> {
  const streams = await packetCounts(file);
  return { video: Number(streams.find((s) => s.codec_type === 'video')!.nb_read_packets), audio: Number(streams.find((s) => s.codec_type === 'audio')!.nb_read_packets) };
}

/** An FLV tag that is a frame (not a codec configuration, an end of sequence or script data): what the studio counts in framesIn. */
function isFrame(tag: FlvTag): boolean {
  // Video tag: codec id in the low nibble (7 = AVC), then AVCPacketType (0 = sequence header, 1 = NALUs, 2 = end of sequence).
  if (tag.type === 9) return (tag.body[0]! & 0x0f) !== 7 || tag.body[1] === 1;
  // Audio tag: sound format in the high nibble (10 = AAC), then AACPacketType (0 = sequence header, 1 = raw).
  if (tag.type === 8) return tag.body[0]! >> 4 !== 10 || tag.body[1] === 1;
  return false;
}

describe('DVR recording', () => {
  // 10 s in real time (five 2 s segments) says the same as 30 did, in a third of the CI time.
  it.each(testedEncoders)('records 10 s published over RTMP: durations add up, every segment reads, every frame is there (%s)', async (encoder) => {
    const source = path.join(tempDir(), 'ten.flv');
    await ffmpeg([...testSourceArgs({ size: '640x360', seconds: 10, gop: 60, encoder }), '-f', 'flv', source]);
    const sent = await sourcePackets(source);
    const publisher = startFfmpeg(['-re', '-i', source, '-c', 'copy', '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/rec`]);
    expect(await publisher.exited).toBe(0);
    await until('last segment', async () => (await studio().stream('live/rec'))?.state === 'idle');
    await studio().studio.stop(); // waits for every queued write
    const { rows, inits } = segmentsOf(studio().dir, 'live/rec');
    const total = rows.reduce((n, r) => n + r.duration_ms, 0);
    expect(Math.abs(total - 10_000)).toBeLessThanOrEqual(2000); // within one GOP
    expect(rows.length).toBeGreaterThanOrEqual(4);
    // Contiguous: each segment starts where the previous one ended.
    for (let i = 1; i < rows.length; i++) expect(Math.abs(rows[i]!.start_ms - (rows[i - 1]!.start_ms + rows[i - 1]!.duration_ms))).toBeLessThanOrEqual(2);
    let video = 0;
    let audio = 0;
    for (const row of rows) {
      const counts = await probeSegment(studio().dir, inits.get(row.init_id)!, row.file, tempDir());
      video += counts.video;
      audio += counts.audio;
    }
    expect(video).toBe(sent.video);
    expect(Math.abs(audio - sent.audio)).toBeLessThanOrEqual(2); // AAC priming frames may sit before the first keyframe
  }, 90_000);

  it('shows a publisher stopped for 5 s as two ranges with a 5 s gap', async () => {
    const url = `rtmp://127.0.0.1:${studio().rtmpPort}/live/gap`;
    const first = startFfmpeg(['-re', ...testSourceArgs({ seconds: 4, gop: 30 }), '-f', 'flv', url]);
    await first.exited;
    await until('idle', async () => (await studio().stream('live/gap'))?.state === 'idle');
    await new Promise((r) => setTimeout(r, 5000));
    const second = startFfmpeg(['-re', ...testSourceArgs({ seconds: 4, gop: 30 }), '-f', 'flv', url]);
    await second.exited;
    await until('idle again', async () => (await studio().stream('live/gap'))?.state === 'idle');
    // The second session's last segment is written after the stream goes idle: wait for both ranges (one before, one after the gap).
    const ranges = await until('two recorded ranges', async () => {
      const res = await fetch(new URL(`/live/gap/recording_status.json?from=${Math.floor(Date.now() / 1000) - 120}&to=now`, studio().urls.http));
      const [status] = (await res.json()) as { stream: string; ranges: { from: number; duration: number }[] }[];
      const end = status?.ranges[1] ? status.ranges[1].from + status.ranges[1].duration : 0;
      // Complete: the second session published 4 s; its range reaches (nearly) that far.
      return status && status.ranges.length >= 2 && end - status.ranges[1]!.from >= 3 ? status.ranges : null;
    });
    expect(ranges).toHaveLength(2);
    const [a, b] = ranges;
    const gap = b!.from - (a!.from + a!.duration);
    expect(gap).toBeGreaterThanOrEqual(4);
    expect(gap).toBeLessThanOrEqual(8);
  }, 45_000);

  it('answers bad time ranges with a 400 that says why, unknown streams with 404', async () => {
    const get = (p: string) => fetch(new URL(p, studio().urls.http));
    await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'cams/known' }) });
    for (const [query, why] of [
      ['from=200&to=100', /after to/],
      ['from=abc', /UTC seconds/],
      ['from=-5', /UTC seconds/],
      [`from=${Math.floor(Date.now() / 1000) + 10 * 365 * 86400}`, /future/],
    ] as const) {
      for (const res of [await get(`/cams/known/recording_status.json?${query}`), await studio().api(`/api/streams/cams%2Fknown/dvr/summary?${query}`)]) {
        expect(res.status).toBe(400);
        expect(((await res.json()) as { detail: string }).detail).toMatch(why);
      }
    }
    expect((await studio().api('/api/streams/cams%2Fknown/dvr/summary?from=0&to=100&step=0')).status).toBe(400);
    const empty = await get('/cams/known/recording_status.json?from=0&to=now');
    expect(await empty.json()).toEqual([]);
    expect((await get('/nobody/here/recording_status.json')).status).toBe(404);
  });
});

describe('DVR crash safety', () => {
  beforeAll(() => ensureBuilt(), buildTimeoutMs);

  // What kill -9 may cost: the segment being recorded, which ends at the first keyframe
  // after the segment target, so at most dvrSegmentSeconds plus one GOP (1 s here).
  // (A finished segment still waiting for its write would be lost too; it is written in
  // milliseconds, long before the segment after it reaches the same length.)
  const fps = 30;
  const gopFrames = 30;
  const mayLoseMs = defaultSettings.dvrSegmentSeconds * 1000 + (gopFrames / fps) * 1000;

  // The OBS profile alone: B-frames make it the harder case, and the recorder's crash safety does not depend on the encoder.
  it.each(['obs'] as const)('after kill -9 every completed segment is indexed and decodes, and at most one segment is lost (%s)', async (encoder) => {
    const dataDir = tempDir();
    const file = path.join(studio().dir, 'crash-source.flv');
    await ffmpeg([...testSourceArgs({ seconds: 12, rate: fps, gop: gopFrames, encoder }), '-f', 'flv', file]);
    // 9.5 s of it, sent as a live source sends it, then the studio is killed with all of it in hand.
    const sent = readFlvTags(await fs.readFile(file)).filter((t) => t.timestamp <= 9500);
    const framesSent = sent.filter(isFrame).length;
    const publishedMs = Math.max(...sent.filter((t) => t.type === 9 && isFrame(t)).map((t) => t.timestamp)) + 1000 / fps;

    const first = await startStudioProcess(['--http-port', '0', '--data-dir', dataDir]);
    const rtmpPort = Number(new URL(/^rtmp\s+(\S+)/m.exec(first.stdout())![1]!).port);
    const token = (await fs.readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim();
    const client = await RtmpTestClient.open(rtmpPort);
    try {
      await client.connect('live');
      expect(await client.publish('crash')).toMatchObject({ code: 'NetStream.Publish.Start' });
      // Recording to a file too: what the kill leaves of it must play, and the next start finishes it.
      const recording = await fetch(new URL('/api/streams/live%2Fcrash/record/start', first.url), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ format: 'mp4' }) });
      expect(recording.status).toBe(200);
      const started = Date.now();
      for (const tag of sent) {
        const ahead = tag.timestamp - (Date.now() - started);
        if (ahead > 0) await new Promise((r) => setTimeout(r, ahead)); // paced like a live encoder
        client.media(tag.type as 8 | 9 | 18, tag.timestamp, tag.body);
      }
      await until('the studio to have every frame sent', async () => {
        const res = await fetch(new URL('/api/streams/live%2Fcrash', first.url), { headers: { authorization: `Bearer ${token}` } });
        return res.status === 200 && ((await res.json()) as StreamInfo).framesIn === framesSent;
      });
      await first.stop('SIGKILL');
    } finally {
      client.close();
      await first.stop('SIGKILL');
    }
    // The recording file the kill left: fragmented MP4 that plays as it is.
    const leftovers = (await fs.readdir(path.join(dataDir, 'recordings', 'live', 'crash'))).filter((f) => /\.recording-\d+\.mp4$/.test(f));
    expect(leftovers).toHaveLength(1);
    const leftover = path.join(dataDir, 'recordings', 'live', 'crash', leftovers[0]!);
    expect((await ffprobeStreams(leftover)).map((s) => s.codec_type)).toEqual(['video', 'audio']);

    const second = await startStudioProcess(['--http-port', '0', '--data-dir', dataDir]);
    const finished = await until('the recording file finished at the next start', async () => {
      const res = await fetch(new URL('/api/recordings?stream=live%2Fcrash', second.url), { headers: { authorization: `Bearer ${token}` } });
      const file = ((await res.json()) as { files: RecordingFile[] }).files[0];
      return file?.state === 'done' ? file : null;
    });
    await second.stop('SIGTERM');
    const finishedBytes = await fs.readFile(path.join(dataDir, 'recordings', finished.path));
    expect(finished.path).toMatch(/^live\/crash\/live_crash-\d{8}-\d{6}\.mp4$/);
    expect(finishedBytes.indexOf('moov')).toBeLessThan(finishedBytes.indexOf('mdat'));
    await expect(fs.stat(leftover)).rejects.toThrow();
    const { rows, inits } = segmentsOf(dataDir, 'live/crash');
    const files = (await fs.readdir(path.join(dataDir, 'dvr'), { recursive: true })).filter((f) => f.endsWith('.m4s') || f.endsWith('.partial'));
    expect(files.filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(files.length).toBe(rows.length);
    let video = 0;
    for (const row of rows) video += (await probeSegment(dataDir, inits.get(row.init_id)!, row.file, tempDir())).video;
    for (let i = 1; i < rows.length; i++) expect(Math.abs(rows[i]!.start_ms - (rows[i - 1]!.start_ms + rows[i - 1]!.duration_ms))).toBeLessThanOrEqual(2);
    const recordedMs = rows.reduce((n, r) => n + r.duration_ms, 0);
    expect(video).toBe(Math.round((recordedMs * fps) / 1000)); // every frame of the recorded time, from the first one on
    expect(recordedMs).toBeLessThanOrEqual(publishedMs);
    expect(publishedMs - recordedMs, `published ${publishedMs.toFixed(0)} ms, recorded ${recordedMs} ms`).toBeLessThanOrEqual(mayLoseMs);
  }, 60_000);
});

describe('DVR locks and switches over the API', () => {
  it('locks a range (saying when nothing is recorded there yet), lists it, shows it in recording_status, unlocks it', async () => {
    await studio().api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'cams/lockme' }) });
    const from = Math.floor(Date.now() / 1000) - 600;
    const locked = await studio().api('/api/dvr/lock', { method: 'POST', body: JSON.stringify({ stream: 'cams/lockme', from, duration: 300 }) });
    expect(locked.status).toBe(201);
    expect(await locked.json()).toMatchObject({ lock: { stream: 'cams/lockme', from, duration: 300 }, recorded: false, note: expect.stringMatching(/protects what will be recorded/) });
    const list = await (await studio().api('/api/dvr/locks?stream=cams%2Flockme')).json();
    expect(list).toEqual([{ id: expect.any(Number), stream: 'cams/lockme', from, duration: 300 }]);
    const status = await (await fetch(new URL(`/cams/lockme/recording_status.json?from=${from - 60}&to=now&request=ranges,locks`, studio().urls.http))).json();
    expect(status).toEqual([{ stream: 'cams/lockme', ranges: [], locks: [{ from, duration: 300 }] }]);
    await studio().api('/api/dvr/unlock', { method: 'POST', body: JSON.stringify({ stream: 'cams/lockme', from: from + 100, duration: 100 }) });
    expect(((await (await studio().api('/api/dvr/locks?stream=cams%2Flockme')).json()) as { from: number; duration: number }[]).map((l: { from: number; duration: number }) => [l.from - from, l.duration])).toEqual([
      [0, 100],
      [200, 100],
    ]);
    const bad = await studio().api('/api/dvr/lock', { method: 'POST', body: JSON.stringify({ stream: 'cams/lockme', from, duration: -5 }) });
    expect(bad.status).toBe(400);
    const unknown = await studio().api('/api/dvr/lock', { method: 'POST', body: JSON.stringify({ stream: 'cams/nobody', from, duration: 5 }) });
    expect(unknown.status).toBe(404);
  });

  it('switches recording off and on at run time', async () => {
    const url = `rtmp://127.0.0.1:${studio().rtmpPort}/live/switch`;
    const publisher = startFfmpeg(['-re', ...testSourceArgs({ gop: 30 }), '-f', 'flv', url]);
    try {
      const on = await until('recording', async () => {
        const s = await studio().stream('live/switch');
        return s?.dvr.recording ? s : null;
      });
      expect(on.dvr).toEqual({ recording: true, error: null });
      const off = await studio().api('/api/streams/live%2Fswitch/dvr/disable', { method: 'POST' });
      expect(await off.json()).toMatchObject({ recording: false, enabled: false });
      expect((await studio().stream('live/switch'))?.dvr.recording).toBe(false);
      const again = await studio().api('/api/streams/live%2Fswitch/dvr/enable', { method: 'POST' });
      expect(await again.json()).toMatchObject({ recording: true, enabled: true });
    } finally {
      await publisher.stop();
    }
  });
});

describe('DVR disk errors', () => {
  it('a write that fails stops that stream recording with an event and a visible state, and recording resumes once the cause is gone', async () => {
    // A file where the stream's folder must go: mkdir fails (ENOTDIR) whoever runs the test.
    const blocker = path.join(studio().dir, 'dvr', 'live', 'diskerr');
    await fs.mkdir(path.dirname(blocker), { recursive: true });
    await fs.writeFile(blocker, 'not a folder');
    const publisher = startFfmpeg(['-re', ...testSourceArgs({ gop: 15 }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/diskerr`]);
    try {
      const failing = await until('the error to show', async () => {
        const s = await studio().stream('live/diskerr');
        return s?.dvr.error ? s : null;
      });
      expect(failing.dvr.error).toMatch(/cannot write the archive/);
      expect(failing.state).toBe('publishing'); // ingest goes on
      expect(studio().events.some((e) => e.type === 'dvr_error' && e.data.stream === 'live/diskerr')).toBe(true);
      await fs.rm(blocker);
      const healed = await until('recording to resume', async () => {
        const s = await studio().stream('live/diskerr');
        return s && s.dvr.error === null ? s : null;
      }, 15_000);
      expect(healed.dvr.recording).toBe(true);
      await until('segments after the repair', async () => {
        const { rows, inits } = segmentsOf(studio().dir, 'live/diskerr');
        for (const row of rows) await fs.access(path.join(studio().dir, 'dvr', inits.get(row.init_id)!)); // the init was written after all
        const res = await fetch(new URL(`/live/diskerr/recording_status.json?from=${Math.floor(Date.now() / 1000) - 60}&to=now`, studio().urls.http));
        const body = (await res.json()) as { ranges?: unknown[] }[];
        return body[0]?.ranges?.length ? true : null;
      }, 15_000);
    } finally {
      await publisher.stop();
    }
  }, 40_000);
});
