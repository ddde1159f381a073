// A short fuzz run in the test suite: the same engine, targets and seeds as `npm run fuzz`,
// with a fixed seed so a failure here is the same failure on every machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../test-support/temp-dir.js';
import { TsDemuxer } from '../formats/mpegts/index.js';
import { readFragmentSummary, readInitSegment } from '../formats/fmp4/index.js';
import { parsePacket } from '../ingest/srt/srt-packet.js';
import { fuzz, inputFor, type FuzzTarget } from './fuzz-engine.js';
import { makeSeeds } from './fuzz-seeds.js';
import { fuzzTargets, targetNames, type FuzzSeeds } from './fuzz-targets.js';

const inputsPerTarget = 5000;
const runSeed = 20_261_206;

let seeds: FuzzSeeds;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const dir = await makeTempDir();
  cleanup = dir.cleanup;
  seeds = await makeSeeds(dir.dir);
}, 60_000);

afterAll(async () => {
  await cleanup?.();
});

describe('fuzz engine', () => {
  const seedsOf = [Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)];

  it('makes the same input again from its index, and mutates most of them', () => {
    const a = inputFor(seedsOf, 5, 1234).input;
    expect(inputFor(seedsOf, 5, 1234).input).toEqual(a);
    const changed = Array.from({ length: 200 }, (_, i) => inputFor(seedsOf, 5, i).input).filter((x) => x.join() !== seedsOf[0]!.join());
    expect(changed.length).toBeGreaterThan(150);
  });

  it('reports a foreign exception as a crash and a slow input as a hang, each with its input', async () => {
    const target: FuzzTarget = {
      name: 'synthetic',
      about: 'throws a TypeError for short inputs, spins for inputs starting with 0',
      seeds: seedsOf,
      run(input) {
        if (input.length < 4) throw new TypeError('short input');
        if (input[0] === 0) for (const until = performance.now() + 30; performance.now() < until; );
      },
    };
    const report = await fuzz(target, { iterations: 1000, seed: 1, hangMs: 20 });
    expect(report.crashes).toBeGreaterThan(0);
    expect(report.hangs).toBeGreaterThan(0);
    const crash = report.findings.find((f) => f.kind === 'crash')!;
    expect(crash.message).toBe('TypeError: short input');
    expect(crash.input.length).toBeLessThan(4);
    expect(report.findings.find((f) => f.kind === 'hang')!.input[0]).toBe(0);
  });
});

describe('fuzz seeds', () => {
  it('are real captures the parsers take whole', () => {
    // Each target starts from input its parser accepts, so mutations land deep inside it.
    for (const init of seeds.fmp4Init) expect(readInitSegment(init).tracks.length).toBeGreaterThan(0);
    for (const fragment of seeds.fmp4Fragment) expect(readFragmentSummary(fragment).tracks.length).toBeGreaterThan(0);
    let frames = 0;
    const demuxer = new TsDemuxer({ onTracks: () => undefined, onFrame: () => frames++, onError: () => undefined });
    demuxer.push(seeds.mpegts[0]!, 0);
    demuxer.end();
    expect(frames).toBeGreaterThan(3);
    const packets = seeds.srt.map((d) => parsePacket(d));
    expect(packets.some((p) => p?.control && p.type === 0)).toBe(true); // handshakes
    expect(packets.filter((p) => p && !p.control).length).toBeGreaterThan(5); // data
    expect(seeds.rtmp[0]!.length).toBeGreaterThan(1000);
    expect(seeds.amf0.length).toBeGreaterThan(3);
  });
});

describe(`fuzzing, ${inputsPerTarget} inputs per target (seed ${runSeed}): only the parsers' own errors, nothing over 1 s`, () => {
  for (const name of targetNames) {
    it(name, async () => {
      const report = await fuzz(fuzzTargets(seeds)[name], { iterations: inputsPerTarget, seed: runSeed });
      const found = report.findings.map((f) => `${f.kind} at input ${f.index}: ${f.message}\n${f.stack ?? ''}`);
      expect(found).toEqual([]);
      expect(report).toMatchObject({ inputs: inputsPerTarget, crashes: 0, hangs: 0 });
    }, 60_000);
  }
});
