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

/** A test source: H.264 (High, B-frames) + AAC, keyframes every `gop` frames. */
export const testSourceArgs = (o: { size?: string; rate?: number; seconds?: number; gop?: number } = {}) => [
  '-f', 'lavfi', '-i', `testsrc2=size=${o.size ?? '640x360'}:rate=${o.rate ?? 30}`,
  '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
  ...(o.seconds ? ['-t', String(o.seconds)] : []),
  '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-bf', '0', '-g', String(o.gop ?? 60), '-pix_fmt', 'yuv420p',
  '-c:a', 'aac', '-b:a', '96k', '-ac', '2',
];
