// Finishing a recording file: the fragmented MP4 written while recording becomes an MP4
// with its index first (or an MKV) by a lossless ffmpeg remux; MPEG-TS only gets its
// name. The finished file never replaces another (" (2)" …), and a remux that cannot be
// made keeps the working file under the final name rather than losing anything.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { RecordFormat } from '../contract/recording-api.js';
import { freeName, moveFile } from '../files/move-file.js';
import type { ProcessRegistry } from '../transcode/process-registry.js';

/** A remux copies at disk speed; this bounds a stuck one (a 4-hour 50 Mbit/s file is ~90 GB). */
const remuxTimeoutMs = 30 * 60_000;

export interface FinishDeps {
  processes: ProcessRegistry;
  ffmpegPath: () => string | null;
  /** The studio stops: a remux under way is stopped and nothing is moved (the next start finishes the file). */
  signal?: AbortSignal;
  /** Makes the remux's .partial this file's own (two files wanting one name never share it). */
  partialTag?: string;
}

export interface Finished {
  /** Absolute path of the finished file. */
  file: string;
  bytes: number;
  /** Set when the file is kept in another form than asked (ffmpeg missing or failing). */
  note: string | null;
}

const containers: Record<Exclude<RecordFormat, 'ts'>, string> = { mp4: 'mp4', mkv: 'matroska' };

/** Makes `workFile` the finished file at `wanted` (absolute; its name may be taken, then another is chosen); null when stopped by `signal`. */
export async function finishRecordingFile(deps: FinishDeps, workFile: string, format: RecordFormat, wanted: string): Promise<Finished | null> {
  const dir = path.dirname(wanted);
  await fs.mkdir(dir, { recursive: true });
  if (format === 'ts') return place(workFile, dir, path.basename(wanted), null);
  const ffmpeg = deps.ffmpegPath();
  const reason = ffmpeg ? await remux(deps, ffmpeg, workFile, format, dir, path.basename(wanted)) : 'ffmpeg is not available';
  if (deps.signal?.aborted) return null;
  if (typeof reason !== 'string') {
    await fs.rm(workFile, { force: true });
    return reason;
  }
  // Kept as written: a fragmented MP4 plays everywhere an MP4 does.
  const name = path.basename(wanted).replace(/\.[^.]+$/, '.mp4');
  return place(workFile, dir, name, `kept as fragmented MP4: ${reason}`);
}

async function place(from: string, dir: string, name: string, note: string | null): Promise<Finished> {
  const file = path.join(dir, await freeName(dir, name));
  await moveFile(from, file);
  return { file, bytes: (await fs.stat(file)).size, note };
}

/** The finished file, or why ffmpeg could not make it. */
async function remux(deps: FinishDeps, ffmpeg: string, workFile: string, format: Exclude<RecordFormat, 'ts'>, dir: string, name: string): Promise<Finished | string> {
  const partial = path.join(dir, `${await freeName(dir, name)}.${deps.partialTag ?? process.pid}.partial`);
  const args = ['-v', 'error', '-nostdin', '-i', workFile, '-map', '0', '-c', 'copy', ...(format === 'mp4' ? ['-movflags', '+faststart'] : []), '-f', containers[format], '-y', partial];
  const result = await deps.processes.run(ffmpeg, args, { label: `finish recording ${name}`, timeoutMs: remuxTimeoutMs, keepBytes: 4096, ...(deps.signal ? { signal: deps.signal } : {}) });
  if (result.code !== 0 || deps.signal?.aborted) {
    await fs.rm(partial, { force: true });
    return result.timedOut ? 'the remux took too long' : result.stderr.trim().split('\n').at(-1) || `ffmpeg exit ${result.code ?? result.signal}`;
  }
  const file = path.join(dir, await freeName(dir, name));
  await moveFile(partial, file);
  return { file, bytes: (await fs.stat(file)).size, note: null };
}

export interface HandlerDeps {
  processes: ProcessRegistry;
  /** The user's command (an executable), its timeout; null: none. */
  command: () => { path: string; timeoutSeconds: number } | null;
  log: (level: 'info' | 'warn', line: string) => void;
  /** The studio stops: a handler still running is stopped (its timeout could be long). */
  signal?: AbortSignal;
}

/**
 * Runs the user's handler on a finished file: the executable with the file's path as its
 * one argument, never through a shell (a file name cannot become a command), stopped after
 * its timeout; what it prints is logged.
 */
export async function runRecordingHandler(deps: HandlerDeps, file: string): Promise<void> {
  const command = deps.command();
  if (!command) return;
  const result = await deps.processes.run(command.path, [file], { label: `recording handler ${path.basename(command.path)}`, timeoutMs: command.timeoutSeconds * 1000, keepBytes: 8192, processGroup: true, ...(deps.signal ? { signal: deps.signal } : {}) });
  const output = [result.stdout.trim(), result.stderr.trim()].filter(Boolean).join('\n').slice(-2000);
  if (result.code === 0) deps.log('info', `recording handler ${command.path} ran on ${file} in ${Math.round(result.durationMs)} ms${output ? `:\n${output}` : ''}`);
  else {
    const why = result.timedOut ? `was stopped after ${command.timeoutSeconds} s` : result.code === null && result.signal === null ? 'could not start' : `exited with ${result.code ?? result.signal}`;
    deps.log('warn', `recording handler ${command.path} ${why} on ${file}${output ? `:\n${output}` : ''}`);
  }
}
