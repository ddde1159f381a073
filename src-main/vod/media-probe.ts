// What a library file holds, as ffprobe reads it: container, duration, the picture
// (size, rotation, HDR), audio tracks with languages, subtitles. Read once per file
// version and kept in SQLite.
import type { ProbedAudio, ProbedMedia, ProbedVideo } from '../contract/library-api.js';
import type { ProcessRegistry } from '../transcode/process-registry.js';

interface FfprobeStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  color_transfer?: string;
  pix_fmt?: string;
  bits_per_raw_sample?: string;
  profile?: string;
  level?: number;
  channels?: number;
  sample_rate?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string | undefined>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

interface FfprobeOutput {
  format?: { format_name?: string; duration?: string; start_time?: string; bit_rate?: string };
  streams?: FfprobeStream[];
}

const rate = (text: string | undefined): number | null => {
  const [n, d] = (text ?? '').split('/').map(Number);
  return n && d ? Math.round((n / d) * 1000) / 1000 : null;
};

/** Degrees clockwise on display: the display matrix counts counter-clockwise, the old `rotate` tag clockwise. */
function rotationOf(s: FfprobeStream): number {
  const matrix = s.side_data_list?.find((d) => d.side_data_type === 'Display Matrix')?.rotation;
  const degrees = matrix !== undefined ? -matrix : Number(s.tags?.rotate ?? 0);
  const normal = ((Math.round(degrees / 90) * 90) % 360 + 360) % 360;
  return Number.isFinite(normal) ? normal : 0;
}

function videoOf(s: FfprobeStream): ProbedVideo {
  const depth = Number(s.bits_per_raw_sample) || (/(10|12)(le|be)?$/.exec(s.pix_fmt ?? '') ? Number(/(10|12)/.exec(s.pix_fmt!)![1]) : 8);
  return {
    codec: s.codec_name ?? 'unknown',
    width: s.width ?? 0,
    height: s.height ?? 0,
    rotation: rotationOf(s),
    fps: rate(s.avg_frame_rate) ?? rate(s.r_frame_rate),
    hdr: s.color_transfer === 'smpte2084' || s.color_transfer === 'arib-std-b67',
    bitDepth: depth,
    profile: s.profile ?? null,
    level: typeof s.level === 'number' && s.level > 0 ? s.level : null,
  };
}

const language = (s: FfprobeStream) => {
  const lang = s.tags?.language;
  return lang && lang !== 'und' ? lang : null;
};

/** A week: a duration beyond it is a broken header (and would plan millions of segments). */
const maxDurationSeconds = 7 * 86_400;

/** ffprobe's JSON → what the library keeps, or why the file cannot play. */
export function readProbe(output: FfprobeOutput): ProbedMedia | string {
  const streams = output.streams ?? [];
  const pictures = streams.filter((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1 && (s.width ?? 0) > 0);
  const audio: ProbedAudio[] = streams
    .filter((s) => s.codec_type === 'audio' && s.codec_name)
    .map((s) => ({ index: s.index ?? 0, codec: s.codec_name!, channels: s.channels ?? 0, sampleRate: Number(s.sample_rate) || 0, language: language(s) }));
  if (pictures.length === 0 && audio.length === 0) return 'no video or audio track ffmpeg can read';
  const duration = Number(output.format?.duration);
  if (!Number.isFinite(duration) || duration <= 0) return 'no duration: the file may be truncated or still being written';
  if (duration > maxDurationSeconds) return `ffprobe says it lasts ${Math.round(duration / 86_400)} days: longer than a week, which no real file does`;
  const bitrate = Number(output.format?.bit_rate);
  return {
    container: output.format?.format_name ?? 'unknown',
    duration,
    startTime: Number(output.format?.start_time) || 0,
    bitrate: Number.isFinite(bitrate) && bitrate > 0 ? Math.round(bitrate) : null,
    video: pictures[0] ? videoOf(pictures[0]) : null,
    audio,
    subtitles: streams.filter((s) => s.codec_type === 'subtitle').map((s) => ({ index: s.index ?? 0, codec: s.codec_name ?? 'unknown', language: language(s) })),
  };
}

/** The last line ffprobe printed: its reason, without the file path it starts with. */
const reasonOf = (stderr: string, file: string) => {
  const line = stderr.trim().split('\n').at(-1)?.replace(file, '').replace(/^:\s*/, '').trim();
  return line ? `ffprobe: ${line}` : 'ffprobe could not read it';
};

export async function probeMedia(processes: ProcessRegistry, ffprobePath: string, file: string): Promise<ProbedMedia | string> {
  const result = await processes.run(ffprobePath, ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file], { label: 'probe library file', timeoutMs: 30_000, keepBytes: 4 << 20, niceness: 10 });
  if (result.timedOut) return 'ffprobe took longer than 30 s';
  if (result.code !== 0) return reasonOf(result.stderr, file);
  try {
    return readProbe(JSON.parse(result.stdout) as FfprobeOutput);
  } catch {
    return 'ffprobe printed something that is not JSON';
  }
}
