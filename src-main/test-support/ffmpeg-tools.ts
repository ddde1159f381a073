// Test-only: the one place tests run ffmpeg and ffprobe (ffmpeg makes fixtures and
// publishes, ffprobe is the oracle). The kits that read particular answers (media-fixtures,
// fmp4/testing/sources, export/testing/mp4-checks) call these. Not imported by product code.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** The binaries: FFMPEG_PATH / FFPROBE_PATH when set (as the studio honours them), else from PATH. */
const ffmpegPath = process.env.FFMPEG_PATH ?? 'ffmpeg';
const ffprobePath = process.env.FFPROBE_PATH ?? 'ffprobe';
const quiet = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
/** Room for what a test reads back from a pipe (raw frames, every packet as JSON). */
const maxBuffer = 512 << 20;

/** execFile that fails with the command, how it ended and everything it said on stderr. */
async function run(file: string, args: string[], o: { timeout?: number } = {}): Promise<{ stdout: Buffer; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(file, args, { maxBuffer, encoding: 'buffer', timeout: o.timeout });
    return { stdout, stderr: stderr.toString() };
  } catch (e) {
    const err = e as { code?: number | string; signal?: string | null; stderr?: Buffer };
    throw new Error(`${file} ${args.join(' ')} failed (${err.signal ? `killed by ${err.signal}` : `exit ${err.code}`}):\n${err.stderr?.toString().trim() || String(e)}`, { cause: e });
  }
}

/** Runs ffmpeg (quiet, overwriting outputs) to completion: what it wrote to stdout and stderr. Throws with its stderr when it fails. */
export async function ffmpeg(args: string[]): Promise<{ stdout: Buffer; stderr: string }> {
  return run(ffmpegPath, [...quiet, '-y', ...args]);
}

/**
 * Runs ffprobe (`-v error`, JSON output) with `args` (entries to show, options, the input)
 * and returns its parsed answer. Throws with ffprobe's stderr when it fails, or with
 * `strict` when it printed any error at all (a file it read only with complaints).
 */
export async function ffprobeJson<T>(args: string[], o: { strict?: boolean; timeout?: number } = {}): Promise<T> {
  const { stdout, stderr } = await run(ffprobePath, ['-v', 'error', '-of', 'json', ...args], { timeout: o.timeout });
  if (o.strict && stderr.trim()) throw new Error(`ffprobe ${args.join(' ')} complained:\n${stderr.trim()}`);
  return JSON.parse(stdout.toString()) as T;
}

/** Decodes every stream to nowhere: ffmpeg's complaints ('' when all decoded cleanly). */
export async function decodeErrors(file: string): Promise<string> {
  return (await ffmpeg(['-i', file, '-f', 'null', '-'])).stderr.trim();
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

/** ffprobe -show_streams. */
export async function ffprobeStreams(input: string): Promise<ProbedStream[]> {
  return (await ffprobeJson<{ streams: ProbedStream[] }>(['-show_streams', input])).streams;
}

/** An ffprobe rate ("30000/1001") as a number (29.97…); null when absent or zero. */
export function parseRate(rate: string | undefined): number | null {
  if (!rate) return null;
  const [num, den] = rate.split('/').map(Number);
  return num && den ? num / den : null;
}

/** A long-running ffmpeg (a publisher); stop() ends it. */
export function startFfmpeg(args: string[]): { child: ChildProcess; stderr: () => string; exited: Promise<number | null>; stop(): Promise<number | null> } {
  const child = spawn(ffmpegPath, [...quiet, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
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
/**
 * The profiles the live tests run with: OBS's in `npm test` (CI has 20 minutes), every one
 * in `npm run test:full` (FRAMEHOUSE_FULL_TESTS=1).
 */
export const testedEncoders: readonly LiveEncoder[] = process.env.FRAMEHOUSE_FULL_TESTS ? liveEncoders : ['obs'];

const videoArgs: Record<LiveEncoder, string[]> = {
  obs: ['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-bf', '2', '-b:v', '2500k', '-maxrate', '2500k', '-bufsize', '2500k'],
  zerolatency: ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-bf', '0'],
};
const audioArgs: Record<LiveEncoder, string[]> = {
  obs: ['-c:a', 'aac', '-b:a', '160k', '-ac', '2'],
  zerolatency: ['-c:a', 'aac', '-b:a', '96k', '-ac', '2'],
};

/**
 * lavfi test inputs: the testsrc2 pattern (unless `video` is false) and, with `audioRate`,
 * a 440 Hz sine; `seconds` long when given. Codec options are the caller's.
 */
export function lavfiInputs(o: { size?: string; rate?: number; seconds?: number; audioRate?: number; video?: boolean }): string[] {
  return [
    ...(o.video !== false ? ['-f', 'lavfi', '-i', `testsrc2=size=${o.size ?? '640x360'}:rate=${o.rate ?? 30}`] : []),
    ...(o.audioRate ? ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${o.audioRate}`] : []),
    ...(o.seconds ? ['-t', String(o.seconds)] : []),
  ];
}

/**
 * A test source: H.264 + AAC from lavfi, as `encoder` sends it (OBS's defaults unless
 * told), a keyframe every `gop` frames (default 2 s, as OBS and streaming services use).
 */
export const testSourceArgs = (o: { size?: string; rate?: number; seconds?: number; gop?: number; encoder?: LiveEncoder } = {}) => {
  const rate = o.rate ?? 30;
  return [
    ...lavfiInputs({ size: o.size, rate, seconds: o.seconds, audioRate: 48000 }),
    ...videoArgs[o.encoder ?? 'obs'], '-g', String(o.gop ?? 2 * rate), '-pix_fmt', 'yuv420p',
    ...audioArgs[o.encoder ?? 'obs'],
  ];
};
