import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ffmpeg } from '../test-support/ffmpeg-tools.js';
import { readFlvTags } from '../test-support/flv-file.js';
import { cpuSeconds } from './process-cpu.js';
import { publishLoad } from './rtmp-load.js';
import { startNginxRtmp, startNodeMediaServer, type RunningServer } from './peers.js';
import { startFramehouse } from './framehouse-server.js';

interface Options {
  seconds: number;
  ladder: number[];
  servers: string[] | null;
}

function parseOptions(argv: string[]): Options {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    seconds: Number(get('--seconds') ?? 60),
    ladder: (get('--streams') ?? '10,25,50,100,150,200').split(',').map(Number),
    servers: get('--servers')?.split(',') ?? null,
  };
}

export async function benchIngest(argv: string[] = []): Promise<void> {
  const options = parseOptions(argv);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'framehouse-bench-ingest-'));
  const flv = path.join(os.tmpdir(), 'framehouse-bench-2mbit.flv');
  if (!(await fs.access(flv).then(() => true, () => false))) {
    process.stdout.write('making the 2 Mbit/s H.264+AAC recording (once)…\n');
    await ffmpeg([
      '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '30',
      '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '1900k', '-maxrate', '1900k', '-bufsize', '3800k', '-g', '60', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '96k', '-f', 'flv', flv,
    ]);
  }
  const tags = readFlvTags(await fs.readFile(flv));
  const bytes = tags.reduce((n, t) => n + t.body.length, 0);
  const bytesPerSecond = bytes / ((tags.at(-1)!.timestamp + 33) / 1000);
  process.stdout.write(`recording: ${tags.length} tags, ${((bytesPerSecond * 8) / 1e6).toFixed(2)} Mbit/s; ${options.seconds} s per step; ladder ${options.ladder.join(', ')}\n`);

  const servers: [string, (dir: string) => Promise<RunningServer>][] = [
    ['framehouse', startFramehouse],
    ['node-media-server', startNodeMediaServer],
    ['nginx-rtmp', startNginxRtmp],
  ];
  const table: { server: string; cpuPerStreamMinute: number; held: number; note: string }[] = [];
  for (const [label, start] of servers.filter(([name]) => !options.servers || options.servers.includes(name))) {
    let held = 0;
    let cpuPerStreamMinute = Number.NaN;
    let note = '';
    for (const n of options.ladder) {
      const dir = await fs.mkdtemp(path.join(work, `${label}-`));
      let server: RunningServer;
      try {
        server = await start(dir);
      } catch (err) {
        note = `could not start: ${(err as Error).message}`;
        break;
      }
      const cpuBefore = cpuSeconds(server.pid);
      const load = await publishLoad({ port: server.rtmpPort, app: server.app, streams: n, seconds: options.seconds, tags, bytesPerSecond });
      const cpu = cpuSeconds(server.pid) - cpuBefore;
      // Give the server a moment to take in what is still in flight before counting.
      await new Promise((r) => setTimeout(r, 500));
      const expectedFrames = load.framesSent;
      const framesIn = server.framesIn ? await server.framesIn() : null;
      await server.stop();
      const perStreamMinute = cpu / n / (options.seconds / 60);
      const ok = load.publishedOk === n && load.lateTags === 0 && load.failures.length === 0 && (framesIn === null || framesIn >= expectedFrames);
      process.stdout.write(
        `${label.padEnd(18)} N=${String(n).padStart(4)}  cpu ${cpu.toFixed(1).padStart(6)} s  = ${perStreamMinute.toFixed(3)} cpu-s/stream-min  late ${load.lateTags}  max lag ${Math.round(load.maxLagMs)} ms  backlog ${Math.round(load.maxBacklogBytes / 1024)} KiB${framesIn !== null ? `  frames in ${framesIn}/${Math.round(expectedFrames)}` : ''}  ${ok ? 'held' : `NOT held ${load.failures.slice(0, 2).join('; ')}`}\n`,
      );
      if (!ok) break;
      held = n;
      cpuPerStreamMinute = perStreamMinute;
    }
    table.push({ server: label, cpuPerStreamMinute, held, note });
  }
  const cores = os.availableParallelism();
  process.stdout.write(`\n${'server'.padEnd(20)}${'cpu-s per stream-min'.padStart(22)}${'streams held'.padStart(14)}${'per core'.padStart(10)}\n`);
  for (const row of table) {
    process.stdout.write(`${row.server.padEnd(20)}${row.cpuPerStreamMinute.toFixed(3).padStart(22)}${String(row.held).padStart(14)}${(row.held / cores).toFixed(1).padStart(10)}  ${row.note}\n`);
  }
  const ours = table.find((row) => row.server === 'framehouse');
  if (ours) {
    for (const peer of table.filter((row) => row !== ours)) {
      process.stdout.write(`framehouse vs ${peer.server}: ${(ours.held / Math.max(1, peer.held)).toFixed(2)}x streams, ${(peer.cpuPerStreamMinute / ours.cpuPerStreamMinute).toFixed(2)}x less CPU per stream\n`);
    }
  }
  await fs.rm(work, { recursive: true, force: true });
}
