// `npm run bench -- export`: one hour of a 6 Mbit/s archive exported as a progressive MP4
// in one run: ours (planMp4Export + write to a file, and over HTTP to curl), `ffmpeg -c
// copy` over the same segments (concat protocol: the init, then every segment; with
// +faststart, which makes the same kind of file as ours, and without), and a plain copy
// of the segment files' bytes into one file (Node read + write, and `cat`). Each run
// starts after `sync`, the methods take turns for a warm-up round and then --rounds rounds
// (default 2), and the best of each is compared. Also: time to first byte of the HTTP export, over new ranges
// (no plan reused), with the planning time alone; and the same on a cold page cache
// (drop_caches before each run, root only), with the read calls it took, beside ffmpeg's
// first byte over the same segments (--cold-runs, default 3).
//
// The hour is synthesized: 20 s are recorded for real (ffmpeg encodes testsrc2 1080p30 at
// 6 Mbit/s + AAC to MPEG-TS, our demuxer reads it, the studio's SegmentRecorder writes 2 s
// CMAF segments and indexes them), then those segment files are copied 180 times under
// the names and index rows of the following 20 s blocks, each copy's tfdt shifted by its
// block's start: one continuous hour of 1 800 segments (with their sample tables), as the
// recorder would have written it.
import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { pino, type Logger } from 'pino';
import { installErrorHandlers } from '../http/problem-reply.js';
import { streamFilesRoutes } from '../http/stream-files.js';
import { ViewerSessions } from '../delivery/viewers/viewer-sessions.js';
import { openDatabase } from '../db/index.js';
import { ArchiveStore } from '../dvr/archive-store.js';
import { DvrIndex, type NewSegment, type SegmentRecord } from '../dvr/dvr-index.js';
import { encodeSampleTables } from '../dvr/sample-tables.js';
import { FieldReader, readBoxHeader, readChildren } from '../formats/fmp4/box-reader.js';
import { FragmentBox } from '../formats/fmp4/fragment-boxes.js';
import { parseSegmentTables, SampleStore } from '../formats/fmp4/segment-tables.js';
import { mp4ExportRoutes } from '../api/routes/mp4-files.js';
import { planMp4Export, type Mp4ExportDeps } from '../export/mp4-export.js';
import { demuxSource, encodeSource, openArchive, record, type Archive } from '../export/testing/archive-fixture.js';
import { ProcessRegistry } from '../transcode/process-registry.js';

const exec = promisify(execFile);
const stream = 'live/bench';
const out = (line: string) => process.stdout.write(`${line}\n`);
const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
};

interface Options {
  minutes: number;
  ttfbRuns: number;
  rounds: number;
  coldRuns: number;
  keep: boolean;
}

function parseOptions(argv: string[]): Options {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    minutes: Number(get('--minutes') ?? 60),
    ttfbRuns: Number(get('--ttfb-runs') ?? 10),
    // At least one counted round after the warm-up: the comparison needs a figure for each method.
    rounds: Math.max(1, Number(get('--rounds') ?? 2)),
    coldRuns: Number(get('--cold-runs') ?? 3),
    keep: argv.includes('--keep'),
  };
}

/** The 20 s that are recorded for real: the same source the dvr bench encodes (cached in the temp dir). */
async function recordReal(archive: Archive, startMs: number): Promise<SegmentRecord[]> {
  const ts = path.join(os.tmpdir(), 'framehouse-bench-6mbit.ts');
  const exists = await fs.access(ts).then(() => true, () => false);
  const args = ['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30', '-f', 'lavfi', '-i', 'sine', '-t', '20', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '6M', '-g', '60', '-c:a', 'aac'];
  const source = exists ? await demuxSource(ts) : await encodeSource(ts, args);
  await record(archive, stream, source, startMs);
  return archive.index.segments(stream, startMs - 60_000, startMs + 3_600_000);
}


/** A copy of a segment whose every tfdt is `shift` ticks later (each track's own ticks: `shift` by track id). */
function shifted(bytes: Uint8Array, shiftByTrack: (trackId: number) => number): Uint8Array {
  const copy = new Uint8Array(bytes);
  const view = new DataView(copy.buffer);
  for (let at = 0; at < copy.length; ) {
    const box = readBoxHeader(view, at, copy.length);
    if (box.type === FragmentBox.moof) {
      for (const traf of readChildren(view, box)) {
        if (traf.type !== FragmentBox.traf) continue;
        const children = readChildren(view, traf);
        const trackId = view.getUint32(children[0]!.bodyStart + 4) - 1; // tfhd track_ID
        for (const tfdt of children.filter((c) => c.type === FragmentBox.tfdt)) {
          const r = new FieldReader(view, tfdt);
          const { version } = r.versionAndFlags();
          if (version !== 1) throw new Error('expected tfdt version 1');
          const value = r.u64() + shiftByTrack(trackId);
          view.setUint32(tfdt.bodyStart + 4, Math.floor(value / 2 ** 32));
          view.setUint32(tfdt.bodyStart + 8, value % 2 ** 32);
        }
      }
    }
    at = box.end;
  }
  return copy;
}

/**
 * Replicates the real segments into `minutes` of continuous archive: files, index rows and
 * the sample tables the recorder would have kept (read from each shifted copy's moof).
 */
async function replicate(archive: Archive, real: SegmentRecord[], startMs: number, minutes: number): Promise<{ segments: SegmentRecord[]; bytes: number }> {
  const cycleMs = real.reduce((n, s) => n + s.durationMs, 0);
  const { tracks, sampleDefaults } = await archive.store.readInit(real[0]!.initId);
  const timescale = new Map(tracks.map((t) => [t.id, t.timescale]));
  const contents = await Promise.all(real.map((s) => fs.readFile(archive.store.segmentPath(s))));
  const cycles = Math.ceil((minutes * 60_000) / cycleMs);
  const rows: NewSegment[] = [];
  let bytes = 0;
  for (let k = 1; k < cycles; k++) {
    for (let i = 0; i < real.length; i++) {
      const s = real[i]!;
      const segStart = s.startMs + k * cycleMs;
      const hash = path.basename(s.file).split('-')[1]!.replace('.m4s', '');
      const file = archive.store.segmentFile(stream, segStart, hash);
      const data = shifted(contents[i]!, (id) => Math.round((k * cycleMs * (timescale.get(id) ?? 90_000)) / 1000));
      const where = archive.store.segmentPath({ file });
      await fs.mkdir(path.dirname(where), { recursive: true });
      await fs.writeFile(where, data);
      const tables = new SampleStore();
      const parsed = parseSegmentTables(data, data.length, sampleDefaults, tables);
      if (!('runs' in parsed)) throw new Error('a whole segment parses');
      rows.push({ ...s, startMs: segStart, file, bytes: data.length, discontinuity: false, sampleTables: encodeSampleTables(tables, parsed.runs) });
      bytes += data.length;
    }
  }
  archive.index.addMany(rows);
  const segments = archive.index.segments(stream, startMs, startMs + cycles * cycleMs);
  return { segments, bytes: bytes + contents.reduce((n, c) => n + c.length, 0) };
}

/** Time to the first body byte of GET url, then the request is dropped. */
function firstByte(url: string): Promise<{ ms: number; status: number; length: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, (res) => {
      res.once('data', () => {
        const ms = performance.now() - started;
        resolve({ ms, status: res.statusCode ?? 0, length: Number(res.headers['content-length']) });
        req.destroy();
      });
      res.once('error', () => undefined);
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
/** "median 160 ms (163, 208, 157)" */
const list = (values: number[]) => `median ${median(values).toFixed(0)} ms (${values.map((v) => v.toFixed(0)).join(', ')})`;

export async function benchExport(argv: string[]): Promise<void> {
  const o = parseOptions(argv);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'framehouse-bench-export-'));
  const log = pino({ level: 'silent' });
  const processes = new ProcessRegistry(log);
  const archive = await openArchive(dir);
  try {
    const startMs = Date.UTC(2026, 0, 1, 12);
    const [real, recordMs] = await time(() => recordReal(archive, startMs));
    const realBytes = real.reduce((n, s) => n + s.bytes, 0);
    const realSeconds = real.reduce((n, s) => n + s.durationMs, 0) / 1000;
    out(`recorded for real (ffmpeg 1080p30 6 Mbit/s + AAC → our TS demuxer → SegmentRecorder): ${real.length} segments, ${realSeconds.toFixed(1)} s, ${(realBytes / 1e6).toFixed(1)} MB (${((realBytes * 8) / realSeconds / 1e6).toFixed(1)} Mbit/s) in ${(recordMs / 1000).toFixed(1)} s`);
    const [{ segments, bytes }, replicateMs] = await time(() => replicate(archive, real, startMs, o.minutes));
    const seconds = segments.reduce((n, s) => n + s.durationMs, 0) / 1000;
    out(`synthesized the hour: those ${real.length} segment files copied ${segments.length / real.length - 1} more times, each copy's tfdt shifted by its ${realSeconds.toFixed(0)} s block and written under that block's file names and index rows → ${segments.length} segments, ${(seconds / 60).toFixed(1)} min, ${(bytes / 1e9).toFixed(2)} GB, one continuous recording (${(replicateMs / 1000).toFixed(1)} s)`);
    const durationMs = Math.floor(seconds) * 1000;
    const deps = { archive: archive.store, ffmpegPath: () => 'ffmpeg', processes, log };

    // Time to first byte over HTTP (a new range each time, so no plan is reused), and a whole download.
    const app = Fastify();
    installErrorHandlers(app);
    const sessions = new ViewerSessions();
    await app.register(streamFilesRoutes(mp4ExportRoutes({ ...deps, streamKnown: () => true, maxSeconds: () => 86_400 }), { playToken: () => null, isAdmin: () => false, sessions }));
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const rangeSeconds = durationMs / 1000 - o.ttfbRuns;
    const ttfb: number[] = [];
    const planning: number[] = [];
    let length = 0;
    // One export first, as a running studio would have made before (JIT-compiled code); then new ranges, a moment apart.
    await firstByte(`${base}/${stream}/archive-${startMs / 1000 + 30}-600.mp4`);
    for (let i = 0; i < o.ttfbRuns; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const from = startMs / 1000 + i;
      const result = await firstByte(`${base}/${stream}/archive-${from}-${rangeSeconds}.mp4`);
      if (result.status !== 200) throw new Error(`export answered ${result.status}`);
      ttfb.push(result.ms);
      length = result.length;
      const [, planMs] = await time(() => planMp4Export(deps, { stream, fromMs: startMs + i * 1000 + 500, durationMs: rangeSeconds * 1000, precise: false }));
      planning.push(planMs);
    }
    const stats = (values: number[]) => `min ${Math.min(...values).toFixed(1)}, median ${median(values).toFixed(1)}, max ${Math.max(...values).toFixed(1)} ms (${values.map((v) => v.toFixed(0)).join(' ')})`;
    out(`time to first byte, GET /${stream}/archive-FROM-${rangeSeconds}.mp4 (${(length / 1e9).toFixed(2)} GB, ${segments.length} segments, warm page cache), ${o.ttfbRuns} new ranges: ${stats(ttfb)}`);
    out(`  of which planning (one index query for ${segments.length} segments' sample tables, moov built): ${stats(planning)}; load average now ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`);
    const tableBytes = (archive.db.prepare('SELECT coalesce(sum(length(tables)), 0) AS n FROM dvr_sample_tables').get() as { n: number }).n;
    out(`  sample tables in SQLite: ${(tableBytes / 1e6).toFixed(2)} MB for the hour (${Math.round(tableBytes / segments.length)} bytes a segment)`);
    const dbFile = path.join(dir, 'framehouse.db');
    const open = (): ColdDeps => {
      const db = openDatabase(dbFile);
      return { deps: { ...deps, archive: new ArchiveStore({ root: archive.root, index: new DvrIndex(db) }) }, close: () => db.close() };
    };
    const dataFiles = [
      ...['', '-wal', '-shm'].map((x) => `${dbFile}${x}`),
      ...new Set(segments.map((s) => archive.store.initPath(stream, s.initId)).filter((p): p is string => p !== null)),
      ...segments.map((s) => archive.store.segmentPath(s)),
    ];
    await dataCold({ open, segments, dataFiles, fromMs: startMs, durationMs, runs: o.coldRuns });
    await coldStart({ open, segments, fromMs: startMs, durationMs, runs: o.coldRuns, concatDir: dir });

    // Interleaved rounds, each run after `sync` (nothing dirty from the run before); the best of each.
    const links = await linkSegments(archive.store, segments, path.join(dir, 'links'));
    const concat = `concat:${links.names.join('|')}`;
    const outFile = path.join(dir, 'out.bin');
    const runs: Record<string, { label: string; ms: number[]; size: number }> = {};
    const measure = async (key: string, label: string, run: () => Promise<number | void>) => {
      await exec('sync');
      const [sent, ms] = await time(run);
      const size = typeof sent === 'number' ? sent : (await fs.stat(outFile)).size;
      await fs.rm(outFile, { force: true });
      if (warmingUp) return;
      (runs[key] ??= { label, ms: [], size }).ms.push(ms);
    };
    const exportUrl = `${base}/${stream}/archive-${startMs / 1000}-${durationMs / 1000}.mp4`;
    // Round 0 warms up (the first run after writing the archive is slow for whichever method goes first) and is not counted.
    let warmingUp = true;
    for (let round = 0; round <= o.rounds; round++) {
      warmingUp = round === 0;
      await measure('ours', 'ours: planMp4Export + write to a file (moov first)', async () => {
        const plan = await planMp4Export(deps, { stream, fromMs: startMs, durationMs, precise: false });
        const file = createWriteStream(outFile);
        await plan.write(file);
        await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
      });
      await measure('http', 'ours over HTTP: curl on loopback, body to /dev/null', () => curl(exportUrl, '/dev/null'));
      await measure('http-file', 'ours over HTTP: curl on loopback, body to a file', () => curl(exportUrl, outFile));
      await measure('faststart', 'ffmpeg -i concat:init|segments -c copy -movflags +faststart', () => ffmpegIn(links.dir, ['-i', concat, '-map', '0', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', outFile]));
      await measure('ffmpeg', 'ffmpeg -i concat:init|segments -c copy (moov at the end)', () => ffmpegIn(links.dir, ['-i', concat, '-map', '0', '-c', 'copy', '-f', 'mp4', outFile]));
      await measure('copy', 'plain copy: each segment file read and written (Node)', async () => {
        const handle = await fs.open(outFile, 'w');
        try {
          for (const s of segments) await handle.write(await fs.readFile(archive.store.segmentPath(s)));
        } finally {
          await handle.close();
        }
      });
      await measure('cat', 'plain copy: cat segments > file (kernel copy_file_range)', () => exec('sh', ['-c', `cat ${links.names.slice(1).join(' ')} > '${outFile}'`], { cwd: links.dir }).then(() => undefined));
    }
    await app.close();
    sessions.close();

    const best = (key: string) => Math.min(...runs[key]!.ms);
    out(`export of ${(durationMs / 60_000).toFixed(0)} min (${segments.length} segments), best of ${o.rounds} interleaved rounds after a warm-up round, output on the same disk:`);
    for (const [key, run] of Object.entries(runs)) {
      const ms = best(key);
      out(`  ${run.label.padEnd(62)} ${(run.size / 1e9).toFixed(2)} GB in ${(ms / 1000).toFixed(2)} s, ${(run.size / 1e6 / (ms / 1000)).toFixed(0).padStart(5)} MB/s  (runs: ${run.ms.map((m) => (m / 1000).toFixed(2)).join(', ')} s)`);
    }
    out(`  ours vs ffmpeg +faststart: ${(best('faststart') / best('ours')).toFixed(1)}x faster; vs ffmpeg moov at the end: ${(best('ffmpeg') / best('ours')).toFixed(1)}x faster`);
    out(`  ours vs plain copy: ${(best('ours') / best('copy')).toFixed(2)}x its time (Node read + write), ${(best('ours') / best('cat')).toFixed(2)}x (cat)`);
  } finally {
    archive.close();
    await processes.killAll();
    if (o.keep) out(`kept ${dir}`);
    else await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Hard links with short names (i.mp4, 0.m4s, …) to the init and the segments: the concat URL stays short. */
async function linkSegments(archive: ArchiveStore, segments: readonly SegmentRecord[], dir: string): Promise<{ dir: string; names: string[] }> {
  await fs.mkdir(dir);
  await fs.link(archive.initPath(stream, segments[0]!.initId)!, path.join(dir, 'i.mp4'));
  const names = ['i.mp4'];
  for (let i = 0; i < segments.length; i++) {
    await fs.link(archive.segmentPath(segments[i]!), path.join(dir, `${i}.m4s`));
    names.push(`${i}.m4s`);
  }
  return { dir, names };
}

/** curl downloads url to `file`; the bytes it received. */
async function curl(url: string, file: string): Promise<number> {
  const { stdout } = await exec('curl', ['-s', '-f', '-o', file, '-w', '%{size_download}', url]);
  return Number(stdout);
}

/** ffmpeg run in `cwd` (the concat URL names files relative to it). */
async function ffmpegIn(cwd: string, args: string[]): Promise<void> {
  await exec('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { cwd, maxBuffer: 16 << 20 });
}

// ---- cold page cache ---------------------------------------------------------------

/** Writes back and empties the page cache (needs root); false when the kernel refuses. */
async function dropCaches(): Promise<boolean> {
  await exec('sync');
  return fs.writeFile('/proc/sys/vm/drop_caches', '3').then(() => true, () => false);
}

interface IoCounters {
  /** read-type system calls (read, pread, readv) */
  syscr: number;
  /** bytes those calls returned */
  rchar: number;
  /** bytes that had to come from the disk */
  readBytes: number;
}

/** This process's I/O counters, threads included (Linux /proc/self/io); null elsewhere. */
async function ioCounters(): Promise<IoCounters | null> {
  const text = await fs.readFile('/proc/self/io', 'utf8').catch(() => null);
  if (!text) return null;
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { syscr: field('syscr'), rchar: field('rchar'), readBytes: field('read_bytes') };
}

const ioDelta = (a: IoCounters | null, b: IoCounters | null) =>
  a && b ? `${b.syscr - a.syscr} read calls, ${((b.rchar - a.rchar) / 1e6).toFixed(2)} MB read, ${((b.readBytes - a.readBytes) / 1e6).toFixed(2)} MB from the disk` : 'I/O counters unavailable';

/** Time to the first byte ffmpeg writes to its stdout, then it is stopped. */
function ffmpegFirstByte(cwd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.once('data', () => {
      resolve(performance.now() - started);
      child.kill('SIGKILL');
    });
    child.once('error', reject);
    child.once('exit', (code) => (code !== null && code !== 0 ? reject(new Error(`ffmpeg exited with ${code}`)) : undefined));
  });
}

/**
 * Takes `files` out of the page cache (coreutils dd's nocache flag: fadvise DONTNEED for the
 * whole file), after a sync so that none of their pages is dirty. The program's own code
 * stays resident.
 */
async function evictFromPageCache(files: readonly string[]): Promise<void> {
  await exec('sync');
  for (const file of files) {
    // The database's -wal and -shm come and go; any other failure (a dd without nocache) must not pass for a cold run.
    if (!(await fs.access(file).then(() => true, () => false))) continue;
    await exec('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);
  }
}

/** What the cold runs of one case measured: each run's times, and the read calls of the last. */
class ColdFigures {
  readonly planMs: number[] = [];
  readonly ttfbMs: number[] = [];
  planIo = '';
  httpIo = '';

  add(run: { planMs: number; planIo: string; ttfbMs: number; httpIo: string }): void {
    this.planMs.push(run.planMs);
    this.ttfbMs.push(run.ttfbMs);
    this.planIo = run.planIo;
    this.httpIo = run.httpIo;
  }

  lines(ttfbLabel: string): string[] {
    return [`  ours, planning alone (planMp4Export)                   ${list(this.planMs)}; ${this.planIo}`, `  ours, ${ttfbLabel.padEnd(49)}${list(this.ttfbMs)}; ${this.httpIo}`];
  }
}

/**
 * One cold run of a one-hour export: planning alone over a connection of its own, then a
 * fresh server's time to first byte (no plan reused), `makeCold` run before each, with
 * the read calls each took.
 */
async function coldRun(o: { open: () => ColdDeps; fromMs: number; durationMs: number }, makeCold: () => Promise<void>): Promise<{ planMs: number; planIo: string; ttfbMs: number; httpIo: string }> {
  await makeCold();
  const planning = o.open();
  const before = await ioCounters();
  const [plan, planMs] = await time(() => planMp4Export(planning.deps, { stream, fromMs: o.fromMs, durationMs: o.durationMs, precise: false }));
  const planIo = ioDelta(before, await ioCounters());
  await plan.dispose();
  planning.close();

  const serving = o.open();
  const app = Fastify();
  installErrorHandlers(app);
  const sessions = new ViewerSessions();
  await app.register(streamFilesRoutes(mp4ExportRoutes({ ...serving.deps, streamKnown: () => true, maxSeconds: () => 86_400 }), { playToken: () => null, isAdmin: () => false, sessions }));
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    await makeCold();
    const httpBefore = await ioCounters();
    const first = await firstByte(`${base}/${stream}/archive-${o.fromMs / 1000}-${o.durationMs / 1000}.mp4`);
    const httpIo = ioDelta(httpBefore, await ioCounters());
    if (first.status !== 200) throw new Error(`export answered ${first.status}`);
    return { planMs, planIo, ttfbMs: first.ms, httpIo };
  } finally {
    await app.close();
    sessions.close();
    serving.close();
  }
}

/**
 * The cold case a running studio meets: yesterday's hour asked for after a day of other work.
 * The archive's database and segment files are out of the page cache; the studio's code is
 * not (it has been running), and each run gets a database connection of its own (an empty
 * SQLite page cache). Planning alone, then a fresh route's time to first byte.
 */
async function dataCold(o: { open: () => ColdDeps; segments: readonly SegmentRecord[]; dataFiles: readonly string[]; fromMs: number; durationMs: number; runs: number }): Promise<void> {
  if (o.runs <= 0) return;
  const figures = new ColdFigures();
  for (let run = 0; run < o.runs; run++) figures.add(await coldRun(o, () => evictFromPageCache(o.dataFiles)));
  out(`1 h export (${o.segments.length} segments), archive not in the page cache (its database and segment files evicted), program resident, ${o.runs} runs:`);
  for (const line of figures.lines('time to first byte over HTTP')) out(line);
}

/** Export deps over a database connection of their own: its page cache as empty as the kernel's. */
interface ColdDeps {
  deps: Mp4ExportDeps & { log: Logger };
  close(): void;
}

/**
 * The figure a user meets after a reboot or a day of other work: a one-hour export asked of
 * an archive that is not in the page cache. Each run empties the cache first (planning
 * alone, then a fresh server's time to first byte for the whole range), with the process's
 * read calls counted; ffmpeg concat-copy of the same segments is the peer, equally cold.
 */
async function coldStart(o: { open: () => ColdDeps; segments: readonly SegmentRecord[]; fromMs: number; durationMs: number; runs: number; concatDir: string }): Promise<void> {
  const label = `1 h export (${o.segments.length} segments), cold page cache`;
  if (o.runs <= 0) return;
  if (!(await dropCaches())) {
    out(`${label}: skipped, /proc/sys/vm/drop_caches refused (not root?): the figures above are warm`);
    return;
  }
  const figures = new ColdFigures();
  const ffmpegFragMs: number[] = [];
  const ffmpegFaststartMs: number[] = [];
  const linking = o.open();
  const links = await linkSegments(linking.deps.archive, o.segments, path.join(o.concatDir, 'cold-links'));
  linking.close();
  const concat = `concat:${links.names.join('|')}`;
  const outFile = path.join(o.concatDir, 'cold-out.mp4');
  for (let run = 0; run < o.runs; run++) {
    figures.add(await coldRun(o, async () => void (await dropCaches())));
    await dropCaches();
    ffmpegFragMs.push(await ffmpegFirstByte(links.dir, ['-i', concat, '-map', '0', '-c', 'copy', '-movflags', 'frag_keyframe+empty_moov', '-f', 'mp4', 'pipe:1']));
    await dropCaches();
    const [, faststart] = await time(() => ffmpegIn(links.dir, ['-i', concat, '-map', '0', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', outFile]));
    await fs.rm(outFile, { force: true });
    ffmpegFaststartMs.push(faststart);
  }
  out(`${label}, ${o.runs} runs, each after sync + drop_caches:`);
  for (const line of figures.lines('time to first byte over HTTP (fresh server)')) out(line);
  out(`  ffmpeg concat -c copy → fragmented MP4 on a pipe, first byte  ${list(ffmpegFragMs)}`);
  out(`  ffmpeg concat -c copy +faststart (moov first, as ours): whole file, its first byte  ${list(ffmpegFaststartMs)}`);
}
