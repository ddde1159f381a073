// Test-only: real encoder output turned into the studio's Track/Frame model, and the tools
// that read our output back. Segments are cut by the DVR's own SegmentRecorder
// (test-support/segment-recording.ts), never by a copy of its rule. Not imported by product code.
import fs from 'node:fs/promises';
import type { Frame, Track, VideoTrack } from '../../../media/frame.js';
import { parseAv1Config } from '../../../media/codecs/av1-config.js';
import { ffmpeg, ffprobe, hexDumpToBytes } from '../../../media/codecs/testing/media-fixtures.js';
import { ffprobeJson } from '../../../test-support/ffmpeg-tools.js';
import { TsDemuxer } from '../../mpegts/index.js';

export interface MediaSource {
  tracks: readonly Track[];
  frames: Frame[];
  /** The file ffmpeg wrote: what ffprobe compares our output with. */
  file: string;
}

/** ffmpeg writes MPEG-TS with `args`; our TsDemuxer takes it apart (the last track announcement wins). */
export async function tsSource(dir: string, name: string, args: string[]): Promise<MediaSource> {
  const file = await ffmpeg(dir, name, [...args, '-f', 'mpegts']);
  let tracks: readonly Track[] = [];
  const frames: Frame[] = [];
  const errors: string[] = [];
  const demuxer = new TsDemuxer({ onTracks: (t) => (tracks = t), onFrame: (f) => frames.push(f), onError: (kind, detail) => errors.push(`${kind}: ${detail}`) });
  demuxer.push(await fs.readFile(file), Date.now());
  demuxer.end();
  if (errors.length > 0) throw new Error(`demuxing ${name}: ${errors.join('; ')}`);
  return { tracks, frames, file };
}

/**
 * SVT-AV1 output. ffmpeg 5.1 cannot put AV1 in MPEG-TS, so: an MP4 (whose extradata is
 * the av1C record, and whose packets give the key flags), copied to IVF for the
 * temporal units. IVF adds a temporal delimiter OBU to each; MP4 samples carry none
 * (AV1-ISOBMFF 2.4), so it is taken off again.
 */
export async function av1Source(dir: string, inputArgs: string[]): Promise<MediaSource> {
  const file = await ffmpeg(dir, 'av1.mp4', [...inputArgs, '-c:v', 'libsvtav1', '-preset', '12', '-g', '25', '-pix_fmt', 'yuv420p']);
  const ivf = new Uint8Array(await fs.readFile(await ffmpeg(dir, 'av1.ivf', ['-i', file, '-c', 'copy', '-f', 'ivf'])));
  const { streams } = await ffprobe(file, { extradata: true });
  const config = hexDumpToBytes(streams[0]!.extradata!);
  const { packets } = await ffprobe(file);
  const info = parseAv1Config(config);
  const view = new DataView(ivf.buffer, ivf.byteOffset, ivf.byteLength);
  // IVF file header: 'DKIF', version, header size, fourcc, width, height, time base denominator, numerator, frame count (little-endian).
  if (view.getUint32(0) !== 0x444b4946 || view.getUint32(20, true) !== 1) throw new Error('not an IVF file with a 1/N time base');
  const track: VideoTrack = { kind: 'video', id: 0, codec: 'av1', timescale: view.getUint32(16, true), config, width: info.width, height: info.height, profile: info.profile, level: info.level, declaredFps: null };
  const frames: Frame[] = [];
  for (let at = view.getUint16(6, true); at < ivf.length; ) {
    // IVF frame header: size (u32 LE), pts (u64 LE)
    const size = view.getUint32(at, true);
    const pts = Number(view.getBigUint64(at + 4, true));
    let data = ivf.subarray(at + 12, at + 12 + size);
    if (data[0] === 0x12 && data[1] === 0x00) data = data.subarray(2); // OBU_TEMPORAL_DELIMITER with obu_size 0
    const packet = packets[frames.length];
    if (!packet || packet.pts !== pts || Number(packet.size) !== data.length) throw new Error(`IVF frame ${frames.length} does not match the MP4's packet`);
    frames.push({ trackId: 0, dts: pts, pts, keyframe: packet.flags.includes('K'), data, arrivedAt: 0 });
    at += 12 + size;
  }
  return { tracks: [track], frames, file };
}

export interface ProbedPacket {
  stream_index: number;
  pts: number;
  dts: number;
  size: string;
  flags: string;
}

export interface ProbedFile {
  streams: { index: number; codec_type: string; codec_name: string; profile?: string; width?: number; height?: number; sample_rate?: string; channels?: number; time_base: string }[];
  packets: ProbedPacket[];
}

/**
 * ffprobe -show_streams -show_packets; throws with ffprobe's complaint if it prints any
 * error. `containerOnly`: packets exactly as the demuxer read them (-fflags
 * +nofillin+noparse). Without it, libavformat runs codec parsers (H.264, AV1) that
 * recompute each packet's key flag from the bitstream, hiding what the trun said.
 */
export async function probe(file: string, o: { containerOnly?: boolean } = {}): Promise<ProbedFile> {
  return ffprobeJson<ProbedFile>([...(o.containerOnly ? ['-fflags', '+nofillin+noparse'] : []), '-show_streams', '-show_packets', file], { strict: true });
}

/** Frames each stream decodes to (ffprobe -count_frames), in stream order. */
export async function decodedFrameCounts(file: string): Promise<{ kind: string; frames: number }[]> {
  const { streams } = await ffprobeJson<{ streams: { codec_type: string; nb_read_frames: string }[] }>(['-count_frames', '-show_entries', 'stream=codec_type,nb_read_frames', file]);
  return streams.map((s) => ({ kind: s.codec_type, frames: Number(s.nb_read_frames) }));
}
