// Test only: what an exported MP4 is checked against. ffprobe and ffmpeg are the oracles.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface ProbedFile {
  format: { format_name: string; duration: string };
  streams: { codec_type: string; codec_name: string; duration?: string; start_time?: string; nb_frames?: string; width?: number; height?: number }[];
}

export async function probe(file: string): Promise<ProbedFile> {
  const { stdout } = await exec('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file], { maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as ProbedFile;
}

/** Top-level box types in file order (ftyp, moov, mdat for a progressive MP4). */
export async function topLevelBoxes(file: string): Promise<string[]> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const types: string[] = [];
    const header = Buffer.alloc(16);
    for (let at = 0; at < size; ) {
      await handle.read(header, 0, 16, at);
      let length = header.readUInt32BE(0);
      if (length === 1) length = Number(header.readBigUInt64BE(8));
      else if (length === 0) length = size - at;
      types.push(header.toString('latin1', 4, 8));
      if (length < 8) throw new Error(`box of ${length} bytes at ${at}`);
      at += length;
    }
    return types;
  } finally {
    await handle.close();
  }
}

/** ffmpeg's complaints while decoding every frame ('' when there are none). */
export async function decodeErrors(file: string): Promise<string> {
  const { stderr } = await exec('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-'], { maxBuffer: 64 << 20 });
  return stderr;
}

/** MD5 of each decoded video frame, in presentation order. */
export async function frameHashes(file: string, options: string[] = [], limit?: number): Promise<string[]> {
  const { stdout } = await exec('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', ...options, '-i', file, '-map', '0:v:0', ...(limit ? ['-frames:v', String(limit)] : []), '-f', 'framemd5', '-'], { maxBuffer: 64 << 20 });
  return stdout
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1)!.trim());
}

/** Decoded video frames as 8-bit gray pictures (for comparing re-encoded frames with the originals). */
export async function grayFrames(file: string, width: number, height: number, options: string[] = [], limit?: number): Promise<Uint8Array[]> {
  const { stdout } = await exec('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', ...options, '-i', file, '-map', '0:v:0', ...(limit ? ['-frames:v', String(limit)] : []), '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], {
    maxBuffer: 512 << 20,
    encoding: 'buffer',
  });
  const frame = width * height;
  const out: Uint8Array[] = [];
  for (let at = 0; at + frame <= stdout.length; at += frame) out.push(stdout.subarray(at, at + frame));
  return out;
}

/** Mean absolute difference of two gray pictures. */
export function meanDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

export interface ProbedPacket {
  stream_index: number;
  pts: number;
  dts: number;
}

export async function packets(file: string): Promise<ProbedPacket[]> {
  const { stdout } = await exec('ffprobe', ['-v', 'error', '-show_entries', 'packet=stream_index,pts,dts', '-of', 'json', file], { maxBuffer: 256 << 20 });
  return (JSON.parse(stdout) as { packets: ProbedPacket[] }).packets;
}

export { seededRandom as seeded } from '../../media/codecs/testing/bytes.js';
