import type { Frame, VideoTrack } from '../media/index.js';
import { forEachNal, parseAvcC, parseHvcC } from '../media/codecs/index.js';
import type { ProcessRegistry } from '../transcode/index.js';

const startCode = Uint8Array.of(0, 0, 0, 1);

/** One decodable elementary-stream picture: the parameter sets, then the keyframe's NAL units, in Annex B. */
export function keyframeAnnexB(track: VideoTrack, frame: Frame): Uint8Array {
  const parts: Uint8Array[] = [];
  if (track.codec === 'h264') {
    const avcc = parseAvcC(track.config);
    parts.push(...avcc.sps, ...avcc.pps);
  } else if (track.codec === 'hevc') {
    const hvcc = parseHvcC(track.config);
    parts.push(...hvcc.vps, ...hvcc.sps, ...hvcc.pps);
  }
  forEachNal(frame.data, 4, (nal) => parts.push(nal));
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
  let o = 0;
  for (const part of parts) {
    out.set(startCode, o);
    out.set(part, o + 4);
    o += 4 + part.length;
  }
  return out;
}

/** AV1: the sequence header from av1C's configOBUs, then the frame's OBUs (low-overhead format). */
function av1TemporalUnit(track: VideoTrack, frame: Frame): Uint8Array {
  const configObus = track.config.subarray(4);
  const out = new Uint8Array(configObus.length + frame.data.length);
  out.set(configObus, 0);
  out.set(frame.data, configObus.length);
  return out;
}

const demuxerFor = { h264: 'h264', hevc: 'hevc', av1: 'obu' } as const;

/** Decodes one keyframe to a JPEG at most 640 pixels wide. */
export async function renderKeyframeJpeg(ffmpeg: string, processes: ProcessRegistry, track: VideoTrack, frame: Frame): Promise<Uint8Array> {
  const input = track.codec === 'av1' ? av1TemporalUnit(track, frame) : keyframeAnnexB(track, frame);
  const child = processes.start(
    ffmpeg,
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', demuxerFor[track.codec], '-i', 'pipe:0', '-frames:v', '1', '-vf', "scale='min(640,iw)':-2", '-q:v', '4', '-f', 'image2pipe', '-c:v', 'mjpeg', 'pipe:1'],
    { label: 'preview', timeoutMs: 10_000, keepBytes: 4096, stdin: input },
  );
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  const result = await child.exited;
  const jpeg = Buffer.concat(chunks);
  if (result.code !== 0 || jpeg.length === 0) throw new Error(`preview decode failed: ${result.stderr.trim().split('\n').at(-1) ?? `exit ${result.code}`}`);
  return jpeg;
}
