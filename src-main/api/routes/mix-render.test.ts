// The offline mix with real recordings: two cameras published by one ffmpeg (the same
// pictures, each numbered by its brightness) and a third that starts later. The render
// is a saved export job; in the MP4 the two cameras stay as far apart in every frame as
// their recorded clocks say (no drift, no jump), the late camera appears at the frame its
// recording starts, the background shows before, and the file is as long as asked.
import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ExportJob } from '../../contract/export-api.js';
import { ffmpeg, ffprobeJson, startFfmpeg } from '../../test-support/ffmpeg-tools.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { until } from '../../test-support/wait.js';

const studio = useStudio({ dvrSegmentSeconds: 1 });

/** Pictures whose brightness counts frames: 40 + 8 × (n mod 24), and a tone. */
const counting = ['-re', '-f', 'lavfi', '-i', "color=c=black:size=160x90:rate=25,geq=lum='40+8*mod(N,24)':cb=128:cr=128", '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];
const encode = ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mpegts'];
const url = (name: string) => new URL(`/${name}/mpegts`, studio().urls.http).href;

/** The frame number (mod 24) a camera's brightness says, or null for the black background. */
function counter(luma: number): number | null {
  return luma < 28 ? null : Math.round((luma - 40) / 8);
}

/** Mean luma of a 40×40 square at (x, y) of a frame (its luma plane first). */
function mean(frame: Buffer, width: number, x: number, y: number): number {
  let sum = 0;
  for (let row = y; row < y + 40; row++) for (let col = x; col < x + 40; col++) sum += frame[row * width + col]!;
  return sum / 1600;
}

describe('offline mix of recordings', () => {
  it('renders cameras in step by their recorded clocks, a late one from its first recorded picture; a canceled render leaves no file', async () => {
    // Two cameras from one process: the same picture at the same moment.
    const pair = startFfmpeg([...counting, '-map', '0:v', '-map', '1:a', ...encode, url('live/cam1'), '-map', '0:v', '-map', '1:a', ...encode, url('live/cam2')]);
    await until('both cameras live', async () => (await studio().stream('live/cam1'))?.state === 'publishing' && (await studio().stream('live/cam2'))?.state === 'publishing');
    await new Promise((r) => setTimeout(r, 2500));
    const late = startFfmpeg([...counting, ...encode, url('live/cam3')]);
    try {
      type Recorded = { stream: string; from: number; to: number };
      const recorded = await until('seven seconds of both cameras and four of the late one', async () => {
        const streams = (await (await studio().api('/api/dvr/streams')).json()) as Recorded[];
        const [a, b, c] = ['live/cam1', 'live/cam2', 'live/cam3'].map((s) => streams.find((r) => r.stream === s));
        return a && b && c && a.to - a.from > 7 && b.to - b.from > 7 && c.to - c.from > 4 ? { a, b, c } : null;
      }, 30_000);
      // A second into what both cameras recorded (on a loaded machine one may have started a little later).
      const from = Math.max(recorded.a.from, recorded.b.from) + 1;
      const duration = 5;
      const layout = {
        width: 640,
        height: 360,
        fps: 25,
        background: '#000000',
        offline: 'background',
        inputs: [
          { source: 'live/cam1', x: 0, y: 0, w: 320, h: 180 },
          { source: 'live/cam2', x: 320, y: 0, w: 320, h: 180, volume: 0.5 },
          { source: 'live/cam3', x: 0, y: 180, w: 320, h: 180, muted: true },
          // A white card the mixer makes itself (no recording behind it).
          { source: 'colour:#ffffff', x: 320, y: 180, w: 320, h: 180 },
        ],
      };
      // One canceled at once leaves nothing behind.
      const first = (await (await studio().api('/api/mixes/render', { method: 'POST', body: JSON.stringify({ name: 'live/first', from, duration, ...layout }) })).json()) as ExportJob;
      await until('the first render running', async () => ((await (await studio().api(`/api/exports/${first.id}`)).json()) as ExportJob).state === 'running');
      expect((await studio().api(`/api/exports/${first.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
      expect(((await (await studio().api(`/api/exports/${first.id}`)).json()) as ExportJob).state).toBe('canceled');
      expect((await fs.readdir(first.folder).catch(() => [] as string[])).filter((f) => f.startsWith('live_first'))).toEqual([]);

      const created = await studio().api('/api/mixes/render', { method: 'POST', body: JSON.stringify({ name: 'live/show', from, duration, ...layout }) });
      expect(created.status, await created.clone().text()).toBe(201);
      const job = (await created.json()) as ExportJob;
      expect(job.kind).toBe('mix');
      expect(job.sources).toEqual(['live/cam1', 'live/cam2', 'live/cam3']); // the card is no stream
      const done = await until('the render done', async () => {
        const now = (await (await studio().api(`/api/exports/${job.id}`)).json()) as ExportJob;
        if (now.state === 'failed') throw new Error(`render failed: ${now.error}`);
        return now.state === 'done' ? now : null;
      }, 60_000);
      expect(done.fileName).toMatch(/^live_show-mix-\d{8}T\d{6}Z-5s\.mp4$/);
      expect(done.progress).toBe(1);
      expect(done.totalBytes).toBe((await fs.stat(done.file!)).size);

      const probe = (await ffprobeJson(['-show_streams', '-show_format', done.file!])) as { streams: { codec_type: string; codec_name: string; nb_frames?: string }[]; format: { duration: string } };
      expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:aac', 'video:h264']);
      expect(Number(probe.streams.find((s) => s.codec_type === 'video')!.nb_frames)).toBe(125);
      expect(Number(probe.format.duration)).toBeCloseTo(5, 0);

      // The luma plane as coded (a conversion to gray would stretch it to full range).
      const { stdout } = await ffmpeg(['-i', done.file!, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1']);
      const size = 640 * 360 * 1.5;
      const frames = stdout.length / size;
      expect(frames).toBe(125);
      let lateFirst: number | null = null;
      const steps: number[] = [];
      const offsets = new Set<number>();
      for (let n = 0; n < frames; n++) {
        const frame = stdout.subarray(n * size, (n + 1) * size);
        const [a, b, c] = [mean(frame, 640, 140, 70), mean(frame, 640, 460, 70), mean(frame, 640, 140, 250)].map(counter);
        expect(a, `frame ${n}`).not.toBeNull();
        expect(b, `frame ${n}`).not.toBeNull();
        offsets.add((a! - b! + 24) % 24);
        steps.push(a!);
        expect(mean(frame, 640, 460, 250), `frame ${n}: the white card`).toBeGreaterThan(225);
        if (c !== null && lateFirst === null) lateFirst = n;
        if (lateFirst === null) expect(c, `frame ${n}: the late camera before its recording`).toBeNull();
      }
      // The cameras stay the same distance apart in every frame (no drift, no jump), and that
      // distance is the one between their recorded clocks (the same pictures, stamped as they
      // arrived: a few milliseconds apart, a frame on a loaded machine).
      expect(offsets.size, `offsets ${[...offsets].join(',')}`).toBe(1);
      const exact = (recorded.b.from - recorded.a.from) * 25;
      const offset = [...offsets][0]!;
      expect(Math.min(Math.abs(offset - exact), Math.abs(offset - 24 - exact))).toBeLessThan(1);
      console.log(`mix render: camera 2 ${offset} frame(s) behind camera 1 throughout; their recorded clocks ${exact.toFixed(2)} frames apart`);
      // Every output frame is the next recorded picture: none dropped, none repeated.
      for (let n = 1; n < steps.length; n++) expect((steps[n]! - steps[n - 1]! + 24) % 24, `frame ${n}`).toBe(1);
      // The late camera appears at the tick of its first recorded picture.
      const expected = Math.round((recorded.c.from - from) * 25);
      expect(lateFirst).not.toBeNull();
      expect(Math.abs(lateFirst! - expected)).toBeLessThanOrEqual(1);
      console.log(`mix render: late camera at frame ${lateFirst} (its recording starts at frame ${((recorded.c.from - from) * 25).toFixed(2)})`);

      // Sound: cam1 at full volume and cam2 at half are heard; muted cam3 adds nothing.
      const { stderr } = await ffmpeg(['-i', done.file!, '-map', '0:a', '-af', 'volumedetect', '-loglevel', 'info', '-f', 'null', '-']);
      const max = Number(/max_volume: (-?[\d.]+) dB/.exec(stderr)?.[1]);
      expect(max).toBeGreaterThan(-30);
    } finally {
      await Promise.all([pair.stop(), late.stop()]);
    }
  }, 120_000);

  it('refuses what it cannot render', async () => {
    const body = { name: 'live/show', from: Date.now() / 1000 - 60, duration: 10, width: 320, height: 180, fps: 25, inputs: [{ source: 'live/none', x: 0, y: 0, w: 160, h: 90 }] };
    const unknown = await studio().api('/api/mixes/render', { method: 'POST', body: JSON.stringify(body) });
    expect(unknown.status).toBe(404);
    const future = await studio().api('/api/mixes/render', { method: 'POST', body: JSON.stringify({ ...body, from: Date.now() / 1000 + 3600 }) });
    expect([400, 404]).toContain(future.status);
    const empty = await studio().api('/api/mixes/render', { method: 'POST', body: JSON.stringify({ ...body, inputs: [] }) });
    expect(empty.status).toBe(400);
    const huge = await studio().api('/api/mixes/render', { method: 'POST', body: JSON.stringify({ ...body, inputs: [{ source: 'live/none', x: 0, y: 0, w: 7680, h: 4320 }] }) });
    expect(huge.status).toBe(400);
    expect((await studio().api('/api/mixes/render', { method: 'POST', body: JSON.stringify({ ...body, duration: 10 ** 9 }) })).status).toBe(400);
    // Not for visitors.
    expect((await fetch(new URL('/api/mixes/render', studio().urls.http), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(401);
  }, 30_000);
});
