// `npm run bench -- webrtc`: what WHEP viewers cost the studio (werift, pure TypeScript).
// A real studio gets a 720p30 H.264/AAC test pattern (MPEG-TS over HTTP, real time); N
// werift clients in this process watch it by WHEP; the studio's CPU (with its Opus ffmpeg)
// is read from /proc over the measured seconds, and every client's received bitrate is
// checked. The issue asks for node-datachannel only if werift cannot hold the load: this
// says how much one viewer costs.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { RTCPeerConnection } from 'werift';
import { whepCodecs } from '../delivery/webrtc/whep-session.js';
import { keepCandidates } from '../net/ice-candidates.js';
import { startStudioProcess } from '../test-support/studio-process.js';
import { glassToGlass, percentile } from './glass-to-glass.js';
import { cpuSeconds } from './process-cpu.js';
import { withBenchWorkspace } from './workspace.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Viewer {
  pc: RTCPeerConnection;
  bytes: number;
  session: string;
}

async function watch(base: string, stream: string): Promise<Viewer> {
  // The codecs a browser offers for this (werift alone would offer VP8 only).
  const pc = new RTCPeerConnection({ codecs: whepCodecs(), iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'] });
  const viewer: Viewer = { pc, bytes: 0, session: '' };
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe((rtp) => (viewer.bytes += rtp.payload.length)));
  await pc.setLocalDescription(await pc.createOffer());
  // Loopback only: nothing leaves this machine.
  const res = await fetch(`${base}${stream}/whep`, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: keepCandidates(pc.localDescription!.sdp, ['127.0.0.1']) });
  if (res.status !== 201) throw new Error(`WHEP answered ${res.status}: ${await res.text()}`);
  viewer.session = res.headers.get('location') ?? '';
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  return viewer;
}

export async function benchWebrtc(argv: string[]): Promise<void> {
  const get = (flag: string) => argv[argv.indexOf(flag) + 1];
  const counts = (argv.includes('--viewers') ? get('--viewers')! : '1,10,25').split(',').map(Number);
  const seconds = Number(argv.includes('--seconds') ? get('--seconds') : 10);
  await withBenchWorkspace('webrtc', async (work, cleanups) => {
    const studio = await startStudioProcess(['--data-dir', path.join(work, 'studio'), '--http-port', '0', '--log-level', 'warn']);
    cleanups.push(() => studio.stop());
    const base = studio.url.endsWith('/') ? studio.url : `${studio.url}/`;
    if (!argv.includes('--no-latency')) {
      const latencySeconds = Number(argv.includes('--latency-seconds') ? get('--latency-seconds') : 10);
      out(`glass to glass: a clock painted into a 640x360 canvas in one Chromium page, published by WHIP, read back from the frames another page shows (${latencySeconds} s each)`);
      out('path                                  frames   p50 ms   p95 ms');
      for (const { path: label, samples } of await glassToGlass(base, 'live/clock', latencySeconds)) {
        const sorted = [...samples].sort((a, b) => a - b);
        out(`${label.padEnd(36)}  ${String(sorted.length).padStart(6)}  ${String(percentile(sorted, 50)).padStart(7)}  ${String(percentile(sorted, 95)).padStart(7)}`);
      }
      out('');
    }
    const publisher = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-b:v', '2500k', '-g', '60', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-f', 'mpegts', `${base}live/bench/mpegts`], { stdio: 'ignore' });
    cleanups.push(async () => publisher.kill('SIGKILL'));
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}live/bench/index.m3u8`)).status === 200) break;
      if (i > 100) throw new Error('the test pattern never went live');
      await sleep(200);
    }
    const pid = studio.child.pid!;
    // The publisher alone: what the studio spends before anyone watches.
    const idleFrom = cpuSeconds(pid);
    await sleep(seconds * 1000);
    const idle = (cpuSeconds(pid) - idleFrom) / seconds;
    out(`studio ${base}: 720p30 H.264 2.5 Mbit/s + AAC published over MPEG-TS/HTTP; studio CPU with no viewer ${(idle * 100).toFixed(1)}% of one core`);
    out('\nviewers  studio CPU (% of one core)  per viewer  received per viewer (min / mean Mbit/s)');
    for (const n of counts) {
      // One after another: offers made at once would all gather candidates at the same moment.
      const viewers: Viewer[] = [];
      for (let i = 0; i < n; i++) viewers.push(await Promise.race([watch(base, 'live/bench'), sleep(10_000).then(() => Promise.reject(new Error(`viewer ${i + 1} not answered in 10 s`)))]));
      await sleep(3000); // connect, first keyframe, Opus encoder started
      for (const v of viewers) v.bytes = 0;
      const from = cpuSeconds(pid);
      await sleep(seconds * 1000);
      const cpu = (cpuSeconds(pid) - from) / seconds;
      const rates = viewers.map((v) => (v.bytes * 8) / seconds / 1e6);
      out(`${String(n).padStart(7)}  ${(cpu * 100).toFixed(1).padStart(25)}%  ${(((cpu - idle) / n) * 100).toFixed(2).padStart(9)}%  ${Math.min(...rates).toFixed(2)} / ${(rates.reduce((a, b) => a + b, 0) / n).toFixed(2)}`);
      await Promise.all(viewers.map(async (v) => {
        await fetch(`${base}${v.session.slice(1)}`, { method: 'DELETE' }).catch(() => undefined);
        await v.pc.close();
      }));
      await sleep(1000);
    }
  });
}
