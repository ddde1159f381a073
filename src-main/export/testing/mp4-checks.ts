// Test only: what an exported MP4 is checked against. ffprobe and ffmpeg are the oracles
// (run by test-support/ffmpeg-tools.ts, which also has decodeErrors).
import fs from 'node:fs/promises';
import { ffmpeg, ffprobeJson } from '../../test-support/ffmpeg-tools.js';

export interface ProbedFile {
  format: { format_name: string; duration: string };
  streams: { codec_type: string; codec_name: string; duration?: string; start_time?: string; nb_frames?: string; width?: number; height?: number }[];
}

export async function probe(file: string): Promise<ProbedFile> {
  return ffprobeJson<ProbedFile>(['-show_format', '-show_streams', file]);
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

/** MD5 of each decoded video frame, in presentation order. */
export async function frameHashes(file: string, options: string[] = [], limit?: number): Promise<string[]> {
  const { stdout } = await ffmpeg([...options, '-i', file, '-map', '0:v:0', ...(limit ? ['-frames:v', String(limit)] : []), '-f', 'framemd5', '-']);
  return stdout
    .toString()
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1)!.trim());
}

/** Decoded video frames as 8-bit gray pictures (for comparing re-encoded frames with the originals). */
export async function grayFrames(file: string, width: number, height: number, options: string[] = [], limit?: number): Promise<Uint8Array[]> {
  const { stdout } = await ffmpeg([...options, '-i', file, '-map', '0:v:0', ...(limit ? ['-frames:v', String(limit)] : []), '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
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
  return (await ffprobeJson<{ packets: ProbedPacket[] }>(['-show_entries', 'packet=stream_index,pts,dts', file])).packets;
}

export { seededRandom as seeded } from '../../media/codecs/testing/bytes.js';
