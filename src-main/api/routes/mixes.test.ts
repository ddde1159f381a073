// The live mixer with real sources of known colours: each box shows its source's colour
// and the background shows around them; boxes swapped by PUT swap on the output within a
// second or so, with no restart (one DVR range across ten layout changes); a source that
// stops and comes back as another colour shows again in its box.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffmpeg, startFfmpeg } from '../../test-support/ffmpeg-tools.js';

type FfmpegProcess = ReturnType<typeof startFfmpeg>;
import { useStudio } from '../../test-support/studio-instance.js';
import { until } from '../../test-support/wait.js';

const studio = useStudio({ dvrSegmentSeconds: 1 });

/** A solid colour with a tone under it. */
function publishColour(name: string, colour: string, tone = 440): FfmpegProcess {
  return startFfmpeg(['-re', '-f', 'lavfi', '-i', `color=c=${colour}:size=320x180:rate=25`, '-f', 'lavfi', '-i', `sine=frequency=${tone}:sample_rate=48000`, '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mpegts', new URL(`/${name}/mpegts`, studio().urls.http).href]);
}

/** The loudest sample of 1.5 s of the mix's sound, dBFS (-Infinity for digital silence). */
async function loudness(): Promise<number> {
  const { stderr } = await ffmpeg(['-f', 'mpegts', '-probesize', '16384', '-analyzeduration', '0', '-fpsprobesize', '0', '-i', new URL('/live/show/mpegts', studio().urls.http).href, '-t', '1.5', '-map', '0:a', '-af', 'volumedetect', '-loglevel', 'info', '-f', 'null', '-']);
  const max = /max_volume: (-?[\d.]+|-inf) dB/.exec(stderr)?.[1];
  if (max === undefined) throw new Error(`no volumedetect figure in: ${stderr.slice(-400)}`);
  return max === '-inf' ? -Infinity : Number(max);
}

/** The newest picture of the mix: 40 frames read from its live MPEG-TS (which starts with the cached GOP, 25 frames: the last ones are new), as RGB. */
async function lastFrame(width: number, height: number): Promise<Buffer> {
  // A still colour compresses to a few kB a second: a probe of many more bytes would wait seconds.
  const { stdout } = await ffmpeg(['-f', 'mpegts', '-probesize', '16384', '-analyzeduration', '0', '-fpsprobesize', '0', '-i', new URL('/live/show/mpegts', studio().urls.http).href, '-frames:v', '40', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
  const size = width * height * 3;
  expect(stdout.length).toBeGreaterThanOrEqual(size);
  return stdout.subarray(stdout.length - size);
}

/** The colour at (x, y): r, g, b rounded to the nearest 64 (compression moves them a little). */
function colourAt(frame: Buffer, width: number, x: number, y: number): string {
  const i = (y * width + x) * 3;
  return [frame[i]!, frame[i + 1]!, frame[i + 2]!].map((v) => Math.min(255, Math.round(v / 64) * 64)).join(',');
}

const red = '255,0,0';
const blue = '0,0,255';
const green = '0,128,0';
const yellow = '255,255,0';

describe('live mixer', () => {
  it('composes sources into their boxes, swaps them live without a restart, and shows a source again when it comes back', async () => {
    const publishers = [publishColour('live/red', 'red'), publishColour('live/blue', 'blue')];
    try {
      await until('both sources live', async () => (await studio().stream('live/red'))?.state === 'publishing' && (await studio().stream('live/blue'))?.state === 'publishing');
      const layout = (a: string, b: string) => ({
        width: 640,
        height: 360,
        fps: 25,
        background: '#008000',
        inputs: [
          { source: a, x: 0, y: 0, w: 320, h: 180 },
          { source: b, x: 320, y: 180, w: 320, h: 180 },
        ],
      });
      const created = await studio().api('/api/mixes', { method: 'POST', body: JSON.stringify({ name: 'live/show', ...layout('live/red', 'live/blue') }) });
      expect(created.status, await created.clone().text()).toBe(201);
      await until('the mix live', async () => (await studio().stream('live/show'))?.state === 'publishing');
      await until('both inputs in the picture', async () => {
        const frame = await lastFrame(640, 360);
        return colourAt(frame, 640, 160, 90) === red && colourAt(frame, 640, 480, 270) === blue;
      });
      const first = await lastFrame(640, 360);
      expect(colourAt(first, 640, 480, 90)).toBe(green);
      expect(colourAt(first, 640, 160, 270)).toBe(green);

      // Swapped live: the same mix, the boxes' sources exchanged.
      const swappedAt = Date.now();
      const put = await studio().api('/api/mixes/live%2Fshow', { method: 'PUT', body: JSON.stringify(layout('live/blue', 'live/red')) });
      expect(put.status, await put.clone().text()).toBe(200);
      await until('the boxes swapped', async () => {
        const frame = await lastFrame(640, 360);
        return colourAt(frame, 640, 160, 90) === blue && colourAt(frame, 640, 480, 270) === red;
      });
      const swapMs = Date.now() - swappedAt;
      console.log(`mixer: the swap read back from the output within ${swapMs} ms (including 40 frames read from its last keyframe)`);
      // The frames read start at the output's last keyframe (1 s apart): within that and a decoder restart.
      expect(swapMs).toBeLessThan(4000);

      // Ten more changes (moves), then one recorded range: the encoder never restarted.
      for (let i = 0; i < 10; i++) {
        const moved = layout('live/blue', 'live/red');
        moved.inputs[0]!.x = (i % 2) * 40;
        expect((await studio().api('/api/mixes/live%2Fshow', { method: 'PUT', body: JSON.stringify(moved) })).status).toBe(200);
        await new Promise((r) => setTimeout(r, 150));
      }
      // Sound: both inputs muted is silence; one of them at full volume is heard (a tone at -20 dBFS or so).
      const sound = (muted: [boolean, boolean]) => {
        const next = layout('live/blue', 'live/red');
        next.inputs.forEach((input, i) => Object.assign(input, { muted: muted[i] }));
        return studio().api('/api/mixes/live%2Fshow', { method: 'PUT', body: JSON.stringify(next) });
      };
      expect((await sound([true, true])).status).toBe(200);
      await new Promise((r) => setTimeout(r, 500));
      expect(await loudness()).toBeLessThan(-60);
      expect((await sound([false, true])).status).toBe(200);
      await until('the unmuted input heard', async () => (await loudness()) > -30);

      // A source that stops (its box keeps its last picture) and comes back as yellow.
      await publishers[0]!.stop();
      await until('red gone', async () => (await studio().stream('live/red'))?.state !== 'publishing');
      publishers[0] = publishColour('live/red', 'yellow');
      await until('the source back in its box', async () => colourAt(await lastFrame(640, 360), 640, 480, 270) === yellow, 20_000);
      const status = (await (await studio().api('/api/mixes/live%2Fshow')).json()) as { state: string; frames: number; inputs: { live: boolean }[] };
      expect(status.state).toBe('running');
      expect(status.inputs.every((i) => i.live)).toBe(true);
      const ranges = await until('the recording of the mix', async () => {
        const res = await fetch(new URL(`/live/show/recording_status.json?from=${Math.floor(Date.now() / 1000) - 120}&to=now`, studio().urls.http));
        const [entry] = (await res.json()) as { ranges: { from: number; duration: number }[] }[];
        return entry && entry.ranges.length > 0 ? entry.ranges : null;
      });
      expect(ranges).toHaveLength(1);
      expect(ranges[0]!.duration).toBeGreaterThan(5);
    } finally {
      await Promise.all(publishers.map((p) => p.stop()));
    }
  }, 90_000);

  it('refuses a mix of itself, a second mix of the same name, and a canvas change while it runs; keeps scenes of its canvas', async () => {
    const body = { name: 'live/loop', width: 320, height: 180, fps: 10, inputs: [{ source: 'live/loop', x: 0, y: 0, w: 160, h: 90 }] };
    const self = await studio().api('/api/mixes', { method: 'POST', body: JSON.stringify(body) });
    expect(self.status).toBe(400);
    expect(((await self.json()) as { detail: string }).detail).toMatch(/feed back/);
    const ok = await studio().api('/api/mixes', { method: 'POST', body: JSON.stringify({ ...body, inputs: [] }) });
    expect(ok.status, await ok.clone().text()).toBe(201);
    expect((await studio().api('/api/mixes', { method: 'POST', body: JSON.stringify({ ...body, inputs: [] }) })).status).toBe(409);
    // Kept for the next start.
    await until('the mix saved', async () => (await fs.readFile(path.join(studio().dir, 'mixes.json'), 'utf8').catch(() => '')).includes('"live/loop"'));
    const resized = await studio().api('/api/mixes/live%2Floop', { method: 'PUT', body: JSON.stringify({ width: 640, height: 360, fps: 10, inputs: [] }) });
    expect(resized.status).toBe(400);
    expect((await studio().api('/api/mixes', { method: 'POST', body: JSON.stringify({ ...body, name: 'live/x', width: 99999 }) })).status).toBe(400);
    // A box larger than the canvas (a decoder making 8K pictures for a 320×180 mix) is refused.
    const huge = await studio().api('/api/mixes', { method: 'POST', body: JSON.stringify({ ...body, name: 'live/huge', inputs: [{ source: 'live/cam', x: 0, y: 0, w: 7680, h: 4320 }] }) });
    expect(huge.status).toBe(400);
    expect(((await huge.json()) as { detail: string }).detail).toMatch(/larger than the canvas/);
    // Saved layouts (scenes): kept with the mix, of its canvas only, names unique, at most 24.
    const scene = (name: string, width = 320) => ({ name, layout: { width, height: 180, fps: 10, inputs: [{ source: 'live/cam', x: 0, y: 0, w: 160, h: 90, opacity: 0.5, radius: 8 }] } });
    const saved = await studio().api('/api/mixes/live%2Floop/scenes', { method: 'PUT', body: JSON.stringify([scene('Wide'), scene('Close')]) });
    expect(saved.status, await saved.clone().text()).toBe(200);
    expect(((await saved.json()) as { scenes: { name: string }[] }).scenes.map((s) => s.name)).toEqual(['Wide', 'Close']);
    await until('the scenes saved', async () => (await fs.readFile(path.join(studio().dir, 'mixes.json'), 'utf8').catch(() => '')).includes('"Close"'));
    expect((await studio().api('/api/mixes/live%2Floop/scenes', { method: 'PUT', body: JSON.stringify([scene('Other canvas', 640)]) })).status).toBe(400);
    expect((await studio().api('/api/mixes/live%2Floop/scenes', { method: 'PUT', body: JSON.stringify([scene('Twice'), scene('Twice')]) })).status).toBe(400);
    expect((await studio().api('/api/mixes/live%2Floop/scenes', { method: 'PUT', body: JSON.stringify(Array.from({ length: 25 }, (_, i) => scene(`S${i}`))) })).status).toBe(400);
    expect((await studio().api('/api/mixes/live%2Fnone/scenes', { method: 'PUT', body: JSON.stringify([]) })).status).toBe(404);
    expect((await fetch(new URL('/api/mixes/live%2Floop/scenes', studio().urls.http), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '[]' })).status).toBe(401);
    expect((await studio().api('/api/mixes/live%2Floop', { method: 'DELETE' })).status).toBe(204);
    expect((await studio().api('/api/mixes/live%2Floop')).status).toBe(404);
    expect(JSON.parse(await fs.readFile(path.join(studio().dir, 'mixes.json'), 'utf8'))).toEqual([]);
    // Not for visitors.
    expect((await fetch(new URL('/api/mixes', studio().urls.http))).status).toBe(401);
  }, 30_000);
});
