import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ffmpeg } from '../test-support/ffmpeg-tools.js';
import { readFlvTags, type FlvTag } from '../test-support/flv-file.js';
import { defaultSettings } from '../config/defaults.js';
import { cpuSeconds, machineSeconds, sampleRss } from './process-cpu.js';
import { publishLoad, type LoadResult } from './rtmp-load.js';
import { startNginxRtmp, startNodeMediaServer, type RunningServer } from './peers.js';
import { startFramehouse } from './framehouse-server.js';
import type { Cleanups } from './workspace.js';

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

export interface IngestRecording {
  tags: FlvTag[];
  bytesPerSecond: number;
}

/** The 2 Mbit/s H.264+AAC recording every publisher replays; made once, kept in the temp folder between runs. */
export async function ingestRecording(): Promise<IngestRecording> {
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
  return { tags, bytesPerSecond: bytes / ((tags.at(-1)!.timestamp + 33) / 1000) };
}

export interface IngestServer {
  /** Short name for --servers. */
  name: string;
  label: string;
  start(dir: string, streams: number): Promise<RunningServer>;
}

export const ingestServers: readonly IngestServer[] = [
  {
    name: 'framehouse',
    label: 'framehouse',
    // All publishers come from 127.0.0.1: past the per-address default the studio would refuse
    // them by configuration, which says nothing about what it can hold.
    start: (dir, streams) =>
      startFramehouse(dir, streams > defaultSettings.ingestMaxConnectionsPerAddress ? ['--ingest-max-connections-per-address', String(streams), '--ingest-max-connections', String(Math.max(streams, defaultSettings.ingestMaxConnections))] : []),
  },
  { name: 'nms', label: 'node-media-server', start: startNodeMediaServer },
  { name: 'nginx', label: 'nginx-rtmp', start: startNginxRtmp },
];

/** The servers --servers names (short or full names), all without it. */
export const chosenIngestServers = (names: string[] | null) => ingestServers.filter((s) => !names || names.includes(s.name) || names.includes(s.label));

export interface IngestPoint {
  server: string;
  streams: number;
  seconds: number;
  /** Every publish started, no late tags, no disconnects, and (for a server that counts its frames) every frame in within a second of the publishers stopping. */
  held: boolean;
  /** CPU seconds of the server (and its children: nginx's workers) over the point, the frames still in flight when it ended included. */
  cpuSeconds: number;
  cpuPerStreamMinute: number;
  /** CPU seconds over the publishing seconds, for the server, the publishing process (this one) and the whole machine (interrupts included). */
  cores: number;
  publisherCores: number;
  machineCores: number;
  /** Peak resident memory of the server process (master and workers for nginx) while the publishers ran. */
  peakRssMB: number;
  load: LoadResult;
  expectedFrames: number;
  framesIn: number | null;
  /** How long after the publishers stopped the server had all their frames (null: it cannot say how many it took in). */
  catchUpMs: number | null;
}

/** The server of a point did not come up: a note in the table, not a failed benchmark. */
export class ServerStartError extends Error {}

/**
 * The frames the server took in, and how long after the publishers stopped (`stoppedAt`)
 * the last of them arrived: read until all are in, or the count stops growing for a second
 * (10 s at most). A server that fell behind shows as the seconds it needed to catch up.
 * Only a server that counts its frames (the studio) can be judged so; the peers are judged
 * by the publishers' side alone (nothing refused, nothing late).
 */
async function settledFramesIn(read: () => Promise<number>, expected: number, stoppedAt: number): Promise<{ frames: number; catchUpMs: number }> {
  let last = -1;
  let grewAt = stoppedAt;
  for (;;) {
    const frames = await read();
    const now = performance.now();
    if (frames !== last) grewAt = now;
    if (frames >= expected) return { frames, catchUpMs: now - stoppedAt };
    if (now - stoppedAt > 10_000 || now - grewAt >= 1000) return { frames, catchUpMs: grewAt - stoppedAt };
    last = frames;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A server holds the load when it is at most this far behind the publishers when they stop. */
const maxCatchUpMs = 1000;

/** One point of the ladder: a fresh server in its own folder, `streams` real-time publishers for `seconds`, then stopped and removed. */
export async function measureIngestPoint(server: IngestServer, streams: number, o: { seconds: number; recording: IngestRecording; work: string; cleanups?: Cleanups }): Promise<IngestPoint> {
  const dir = await fs.mkdtemp(path.join(o.work, `${server.label}-`));
  try {
    const running = await server.start(dir, streams).catch((err: unknown) => {
      throw new ServerStartError((err as Error).message);
    });
    // Stopping twice is harmless: this is for a Ctrl-C in the middle of the point.
    o.cleanups?.push(() => running.stop());
    try {
      const cpuBefore = cpuSeconds(running.pid);
      const machineBefore = await machineSeconds();
      const publisherBefore = process.cpuUsage();
      const rss = sampleRss(running.pid, 1000);
      let load: LoadResult;
      let peakRss: number;
      try {
        load = await publishLoad({ port: running.rtmpPort, app: running.app, streams, seconds: o.seconds, tags: o.recording.tags, bytesPerSecond: o.recording.bytesPerSecond });
      } finally {
        peakRss = rss.stop();
      }
      const stoppedAt = performance.now();
      const publisher = process.cpuUsage(publisherBefore);
      const machineAfter = await machineSeconds();
      const expectedFrames = load.framesSent;
      const settled = running.framesIn ? await settledFramesIn(running.framesIn, expectedFrames, stoppedAt) : null;
      const framesIn = settled?.frames ?? null;
      // After the frames still in flight are in: taking them in is part of the load's cost.
      const cpu = cpuSeconds(running.pid) - cpuBefore;
      return {
        server: server.label,
        streams,
        seconds: o.seconds,
        // Every publish started, nothing refused or late, and every frame in, within a second of real time.
        held: load.publishedOk === streams && load.lateTags === 0 && load.failures.length === 0 && (settled === null || (settled.frames >= expectedFrames && settled.catchUpMs <= maxCatchUpMs)),
        cpuSeconds: cpu,
        cpuPerStreamMinute: cpu / streams / (o.seconds / 60),
        cores: cpu / o.seconds,
        publisherCores: (publisher.user + publisher.system) / 1e6 / o.seconds,
        machineCores: (machineAfter.processes + machineAfter.interrupts - machineBefore.processes - machineBefore.interrupts) / o.seconds,
        peakRssMB: peakRss / 2 ** 20,
        load,
        expectedFrames,
        framesIn,
        catchUpMs: settled?.catchUpMs ?? null,
      };
    } finally {
      await running.stop();
    }
  } finally {
    // Recorded media adds up to gigabytes over a ladder: each point's goes as soon as it is measured.
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export async function benchIngest(argv: string[] = []): Promise<void> {
  const options = parseOptions(argv);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'framehouse-bench-ingest-'));
  const recording = await ingestRecording();
  const { tags, bytesPerSecond } = recording;
  process.stdout.write(`recording: ${tags.length} tags, ${((bytesPerSecond * 8) / 1e6).toFixed(2)} Mbit/s; ${options.seconds} s per step; ladder ${options.ladder.join(', ')}\n`);

  const table: { server: string; cpuPerStreamMinute: number; held: number; note: string }[] = [];
  for (const server of chosenIngestServers(options.servers)) {
    const label = server.label;
    let held = 0;
    let cpuPerStreamMinute = Number.NaN;
    let note = '';
    for (const n of options.ladder) {
      let point: IngestPoint;
      try {
        point = await measureIngestPoint(server, n, { seconds: options.seconds, recording, work });
      } catch (err) {
        if (!(err instanceof ServerStartError)) throw err;
        note = `could not start: ${err.message}`;
        break;
      }
      const { load, framesIn, expectedFrames, cpuSeconds: cpu, cpuPerStreamMinute: perStreamMinute, held: ok } = point;
      process.stdout.write(
        `${label.padEnd(18)} N=${String(n).padStart(4)}  cpu ${cpu.toFixed(1).padStart(6)} s  = ${perStreamMinute.toFixed(3)} cpu-s/stream-min  late ${load.lateTags}  max lag ${Math.round(load.maxLagMs)} ms  backlog ${Math.round(load.maxBacklogBytes / 1024)} KiB${framesIn !== null ? `  frames in ${framesIn}/${Math.round(expectedFrames)}, the last ${Math.round(point.catchUpMs ?? 0)} ms after the publishers stopped` : ''}  ${ok ? 'held' : `NOT held ${load.failures.slice(0, 2).join('; ')}`}\n`,
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
