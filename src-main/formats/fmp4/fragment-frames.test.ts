// Media segments back to frames: our writer's segments round-trip, ffmpeg's fragments
// match ffprobe's packets, and damage is only ever an Fmp4ParseError.
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../media/frame.js';
import { ffmpeg } from '../../media/codecs/testing/media-fixtures.js';
import { lavfiInputs } from '../../test-support/ffmpeg-tools.js';
import { fuzzParser } from '../../media/codecs/testing/bytes.js';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { recordWithSegmentRecorder, type Recording } from '../../test-support/segment-recording.js';
import { Fmp4ParseError, readFragmentFrames, readInitSegment } from './index.js';
import { probe, tsSource, type MediaSource } from './testing/sources.js';

let dir: string;
let cleanup: () => Promise<void>;
let source: MediaSource;
let ffmpegFile: string;
/** The source as the DVR's SegmentRecorder cut and wrote it, 1 s segments. */
let recording: Recording;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('framehouse-fragment-frames-'));
  [source, ffmpegFile] = await Promise.all([
    tsSource(dir, 'h264.ts', [...lavfiInputs({ size: '640x360', rate: 30, seconds: 3, audioRate: 48000 }), '-c:v', 'libx264', '-bf', '2', '-g', '30', '-c:a', 'aac', '-ac', '2']),
    ffmpeg(dir, 'fragmented.mp4', [
      ...lavfiInputs({ size: '426x240', rate: 25, seconds: 3, audioRate: 44100 }),
      ...['-c:v', 'libx264', '-bf', '2', '-g', '25', '-c:a', 'aac', '-ac', '2', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4'],
    ]),
  ]);
  recording = await recordWithSegmentRecorder(dir, source.tracks, source.frames, 1000);
}, 60_000);
afterAll(() => cleanup());

const digest = (frames: readonly Frame[]) =>
  frames.map((f) => `${f.trackId} ${f.dts} ${f.pts} ${f.keyframe ? 'K' : '-'} ${Buffer.from(f.data).toString('hex')}`);
const byTrack = (frames: readonly Frame[], trackId: number) => frames.filter((f) => f.trackId === trackId);

describe('readFragmentFrames', () => {
  it('reads back every sample the recorder wrote: times, key flags and payloads, as views into the segment', () => {
    expect(recording.segments.length).toBeGreaterThanOrEqual(3);
    for (const { bytes, samples } of recording.segments) {
      const frames = readFragmentFrames(bytes);
      // One traf per track, in track order: frames come track by track.
      expect(frames.map((f) => f.trackId)).toEqual([...samples.map((f) => f.trackId)].sort((a, b) => a - b));
      for (const track of source.tracks) expect(digest(byTrack(frames, track.id))).toEqual(digest(byTrack(samples, track.id)));
      for (const frame of frames) expect(frame.data.buffer).toBe(bytes.buffer);
    }
  });

  it("reads every moof+mdat pair of ffmpeg's fragmented MP4 as ffprobe lists the packets (times, sizes, key flags)", async () => {
    const bytes = new Uint8Array(await fs.readFile(ffmpegFile));
    const { tracks, sampleDefaults } = readInitSegment(bytes);
    const frames = readFragmentFrames(bytes, sampleDefaults);
    const probed = await probe(ffmpegFile, { containerOnly: true });
    for (const track of tracks) {
      const ours = byTrack(frames, track.id);
      const packets = probed.packets.filter((p) => p.stream_index === track.id);
      expect(ours.length).toBe(packets.length);
      // ffprobe applies the edit list (the B-frame delay): a constant shift, the same for pts and dts.
      const shift = packets[0]!.dts - ours[0]!.dts;
      expect(ours.map((f) => ({ dts: f.dts + shift, pts: f.pts + shift, size: String(f.data.length), key: track.kind === 'audio' || f.keyframe }))).toEqual(
        packets.map((p) => ({ dts: p.dts, pts: p.pts, size: p.size, key: p.flags.includes('K') })),
      );
    }
    expect(frames.filter((f) => f.trackId === 0 && f.keyframe).length).toBeGreaterThanOrEqual(3);
  });

  it('throws only Fmp4ParseError for init segments, cut segments and damaged copies', () => {
    const segment = recording.segments[0]!.bytes;
    expect(() => readFragmentFrames(new Uint8Array(0))).toThrow(/no moof/);
    for (let cut = 1; cut < segment.length; cut += 97) expect(() => readFragmentFrames(segment.subarray(0, cut))).toThrow(Fmp4ParseError);
    fuzzParser([segment], readFragmentFrames, Fmp4ParseError, 500, 0xf4a);
  });
});
