// The DVR's archive budget: a 2 s segment of a 2 Mbit/s stream may add at most 3% to its payload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lavfiInputs } from '../../test-support/ffmpeg-tools.js';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { recordWithSegmentRecorder, type RecordedSegment } from '../../test-support/segment-recording.js';
import type { Track } from '../../media/index.js';
import { buildMediaSegment, lastDurationsBefore, readFragmentSummary } from './index.js';
import { tsSource } from './testing/sources.js';

/** The one 2 s segment the DVR's SegmentRecorder wrote from the source. */
let segment: RecordedSegment;
let tracks: readonly Track[];
let cleanup: () => Promise<void>;

beforeAll(async () => {
  let dir: string;
  ({ dir, cleanup } = await makeTempDir('framehouse-fmp4-overhead-'));
  // Noise keeps x264 at the rate asked for (a test pattern alone compresses far below it); one 2 s GOP at 30 fps.
  const source = await tsSource(dir, 'overhead.ts', [
    ...lavfiInputs({ size: '1280x720', rate: 30, seconds: 2, audioRate: 48000 }),
    ...['-vf', 'noise=alls=12:allf=t', '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '2', '-g', '60', '-b:v', '1900k', '-maxrate', '1900k', '-bufsize', '1900k'],
    ...['-c:a', 'aac', '-b:a', '128k', '-ac', '2'],
  ]);
  // A target longer than the source: the whole GOP is one segment, cut when the source ends.
  const recording = await recordWithSegmentRecorder(dir, source.tracks, source.frames, 10_000);
  if (recording.segments.length !== 1) throw new Error(`expected one segment, the recorder wrote ${recording.segments.length}`);
  segment = recording.segments[0]!;
  tracks = source.tracks;
}, 60_000);
afterAll(() => cleanup());

describe('media segment size', () => {
  it('adds under 3% to the payload of a 2 s, 2 Mbit/s segment', () => {
    const { bytes, samples } = segment;
    const payload = samples.reduce((sum, f) => sum + f.data.length, 0);
    const seconds = readFragmentSummary(bytes).tracks[0]!.duration / tracks[0]!.timescale;
    const mbits = (payload * 8) / seconds / 1e6;
    const overhead = (bytes.length - payload) / payload;
    console.log(
      `fMP4 overhead: ${bytes.length - payload} bytes of boxes on ${payload} payload bytes (${samples.length} samples, ${seconds.toFixed(2)} s at ${mbits.toFixed(2)} Mbit/s) = ${(overhead * 100).toFixed(3)}%`,
    );
    expect(seconds).toBeCloseTo(2, 1);
    expect(mbits).toBeGreaterThan(1.6); // the case the budget is about, not a lighter one
    expect(overhead).toBeLessThan(0.03);
  });

  // Its speed is measured by the DVR benchmark (npm run bench -- dvr), not here: a test on shared cores can only say it ran.
  it('builds the same bytes again from the same frames: nothing carried over between calls', () => {
    const input = { sequenceNumber: 1, tracks, samples: segment.samples, lastDurations: lastDurationsBefore(segment.samples, null) };
    const first = buildMediaSegment(input).bytes;
    expect(Buffer.from(first).equals(Buffer.from(segment.bytes))).toBe(true); // what the recorder wrote
    for (let i = 0; i < 20; i++) expect(Buffer.from(buildMediaSegment(input).bytes).equals(Buffer.from(first))).toBe(true);
  });
});
