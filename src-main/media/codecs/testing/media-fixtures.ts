// Test-only helpers: ffmpeg makes the fixtures, ffprobe is the oracle. Not imported by product code.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ffmpegPath = process.env.FFMPEG_PATH ?? 'ffmpeg';
const ffprobePath = process.env.FFPROBE_PATH ?? 'ffprobe';

/** Runs ffmpeg quietly (overwriting), writing `output` inside `dir`; returns the output's path. */
export async function ffmpeg(dir: string, output: string, args: string[]): Promise<string> {
  const file = path.join(dir, output);
  await run(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args, file], { maxBuffer: 64 << 20 });
  return file;
}

/** An ffmpeg lavfi test pattern (testsrc2) and/or sine tone, encoded with the given codec options. */
export function lavfiInputs(opts: { size?: string; rate?: number; seconds: number; audioRate?: number; video?: boolean }): string[] {
  const args: string[] = [];
  if (opts.video !== false) args.push('-f', 'lavfi', '-i', `testsrc2=size=${opts.size ?? '640x360'}:rate=${opts.rate ?? 30}`);
  if (opts.audioRate) args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${opts.audioRate}`);
  args.push('-t', String(opts.seconds));
  return args;
}

export interface ProbeStream {
  index: number;
  codec_name: string;
  codec_type: 'video' | 'audio' | string;
  profile?: string;
  level?: number;
  width?: number;
  height?: number;
  coded_width?: number;
  coded_height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
  /** ffprobe's hex dump (with -show_data); parse with hexDumpToBytes */
  extradata?: string;
}

export interface ProbePacket {
  stream_index: number;
  pts?: number;
  dts?: number;
  size: string;
  flags: string;
}

export interface Probe {
  streams: ProbeStream[];
  packets: ProbePacket[];
}

/**
 * ffprobe -show_streams, with -show_packets (the default) or -show_data (stream
 * extradata; not both, as -show_data would dump every packet too) as JSON.
 */
export async function ffprobe(file: string, opts: { packets?: boolean; extradata?: boolean } = {}): Promise<Probe> {
  const args = ['-v', 'error', '-show_streams', '-of', 'json'];
  if (opts.extradata) args.push('-show_data');
  else if (opts.packets !== false) args.push('-show_packets');
  const { stdout } = await run(ffprobePath, [...args, file], { maxBuffer: 256 << 20 });
  const parsed = JSON.parse(stdout) as { streams?: ProbeStream[]; packets?: ProbePacket[] };
  return { streams: parsed.streams ?? [], packets: parsed.packets ?? [] };
}

/** ffprobe's `xxd`-like dump ("00000000: 0000 0167 …  ascii") back to bytes. */
export function hexDumpToBytes(dump: string): Uint8Array {
  const bytes: number[] = [];
  for (const line of dump.split('\n')) {
    const match = /^[0-9a-f]{8}: /.exec(line);
    if (!match) continue;
    const hex = line.slice(10, 49).replace(/\s+/g, '');
    for (let i = 0; i + 1 < hex.length; i += 2) bytes.push(parseInt(hex.slice(i, i + 2), 16));
  }
  return Uint8Array.from(bytes);
}

/** "30000/1001" → 29.97… */
export function parseRate(rate: string | undefined): number | null {
  if (!rate) return null;
  const [num, den] = rate.split('/').map(Number);
  return num && den ? num / den : null;
}
