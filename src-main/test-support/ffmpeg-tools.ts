import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Runs ffmpeg to completion; throws with its stderr when it fails. */
export async function ffmpeg(args: string[]): Promise<void> {
  await exec('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { maxBuffer: 16 << 20 });
}

export interface ProbedStream {
  codec_type: 'video' | 'audio';
  codec_name: string;
  profile?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
  level?: number;
  /** Frames a decoder must hold back for reordering: 0 without B-frames. */
  has_b_frames?: number;
}

export async function ffprobeStreams(input: string): Promise<ProbedStream[]> {
  const { stdout } = await exec('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', input], { maxBuffer: 16 << 20 });
  return (JSON.parse(stdout) as { streams: ProbedStream[] }).streams;
}

export const fps = (rate: string | undefined) => {
  const [n, d] = (rate ?? '0/1').split('/').map(Number);
  return n! / (d || 1);
};

/** A long-running ffmpeg (a publisher); stop() ends it. */
export function startFfmpeg(args: string[]): { child: ChildProcess; stderr: () => string; exited: Promise<number | null>; stop(): Promise<number | null> } {
  const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => err,
    exited,
    stop() {
      if (child.exitCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}

/**
 * How a live test source is encoded. Tests that count frames or time them run with both.
 * - `obs`: what OBS Studio sends with its default x264 settings: preset veryfast, High
 *   profile, 2 B-frames (so pts and dts differ and frames arrive out of presentation
 *   order), CBR 2500 kbit/s, a keyframe every 2 s, AAC-LC 160 kbit/s 48 kHz stereo.
 * - `zerolatency`: x264's zero-latency tuning (no B-frames, no lookahead), as encoders
 *   set up for the lowest delay send it: pts equals dts.
 */
export type LiveEncoder = 'obs' | 'zerolatency';
export const liveEncoders: readonly LiveEncoder[] = ['obs', 'zerolatency'];

const videoArgs: Record<LiveEncoder, string[]> = {
  obs: ['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-bf', '2', '-b:v', '2500k', '-maxrate', '2500k', '-bufsize', '2500k'],
  zerolatency: ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-bf', '0'],
};
const audioArgs: Record<LiveEncoder, string[]> = {
  obs: ['-c:a', 'aac', '-b:a', '160k', '-ac', '2'],
  zerolatency: ['-c:a', 'aac', '-b:a', '96k', '-ac', '2'],
};

/**
 * A test source: H.264 + AAC from lavfi, as `encoder` sends it (OBS's defaults unless
 * told), a keyframe every `gop` frames (default 2 s, as OBS and streaming services use).
 */
export const testSourceArgs = (o: { size?: string; rate?: number; seconds?: number; gop?: number; encoder?: LiveEncoder } = {}) => {
  const rate = o.rate ?? 30;
  return [
    '-f', 'lavfi', '-i', `testsrc2=size=${o.size ?? '640x360'}:rate=${rate}`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    ...(o.seconds ? ['-t', String(o.seconds)] : []),
    ...videoArgs[o.encoder ?? 'obs'], '-g', String(o.gop ?? 2 * rate), '-pix_fmt', 'yuv420p',
    ...audioArgs[o.encoder ?? 'obs'],
  ];
};
