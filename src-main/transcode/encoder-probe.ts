import fs from 'node:fs/promises';
import type { EncoderStatus } from '../contract/studio-api.js';
import { vaapiDevice } from './gpu-pipeline.js';
import type { ProcessRegistry } from './process-registry.js';

export interface EncoderCandidate {
  name: string;
  codec: EncoderStatus['codec'];
  hardware: boolean;
  vendor: string;
  /** Options placed before the input (device set-up). */
  inputArgs?: (platform: NodeJS.Platform) => string[];
  /** Options placed after the input (pixel format, upload). */
  outputArgs: string[];
  /** A cheaper, clearer answer than ffmpeg's when the device is plainly absent. */
  missingDevice?: () => Promise<string | null>;
}

const nvenc = { vendor: 'NVIDIA NVENC', hardware: true, outputArgs: ['-pix_fmt', 'yuv420p'] };
const qsv = { vendor: 'Intel Quick Sync', hardware: true, outputArgs: ['-pix_fmt', 'nv12'] };
const vaapi = {
  vendor: 'VA-API',
  hardware: true,
  inputArgs: () => ['-vaapi_device', vaapiDevice()],
  outputArgs: ['-vf', 'format=nv12,hwupload'],
  missingDevice: async () =>
    fs.access(vaapiDevice()).then(
      () => null,
      () => `no VA-API device at ${vaapiDevice()} (set FRAMEHOUSE_VAAPI_DEVICE if it lives elsewhere)`,
    ),
};
const videotoolbox = { vendor: 'Apple VideoToolbox', hardware: true, outputArgs: ['-pix_fmt', 'yuv420p'] };
const amf = { vendor: 'AMD AMF', hardware: true, outputArgs: ['-pix_fmt', 'yuv420p'] };
const software = { vendor: 'software', hardware: false, outputArgs: ['-pix_fmt', 'yuv420p'] };

/** Hardware first: the order in which the transcoder prefers them. */
export const encoderCandidates: readonly EncoderCandidate[] = [
  { name: 'h264_nvenc', codec: 'h264', ...nvenc },
  { name: 'hevc_nvenc', codec: 'hevc', ...nvenc },
  { name: 'av1_nvenc', codec: 'av1', ...nvenc },
  { name: 'h264_qsv', codec: 'h264', ...qsv },
  { name: 'hevc_qsv', codec: 'hevc', ...qsv },
  { name: 'av1_qsv', codec: 'av1', ...qsv },
  { name: 'h264_vaapi', codec: 'h264', ...vaapi },
  { name: 'hevc_vaapi', codec: 'hevc', ...vaapi },
  { name: 'av1_vaapi', codec: 'av1', ...vaapi },
  { name: 'h264_videotoolbox', codec: 'h264', ...videotoolbox },
  { name: 'hevc_videotoolbox', codec: 'hevc', ...videotoolbox },
  { name: 'h264_amf', codec: 'h264', ...amf },
  { name: 'hevc_amf', codec: 'hevc', ...amf },
  { name: 'av1_amf', codec: 'av1', ...amf },
  { name: 'libx264', codec: 'h264', ...software },
  { name: 'libx265', codec: 'hevc', ...software },
  { name: 'libsvtav1', codec: 'av1', ...software },
];

/** Names from `ffmpeg -encoders`: lines like " V....D libx264  libx264 H.264 / AVC ..." */
export function parseEncoderList(output: string): Set<string> {
  const names = new Set<string>();
  for (const line of output.split('\n')) {
    const match = /^\s*[VAS][.FSXBD]{5}\s+(\S+)/.exec(line);
    if (match && match[1] !== '=') names.add(match[1]!);
  }
  return names;
}

/**
 * The line of ffmpeg's stderr that says why an encoder failed: its own complaint
 * ("[h264_nvenc @ 0x..] Cannot load libcuda.so.1") when there is one.
 */
export function encoderFailureReason(stderr: string, encoder: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const own = lines.find((l) => l.startsWith(`[${encoder} @`));
  const pick = own ?? lines.find((l) => /error|cannot|failed|no device|not supported|unsupported/i.test(l)) ?? lines.at(-1);
  return (pick ?? 'failed without a message').replace(/^\[[^\]]+ @ 0x[0-9a-f]+\]\s*/, '').slice(0, 300);
}

export function probeArgs(candidate: EncoderCandidate, platform: NodeJS.Platform): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    ...(candidate.inputArgs?.(platform) ?? []),
    '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30',
    '-frames:v', '5',
    ...candidate.outputArgs,
    '-c:v', candidate.name,
    '-f', 'null', '-',
  ];
}

/**
 * Encodes five frames with each candidate that this ffmpeg has compiled in: being
 * listed by `ffmpeg -encoders` says nothing about whether a GPU and driver are there.
 */
export async function probeEncoders(
  ffmpegPath: string,
  processes: ProcessRegistry,
  options: { platform?: NodeJS.Platform; concurrency?: number; candidates?: readonly EncoderCandidate[] } = {},
): Promise<EncoderStatus[]> {
  const platform = options.platform ?? process.platform;
  const list = await processes.run(ffmpegPath, ['-hide_banner', '-encoders'], { label: 'ffmpeg -encoders', timeoutMs: 10_000 });
  const compiled = parseEncoderList(list.stdout);
  const todo = (options.candidates ?? encoderCandidates).filter((c) => compiled.has(c.name));
  const results: EncoderStatus[] = new Array(todo.length);
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const index = next++;
      const candidate = todo[index]!;
      const base = { name: candidate.name, codec: candidate.codec, hardware: candidate.hardware, vendor: candidate.vendor };
      const missing = platform === 'linux' ? await candidate.missingDevice?.() : null;
      if (missing) {
        results[index] = { ...base, works: false, reason: missing, probeMs: 0 };
        continue;
      }
      const run = await processes.run(ffmpegPath, probeArgs(candidate, platform), { label: `probe ${candidate.name}`, timeoutMs: 15_000 });
      const status: EncoderStatus = { ...base, works: run.code === 0, probeMs: Math.round(run.durationMs) };
      if (!status.works) status.reason = run.timedOut ? 'test encode did not finish within 15 s' : encoderFailureReason(run.stderr, candidate.name);
      results[index] = status;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 3, todo.length) }, worker));
  return results;
}
