// The DVR's archive budget: a 2 s segment of a 2 Mbit/s stream may add at most 3% to its payload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lavfiInputs } from '../../media/codecs/testing/media-fixtures.js';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { buildMediaSegment, readFragmentSummary, type MediaSegmentInput } from './index.js';
import { cutAtKeyframes, tsSource } from './testing/sources.js';

let input: MediaSegmentInput;
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
  const [plan] = cutAtKeyframes(source.tracks, source.frames, 10);
  input = { sequenceNumber: 1, tracks: source.tracks, ...plan! };
}, 60_000);
afterAll(() => cleanup());

describe('media segment size and speed', () => {
  it('adds under 3% to the payload of a 2 s, 2 Mbit/s segment', () => {
    const { bytes } = buildMediaSegment(input);
    const payload = input.samples.reduce((sum, f) => sum + f.data.length, 0);
    const seconds = readFragmentSummary(bytes).tracks[0]!.duration / input.tracks[0]!.timescale;
    const mbits = (payload * 8) / seconds / 1e6;
    const overhead = (bytes.length - payload) / payload;
    console.log(
      `fMP4 overhead: ${bytes.length - payload} bytes of boxes on ${payload} payload bytes (${input.samples.length} samples, ${seconds.toFixed(2)} s at ${mbits.toFixed(2)} Mbit/s) = ${(overhead * 100).toFixed(3)}%`,
    );
    expect(seconds).toBeCloseTo(2, 1);
    expect(mbits).toBeGreaterThan(1.6); // the case the budget is about, not a lighter one
    expect(overhead).toBeLessThan(0.03);
  });

  it('micro-benchmark: buildMediaSegment throughput (printed, not asserted)', () => {
    const size = buildMediaSegment(input).bytes.length;
    for (let i = 0; i < 20; i++) buildMediaSegment(input); // warm-up
    let calls = 0;
    const started = performance.now();
    while (performance.now() - started < 300) {
      buildMediaSegment(input);
      calls++;
    }
    const ms = performance.now() - started;
    console.log(`buildMediaSegment: ${calls} × ${(size / 1e6).toFixed(2)} MB in ${ms.toFixed(0)} ms = ${((calls * size) / 1e6 / (ms / 1000)).toFixed(0)} MB/s, ${(ms / calls).toFixed(3)} ms per 2 s segment`);
    expect(calls).toBeGreaterThan(0);
  });
});
