// Test-only helpers: ffmpeg makes the fixtures, ffprobe is the oracle (both run by
// test-support/ffmpeg-tools.ts). Not imported by product code.
import path from 'node:path';
import { ffmpeg as runFfmpeg, ffprobeJson } from '../../../test-support/ffmpeg-tools.js';

/** Runs ffmpeg quietly (overwriting), writing `output` inside `dir`; returns the output's path. */
export async function ffmpeg(dir: string, output: string, args: string[]): Promise<string> {
  const file = path.join(dir, output);
  await runFfmpeg([...args, file]);
  return file;
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
  const args = ['-show_streams'];
  if (opts.extradata) args.push('-show_data');
  else if (opts.packets !== false) args.push('-show_packets');
  const parsed = await ffprobeJson<{ streams?: ProbeStream[]; packets?: ProbePacket[] }>([...args, file]);
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
