// Makes one VOD segment: ffmpeg decodes/encodes (or copies) a little more than the
// segment, the studio's own MPEG-TS demuxer reads it, exactly the segment's frames are
// kept (audio on the file-wide frame grid, copied video from keyframe to keyframe), and
// the studio's muxer writes them with their times unchanged, so consecutive segments
// join without a gap, an overlap or a timestamp jump.
import type { Frame, Track } from '../media/frame.js';
import { TsDemuxer, TsMuxer } from '../formats/mpegts/index.js';
import { buildMediaSegment, Fmp4ParseError, lastDurationsBefore, readFragmentFrames, readInitSegment } from '../formats/fmp4/index.js';
import { Problem } from '../contract/problem.js';
import type { ProcessRegistry } from '../transcode/process-registry.js';
import { outputOffsetSeconds, segmentCommand, type KeepWindow, type SegmentSpec } from './segment-command.js';

/** A segment's ffmpeg may take this long; a stuck one is stopped. */
const segmentTimeoutMs = 60_000;
/** Output bigger than this is not a segment of a sane file (a 4 s segment at 200 Mbit/s is 100 MB). */
const maxSegmentBytes = 256 << 20;

export interface MadeSegment {
  bytes: Buffer;
  /** The tracks as ffmpeg wrote them: an fMP4 variant's init segment is built from these. */
  tracks: Track[];
  frames: { video: number; audio: number };
  ms: number;
}

/** Which of the demuxed frames belong to the segment, in order. */
export function keptFrames(tracks: readonly Track[], frames: readonly Frame[], keep: KeepWindow, startTime: number): Frame[] {
  const zero = startTime + outputOffsetSeconds;
  const position = (f: Frame) => f.pts / tracks[f.trackId]!.timescale - zero;
  const half = (t: Track) => (t.kind === 'audio' ? 512 / t.sampleRate : 0);
  const out: Frame[] = [];
  let videoOn = keep.video === null;
  let videoDone = false;
  for (const f of frames) {
    const track = tracks[f.trackId];
    if (!track) continue;
    const at = position(f);
    if (track.kind === 'audio') {
      // Half a frame of slack: resampling may put a frame a sample off the grid.
      if (at >= keep.audio.from - half(track) && at < keep.audio.to - half(track)) out.push(f);
      continue;
    }
    if (keep.video === null) {
      out.push(f);
      continue;
    }
    if (videoDone) continue;
    if (f.keyframe && at >= keep.video.to - 0.001) {
      videoDone = true;
      continue;
    }
    if (!videoOn && f.keyframe && at >= keep.video.from - 0.001) videoOn = true;
    if (videoOn) out.push(f);
  }
  return out;
}

export async function makeSegment(processes: ProcessRegistry, ffmpegPath: string, spec: SegmentSpec & { startTime: number; sequence: number }, options: { signal?: AbortSignal; niceness?: number } = {}): Promise<MadeSegment> {
  const started = performance.now();
  const { args, keep, container } = segmentCommand(spec);
  let tracks: Track[] = [];
  let frames: Frame[] = [];
  let received = 0;
  const output: Buffer[] = [];
  const demuxer = container === 'ts' ? new TsDemuxer({ onTracks: (t) => (tracks = t), onFrame: (f) => frames.push(f), onError: () => undefined }) : null;
  const child = processes.start(ffmpegPath, args, { label: `vod segment ${spec.variant.name}`, timeoutMs: segmentTimeoutMs, ...options });
  child.stdout.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxSegmentBytes) child.stop();
    else if (demuxer) demuxer.push(chunk, 0);
    else output.push(chunk);
  });
  const result = await child.exited;
  demuxer?.end();
  if (result.code !== 0) {
    const reason = result.timedOut ? `took longer than ${segmentTimeoutMs / 1000} s` : received > maxSegmentBytes ? 'wrote more than 256 MB' : result.stderr.trim().split('\n').at(-1) || `exit ${result.code ?? result.signal}`;
    throw new Problem('unavailable', 'Segment not made', `ffmpeg (${spec.encoder}): ${reason}`);
  }
  if (!demuxer) ({ tracks, frames } = readFragmented(Buffer.concat(output)));
  const kept = keptFrames(tracks, frames, keep, spec.startTime);
  if (kept.length === 0) throw new Problem('not-found', 'Empty segment', 'ffmpeg found nothing to play in this part of the file');
  const count = (kind: Track['kind']) => kept.filter((f) => tracks[f.trackId]?.kind === kind).length;
  const made = { tracks, frames: { video: count('video'), audio: count('audio') } };
  if (container === 'fmp4') {
    // The picture's last duration is the gap to the keyframe the next segment starts with.
    const lastKept = kept.findLast((f) => tracks[f.trackId]?.kind === 'video');
    const next = lastKept ? (frames.find((f) => f.trackId === lastKept.trackId && f.dts > lastKept.dts) ?? null) : null;
    const segment = buildMediaSegment({ sequenceNumber: spec.sequence, tracks, samples: kept, lastDurations: lastDurationsBefore(kept, next) });
    return { ...made, bytes: Buffer.from(segment.bytes.buffer, segment.bytes.byteOffset, segment.bytes.byteLength), ms: performance.now() - started };
  }
  const muxer = new TsMuxer(tracks, { sourceTime: true, startTicks: 0 });
  const chunks = kept.map((f) => muxer.mux(f));
  return { ...made, bytes: Buffer.concat(chunks), ms: performance.now() - started };
}

/** ffmpeg's fragmented MP4 as tracks and frames (by track, in decode order); a Problem when it is not one. */
function readFragmented(bytes: Buffer): { tracks: Track[]; frames: Frame[] } {
  try {
    const init = readInitSegment(bytes);
    // ffmpeg writes tracks in its -map order, numbered from 1: the ids the frames refer to are their index.
    if (init.tracks.some((t, i) => t.id !== i)) throw new Fmp4ParseError('tracks not numbered 1, 2 …');
    return { tracks: init.tracks, frames: readFragmentFrames(bytes, init.sampleDefaults) };
  } catch (error) {
    if (error instanceof Fmp4ParseError) throw new Problem('unavailable', 'Segment not made', `ffmpeg's MP4 output could not be read: ${error.message}`);
    throw error;
  }
}
