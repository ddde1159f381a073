// A smart cut: the frames from FROM up to the next keyframe are decoded and encoded
// again (libx264) so the file can start on FROM's own picture; everything after that
// keyframe stays as recorded. The new frames use their own SPS/PPS ids, added to the
// track's avcC next to the original ones, so one sample description serves the whole
// track: players that handle only one (browsers, most hardware decoders) play it, and
// the decoder switches back to the original parameter sets at the next IDR.
import { Problem } from '../contract/problem.js';
import { buildAvcC, forEachNal, h264PpsId, parseAvcC, parseH264Sps } from '../media/codecs/index.js';
import type { VideoTrack } from '../media/frame.js';
import { readFragmentFrames, readInitSegment } from '../formats/fmp4/index.js';
import type { ProcessRegistry } from '../transcode/process-registry.js';

export interface SmartCutInput {
  track: VideoTrack;
  /** The samples of the GOP that holds FROM, in decode order from its keyframe (4-byte NAL lengths). */
  gop: readonly Uint8Array[];
  /** How many of the GOP's pictures, in presentation order, come before FROM (and are left out). */
  skip: number;
  ffmpegPath: string;
  processes: ProcessRegistry;
  signal?: AbortSignal;
}

export interface SmartCutResult {
  /** The track's avcC with the new SPS and PPS added. */
  config: Uint8Array;
  /** gop.length - skip new samples, in presentation (= decode) order; the first is an IDR. */
  frames: { data: Uint8Array; keyframe: boolean }[];
}

const START_CODE = Uint8Array.of(0, 0, 0, 1);
const AUD = Uint8Array.of(0x09, 0xf0);
/** libx264 profiles that can stand in for the recorded one: the same profile_idc. */
const X264_PROFILES = new Map([
  [66, 'baseline'],
  [77, 'main'],
  [100, 'high'],
]);
/** The encode takes the GOP (a few seconds at most); more than this means ffmpeg is stuck. */
const encodeTimeoutMs = 60_000;

/** Whether the track's H.264 can be re-encoded to match (8-bit 4:2:0 Baseline/Main/High); the reason when not. */
export function smartCutProblem(track: VideoTrack): string | null {
  if (track.codec !== 'h264') return 'precise cut supports H.264 only';
  try {
    const avc = parseAvcC(track.config);
    const sps = parseH264Sps(avc.sps[0]!);
    if (!X264_PROFILES.has(sps.profileIdc)) return `precise cut supports H.264 Baseline, Main and High, not ${sps.profile}`;
    if (sps.chromaFormatIdc !== 1 || sps.bitDepth !== 8) return 'precise cut supports 8-bit 4:2:0 H.264 only';
    if (freeParameterSetId(avc) === null) return 'the recording uses every SPS id: no room for the re-encoded frames’ parameter sets';
    return null;
  } catch (error) {
    return `the recording's H.264 configuration does not parse: ${(error as Error).message}`;
  }
}

/** The lowest SPS id (also used as the PPS id, as x264 numbers them) that the recording does not use. */
function freeParameterSetId(avc: ReturnType<typeof parseAvcC>): number | null {
  const used = new Set([...avc.sps.map((s) => parseH264Sps(s).spsId), ...avc.pps.map((p) => h264PpsId(p))]);
  for (let id = 1; id <= 31; id++) if (!used.has(id)) return id;
  return null;
}

/** Re-encodes the GOP's pictures from `skip` on. Throws a Problem ('invalid') for a stream it cannot match, Error when ffmpeg fails. */
export async function smartCut(input: SmartCutInput): Promise<SmartCutResult> {
  const problem = smartCutProblem(input.track);
  if (problem) throw new Problem('invalid', 'Precise cut not possible', problem);
  const avc = parseAvcC(input.track.config);
  const sps = parseH264Sps(avc.sps[0]!);
  const id = freeParameterSetId(avc)!;
  const expected = input.gop.length - input.skip;
  if (expected <= 0) throw new Error('smart cut: nothing to re-encode');

  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-f', 'h264', '-i', 'pipe:0',
    '-map', '0:v:0',
    '-vf', `trim=start_frame=${input.skip},setpts=N/(25*TB)`,
    '-fps_mode', 'passthrough',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '14',
    '-profile:v', X264_PROFILES.get(sps.profileIdc)!,
    ...(sps.level && sps.level !== '1b' ? ['-level', sps.level] : []),
    '-pix_fmt', 'yuv420p',
    '-bf', '0', '-g', '100000', '-keyint_min', '100000', '-sc_threshold', '0',
    // Own parameter set ids, so that both sets can live in one avcC.
    '-x264-params', `sps-id=${id}`,
    '-an', '-f', 'mp4', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', 'pipe:1',
  ];
  const child = input.processes.start(input.ffmpegPath, args, { label: 'export smart cut', stdin: annexB(avc, input.gop), signal: input.signal, timeoutMs: encodeTimeoutMs });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const result = await child.exited;
  if (input.signal?.aborted) throw input.signal.reason instanceof Error ? input.signal.reason : new Error('aborted');
  if (result.code !== 0) throw new Error(`precise cut: ffmpeg failed${result.timedOut ? ' (timed out)' : ''}: ${result.stderr.trim().split('\n').slice(-3).join(' ') || `exit ${result.code ?? result.signal}`}`);
  const out = new Uint8Array(Buffer.concat(chunks));
  const init = readInitSegment(out);
  const video = init.tracks.find((t): t is VideoTrack => t.kind === 'video');
  if (!video) throw new Error('precise cut: ffmpeg wrote no video');
  const frames = readFragmentFrames(out, init.sampleDefaults).filter((f) => f.trackId === video.id);
  if (frames.length !== expected) throw new Error(`precise cut: ffmpeg returned ${frames.length} pictures where ${expected} were expected`);
  const fresh = parseAvcC(video.config);
  if (fresh.sps.some((s) => parseH264Sps(s).spsId !== id) || fresh.pps.some((p) => h264PpsId(p) !== id)) {
    throw new Error(`precise cut: libx264 did not number its parameter sets ${id} (sps-id unsupported?)`);
  }
  return {
    config: buildAvcC([...avc.sps, ...fresh.sps], [...avc.pps, ...fresh.pps]),
    frames: frames.map((f) => ({ data: f.data, keyframe: f.keyframe })),
  };
}

/** The GOP as an H.264 Annex B stream: parameter sets first, an AUD before each picture. */
function annexB(avc: ReturnType<typeof parseAvcC>, gop: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const set of [...avc.sps, ...avc.pps]) parts.push(START_CODE, set);
  for (const sample of gop) {
    parts.push(START_CODE, AUD);
    forEachNal(sample, avc.lengthSize, (nal) => parts.push(START_CODE, nal));
  }
  return Buffer.concat(parts);
}
