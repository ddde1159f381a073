// `npm run bench -- mixer [--inputs 2,4 --seconds 20]`: N live 720p30 inputs (test
// patterns with a tone, 2 Mbit/s, MPEG-TS over HTTP, real time) composed into a 720p30
// mix with libx264, in a real studio. For each N it prints:
//   studio   CPU of the studio and its ffmpegs (decoders, encoder) while the mix runs, less
//            what the studio spent on its inputs before the mix (ingest, DVR),
//            canvases written and skipped (× real time), and how long a PUT of a new
//            layout takes to be answered (it shows from the next tick on);
//   ffmpeg   one plain ffmpeg reading the same N live streams from the studio and doing
//            the same composition (scale + xstack, libx264 veryfast zerolatency), its CPU
//            and speed over the same seconds.
// Then the latency the mix adds (`--no-latency` skips it): a clock painted in Chromium and
// published by WHIP is read back by WHEP straight, and through a mix that shows it whole;
// the difference is the mix's (decode, a tick, encode). A layout change shows on the tick
// after its PUT is answered, so it reaches a viewer after the answer, a tick and that.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startStudioProcess } from '../test-support/studio-process.js';
import { glassToGlass, percentile } from './glass-to-glass.js';
import { cpuSeconds } from './process-cpu.js';
import { withBenchWorkspace } from './workspace.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const [width, height, fps] = [1280, 720, 30];

/** Boxes of an even grid for n inputs on the canvas. */
function grid(n: number): { x: number; y: number; w: number; h: number }[] {
  const columns = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / columns);
  const w = Math.floor(width / columns / 2) * 2;
  const h = Math.floor(height / rows / 2) * 2;
  return Array.from({ length: n }, (_, i) => ({ x: (i % columns) * w, y: Math.floor(i / columns) * h, w, h }));
}

export async function benchMixer(argv: string[]): Promise<void> {
  const get = (flag: string) => argv[argv.indexOf(flag) + 1];
  const counts = (argv.includes('--inputs') ? get('--inputs')! : '2,4').split(',').map(Number);
  const seconds = Number(argv.includes('--seconds') ? get('--seconds') : 20);
  out(`${counts.join(' and ')} live ${width}x${height}@${fps} inputs into a ${width}x${height}@${fps} mix (libx264 veryfast), ${seconds} s each; CPU as % of one core (2 cores here)`);
  out('inputs  who      CPU %   pictures (× real time)   layout PUT answered');
  for (const n of counts) {
    await withBenchWorkspace(`mixer-${n}`, async (work, cleanups) => {
      const studio = await startStudioProcess(['--data-dir', path.join(work, 'studio'), '--http-port', '0', '--log-level', 'warn']);
      cleanups.push(() => studio.stop());
      const base = studio.url.endsWith('/') ? studio.url : `${studio.url}/`;
      const token = new URL(studio.loginUrl).searchParams.get('token')!;
      const api = (p: string, init: RequestInit = {}) => fetch(`${base}${p}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
      for (let i = 0; i < n; i++) {
        const publisher = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`, '-f', 'lavfi', '-i', `sine=frequency=${300 + 100 * i}:sample_rate=48000`,
          '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-b:v', '2000k', '-g', String(fps * 2), '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mpegts', `${base}live/in${i}/mpegts`], { stdio: 'ignore' });
        cleanups.push(async () => publisher.kill('SIGKILL'));
      }
      for (let tries = 0; ; tries++) {
        const live = await Promise.all(Array.from({ length: n }, async (_, i) => (await fetch(`${base}live/in${i}/index.m3u8`)).status === 200));
        if (live.every(Boolean)) break;
        if (tries > 100) throw new Error('the inputs never went live');
        await sleep(200);
      }
      // What the studio spends on its inputs alone (ingest, DVR), before any mix: subtracted below.
      const idleFrom = cpuSeconds(studio.child.pid!);
      await sleep(5000);
      const idle = (cpuSeconds(studio.child.pid!) - idleFrom) / 5;
      const boxes = grid(n);
      const inputs = boxes.map((b, i) => ({ source: `live/in${i}`, ...b }));
      const created = await api('api/mixes', { method: 'POST', body: JSON.stringify({ name: 'live/mix', width, height, fps, inputs }) });
      if (created.status !== 201) throw new Error(`the mix was refused: ${await created.text()}`);
      await sleep(4000); // decoders started, the encoder warm
      const pid = studio.child.pid!;
      const status = async () => (await (await api('api/mixes/live%2Fmix')).json()) as { frames: number; skipped: number };
      const [from, fromCpu] = [await status(), cpuSeconds(pid)];
      // One layout change a second: the boxes rotate (same sizes: no decoder restarts), timed as answered.
      const answers: number[] = [];
      for (let s = 0; s < seconds; s++) {
        const rotated = inputs.map((input, i) => ({ ...input, ...boxes[(i + s + 1) % n]! }));
        const t = performance.now();
        await api('api/mixes/live%2Fmix', { method: 'PUT', body: JSON.stringify({ width, height, fps, inputs: rotated }) });
        answers.push(performance.now() - t);
        await sleep(1000 - (performance.now() - t));
      }
      const [to, toCpu] = [await status(), cpuSeconds(pid)];
      const elapsed = seconds; // the loop above lasts that long
      const written = to.frames - from.frames;
      const skipped = to.skipped - from.skipped;
      answers.sort((a, b) => a - b);
      out(`${String(n).padStart(6)}  studio  ${(((toCpu - fromCpu) / elapsed - idle) * 100).toFixed(0).padStart(6)}   ${(written / (elapsed * fps)).toFixed(2)}× (${skipped} skipped)        p50 ${answers[Math.floor(answers.length / 2)]!.toFixed(0)} ms   (inputs alone: ${(idle * 100).toFixed(0)}% more)`);
      await api('api/mixes/live%2Fmix', { method: 'DELETE' });

      // The peer: the same composition as one plain ffmpeg reading the same live streams.
      const layoutSpec = boxes.map((b) => `${b.x}_${b.y}`).join('|');
      const filter = `${inputs.map((_, i) => `[${i}:v]scale=${boxes[i]!.w}:${boxes[i]!.h},fps=${fps}[v${i}]`).join(';')};${inputs.map((_, i) => `[v${i}]`).join('')}xstack=inputs=${n}:layout=${layoutSpec}:fill=0x101010,pad=${width}:${height}[out];${inputs.map((_, i) => `[${i}:a]`).join('')}amix=inputs=${n}[a]`;
      const peer = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...inputs.flatMap((input) => ['-f', 'mpegts', '-probesize', '500000', '-analyzeduration', '500000', '-i', `${base}${input.source}/mpegts`]), '-filter_complex', filter, '-map', '[out]', '-map', '[a]',
        '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-bf', '0', '-c:a', 'aac', '-progress', 'pipe:1', '-f', 'null', '-'], { stdio: ['ignore', 'pipe', 'ignore'] });
      cleanups.push(async () => peer.kill('SIGKILL'));
      let frames = 0;
      peer.stdout.on('data', (c: Buffer) => {
        const m = /frame=(\d+)\s*$/m.exec(c.toString());
        if (m) frames = Number(m[1]);
      });
      // Measured once it has opened every input and runs (it opens them one after another).
      for (let waited = 0; frames < fps * 2 && waited < 30_000; waited += 200) await sleep(200);
      await sleep(2000);
      const [peerFrom, peerCpuFrom] = [frames, cpuSeconds(peer.pid!, { children: false })];
      await sleep(seconds * 1000);
      const [peerTo, peerCpuTo] = [frames, cpuSeconds(peer.pid!, { children: false })];
      out(`${String(n).padStart(6)}  ffmpeg  ${(((peerCpuTo - peerCpuFrom) / seconds) * 100).toFixed(0).padStart(6)}   ${((peerTo - peerFrom) / (seconds * fps)).toFixed(2)}×                     (a new layout: a new process)`);
    });
  }
  if (!argv.includes('--no-latency')) await benchMixLatency(Math.min(seconds, 10));
}

/** Glass to glass through a mix of a WHIP-published clock, beside the same clock straight. */
async function benchMixLatency(seconds: number): Promise<void> {
  await withBenchWorkspace('mixer-latency', async (work, cleanups) => {
    const studio = await startStudioProcess(['--data-dir', path.join(work, 'studio'), '--http-port', '0', '--log-level', 'warn']);
    cleanups.push(() => studio.stop());
    const base = studio.url.endsWith('/') ? studio.url : `${studio.url}/`;
    const token = new URL(studio.loginUrl).searchParams.get('token')!;
    const startMix = async () => {
      const body = { name: 'live/clockmix', width: 640, height: 360, fps: 30, inputs: [{ source: 'live/clock', x: 0, y: 0, w: 640, h: 360 }] };
      const res = await fetch(`${base}api/mixes`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status !== 201) throw new Error(`the mix was refused: ${await res.text()}`);
      for (let i = 0; (await fetch(`${base}live/clockmix/index.m3u8`)).status !== 200; i++) {
        if (i > 100) throw new Error('the mix never went live');
        await sleep(200);
      }
    };
    out('');
    out(`the mix's added latency: a clock painted in Chromium (640x360), published by WHIP, read back by WHEP straight and through a 640x360@30 mix showing it whole (${seconds} s each)`);
    out('path                                  frames   p50 ms   p95 ms');
    const results = await glassToGlass(base, 'live/clock', seconds, {
      afterPublish: startMix,
      whep: [
        { label: 'straight (WHIP → WHEP)', stream: 'live/clock' },
        { label: 'through the mix (WHIP → mix → WHEP)', stream: 'live/clockmix' },
      ],
      hls: false,
    });
    const p50s: number[] = [];
    for (const { path: label, samples } of results) {
      const sorted = [...samples].sort((a, b) => a - b);
      p50s.push(percentile(sorted, 50));
      out(`${label.padEnd(36)}  ${String(sorted.length).padStart(6)}  ${String(percentile(sorted, 50)).padStart(7)}  ${String(percentile(sorted, 95)).padStart(7)}`);
    }
    out(`the mix adds ${p50s[1]! - p50s[0]!} ms at the median (decode, the next tick, encode)`);
  });
}
