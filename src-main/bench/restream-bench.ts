// `npm run bench -- restream [--targets 1,4 --seconds 20]`: what sending a live stream on
// costs. One 720p30 6 Mbit/s RTMP publisher feeds the studio, which pushes it unchanged to
// N targets on Debian's nginx-rtmp; beside it, the same publisher feeds nginx and N plain
// `ffmpeg -i rtmp://… -c copy -f flv rtmp://…` relays do the same pushing. CPU is counted
// for the studio (with its ffmpegs) above its cost with no target, and for the relays.
import path from 'node:path';
import { startFfmpeg, testSourceArgs } from '../test-support/ffmpeg-tools.js';
import { startFramehouse } from './framehouse-server.js';
import { startNginxRtmp } from './peers.js';
import { cpuSeconds } from './process-cpu.js';
import { withBenchWorkspace } from './workspace.js';

const flag = (argv: string[], name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function cpuOver(pids: () => number[], seconds: number): Promise<number> {
  const before = pids().reduce((n, p) => n + cpuSeconds(p), 0);
  await sleep(seconds * 1000);
  return pids().reduce((n, p) => n + cpuSeconds(p), 0) - before;
}

export async function benchRestream(argv: string[]): Promise<void> {
  const counts = flag(argv, 'targets', '1,4').split(',').map(Number).filter((n) => n > 0 && n <= 8);
  const seconds = Number(flag(argv, 'seconds', '20'));
  await withBenchWorkspace('restream', async (work, cleanups) => {
    const nginx = await startNginxRtmp(path.join(work, 'nginx'));
    cleanups.push(() => nginx.stop());
    // The source: encoded once to a file, then replayed in real time (the encoder's CPU is nobody's).
    const source = path.join(work, 'source.flv');
    const encode = startFfmpeg([...testSourceArgs({ size: '1280x720', seconds: seconds + 20, gop: 60 }), '-b:v', '6000k', '-maxrate', '6000k', '-bufsize', '6000k', '-f', 'flv', '-y', source]);
    if ((await encode.exited) !== 0) throw new Error(`encoding the source failed: ${encode.stderr()}`);
    const replay = (url: string) => startFfmpeg(['-re', '-stream_loop', '-1', '-i', source, '-c', 'copy', '-f', 'flv', url]);

    const studio = await startFramehouse(path.join(work, 'studio'));
    cleanups.push(() => studio.stop());
    await studio.api('/api/streams', { method: 'POST', body: JSON.stringify({ name: 'live/src', dvr: false }) });
    const publisher = replay(`rtmp://127.0.0.1:${studio.rtmpPort}/live/src`);
    cleanups.push(() => publisher.stop());
    await sleep(3000);
    const baseline = (await cpuOver(() => [studio.pid], seconds)) / seconds;
    process.stdout.write(`studio with no target: ${(baseline * 100).toFixed(1)}% of a core (the ingest alone)\n`);

    const rows: string[] = [];
    for (const n of counts) {
      const push = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, url: `rtmp://127.0.0.1:${nginx.rtmpPort}/live/fh${n}-${i}` }));
      await studio.api('/api/streams/live%2Fsrc', { method: 'PUT', body: JSON.stringify({ push }) });
      await sleep(4000);
      const states = ((await (await studio.api('/api/streams/live%2Fsrc')).json()) as { push?: { state: string }[] }).push ?? [];
      const live = states.filter((s) => s.state === 'live').length;
      const studioCpu = (await cpuOver(() => [studio.pid], seconds)) / seconds - baseline;
      await studio.api('/api/streams/live%2Fsrc', { method: 'PUT', body: JSON.stringify({ push: [] }) });

      // The peer: the publisher into nginx, N ffmpeg relays out of it.
      const feed = replay(`rtmp://127.0.0.1:${nginx.rtmpPort}/live/peer${n}`);
      await sleep(2000);
      const relays = push.map((_, i) => startFfmpeg(['-v', 'error', '-i', `rtmp://127.0.0.1:${nginx.rtmpPort}/live/peer${n}`, '-c', 'copy', '-f', 'flv', `rtmp://127.0.0.1:${nginx.rtmpPort}/live/relay${n}-${i}`]));
      await sleep(4000);
      const relayCpu = (await cpuOver(() => relays.map((r) => r.child.pid!).filter(Boolean), seconds)) / seconds;
      await Promise.all([...relays.map((r) => r.stop()), feed.stop()]);
      rows.push(
        `| ${n} | ${live}/${n} live | ${((studioCpu * 100) / n).toFixed(1)}% | ${((relayCpu * 100) / n).toFixed(1)}% | ${(studioCpu / relayCpu).toFixed(2)}× |`,
      );
    }
    process.stdout.write(`\nCPU per pushed 6 Mbit/s 720p30 stream (% of one core), ${seconds} s each\n\n| targets | studio targets | studio (above its ingest) | ffmpeg -c copy relay | studio / relay |\n|---|---|---|---|---|\n${rows.join('\n')}\n`);
  });
}
