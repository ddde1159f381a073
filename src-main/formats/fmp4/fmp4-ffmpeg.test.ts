// The writer against the real tools: ffmpeg encodes, our demuxers take it apart, we
// write CMAF, and ffprobe/ffmpeg must read back every packet as it went in.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Track } from '../../media/frame.js';
import { lavfiInputs } from '../../media/codecs/testing/media-fixtures.js';
import { mutate, seededRandom } from '../../media/codecs/testing/bytes.js';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { buildInitSegment, buildMediaSegment, Fmp4ParseError, readFragmentSummary, type MediaSegment } from './index.js';
import { av1Source, cutAtKeyframes, decodeErrors, decodedFrameCounts, probe, tsSource, type MediaSource, type ProbedFile, type SegmentPlan } from './testing/sources.js';

let dir: string;
let cleanup: () => Promise<void>;

interface Recording {
  source: MediaSource;
  init: Uint8Array;
  plans: SegmentPlan[];
  segments: MediaSegment[];
  /** init + every segment */
  file: string;
  /** init + segment k, for each k */
  segmentFiles: string[];
}

const sources = {
  'H.264 High, B-frames + AAC-LC 48 kHz stereo': () =>
    tsSource(dir, 'h264.ts', [...lavfiInputs({ size: '640x360', rate: 30, seconds: 4, audioRate: 48000 }), '-c:v', 'libx264', '-bf', '2', '-g', '30', '-c:a', 'aac', '-ac', '2']),
  'HEVC Main 10, B-frames + AAC-LC 44.1 kHz mono': () =>
    tsSource(dir, 'hevc.ts', [
      ...lavfiInputs({ size: '854x480', rate: 25, seconds: 3, audioRate: 44100 }),
      ...['-c:v', 'libx265', '-pix_fmt', 'yuv420p10le', '-x265-params', 'log-level=error:keyint=25:open-gop=0', '-c:a', 'aac', '-ac', '1'],
    ]),
  'AV1 (SVT-AV1)': () => av1Source(dir, lavfiInputs({ size: '320x240', rate: 25, seconds: 3 })),
};
type SourceName = keyof typeof sources;
const recordings = new Map<SourceName, Recording>();

async function record(name: SourceName, source: MediaSource): Promise<Recording> {
  const init = buildInitSegment(source.tracks);
  const plans = cutAtKeyframes(source.tracks, source.frames, 1);
  const segments = plans.map((plan, k) => buildMediaSegment({ sequenceNumber: k + 1, tracks: source.tracks, ...plan }));
  const base = path.join(dir, name.replace(/[^a-z0-9]+/gi, '-'));
  const file = `${base}.mp4`;
  await fs.writeFile(file, Buffer.concat([init, ...segments.map((s) => s.bytes)]));
  const segmentFiles = await Promise.all(
    segments.map(async (s, k) => {
      const one = `${base}-${k}.mp4`;
      await fs.writeFile(one, Buffer.concat([init, s.bytes]));
      return one;
    }),
  );
  return { source, init, plans, segments, file, segmentFiles };
}

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('framehouse-fmp4-'));
  await Promise.all(
    (Object.keys(sources) as SourceName[]).map(async (name) => {
      recordings.set(name, await record(name, await sources[name]()));
    }),
  );
}, 120_000);
afterAll(() => cleanup());

const streamFields = (s: ProbedFile['streams'][number]) => ({ codec_name: s.codec_name, profile: s.profile, width: s.width, height: s.height, sample_rate: s.sample_rate, channels: s.channels });
const isSync = (track: Track, f: Frame) => track.kind === 'audio' || f.keyframe;
const timesOf = (frames: readonly Frame[], track: Track) => frames.filter((f) => f.trackId === track.id).map((f) => ({ dts: f.dts, pts: f.pts, key: isSync(track, f) }));
const packetsOf = (probed: ProbedFile, streamIndex: number) =>
  probed.packets.filter((p) => p.stream_index === streamIndex).map((p) => ({ dts: p.dts, pts: p.pts, key: p.flags.includes('K') }));

describe.each(Object.keys(sources) as SourceName[])('%s → CMAF', (name) => {
  const rec = () => recordings.get(name)!;

  it('cuts the source into several keyframe-led segments', () => {
    const { plans, source } = rec();
    expect(plans.length).toBeGreaterThanOrEqual(3);
    expect(plans.flatMap((p) => p.samples)).toHaveLength(source.frames.length);
    const video = source.tracks.find((t) => t.kind === 'video')!;
    for (const plan of plans) expect(plan.samples.find((f) => f.trackId === video.id)!.keyframe).toBe(true);
  });

  it('ffprobe reads init + all segments: streams as the source, every packet time and key flag as written', async () => {
    const { file, source, plans } = rec();
    const [ours, container, original] = await Promise.all([probe(file), probe(file, { containerOnly: true }), probe(source.file)]);
    expect(ours.streams).toHaveLength(source.tracks.length);
    const written = plans.flatMap((p) => p.samples);
    source.tracks.forEach((track, i) => {
      const stream = ours.streams[i]!;
      expect(streamFields(stream)).toEqual(streamFields(original.streams.find((s) => s.codec_type === track.kind)!));
      expect(stream.time_base).toBe(`1/${track.timescale}`); // so packet times compare in ticks, unconverted
      // As players get them (codec parsers on), and as the moof says them (key flags from trun's sample_flags).
      for (const probed of [ours, container]) expect(packetsOf(probed, i)).toEqual(timesOf(written, track));
      expect(ours.packets.filter((p) => p.stream_index === i).map((p) => Number(p.size))).toEqual(written.filter((f) => f.trackId === track.id).map((f) => f.data.length));
    });
  });

  it('ffmpeg decodes every frame without an error, as many as from the source', async () => {
    const { file, source } = rec();
    expect(await decodeErrors(file)).toBe('');
    const [ours, original] = await Promise.all([decodedFrameCounts(file), decodedFrameCounts(source.file)]);
    expect(ours.map((s) => s.kind)).toEqual(source.tracks.map((t) => t.kind));
    expect(ours.every((s) => s.frames > 0)).toBe(true);
    expect(ours).toEqual(expect.arrayContaining(original));
    expect(ours).toHaveLength(original.length);
  });

  it('each segment alone with the init probes and decodes: tfdt places it, no frame needs another segment', async () => {
    const { segmentFiles, plans, source } = rec();
    for (const [k, file] of segmentFiles.entries()) {
      const plan = plans[k]!;
      const [probed, container, counts] = await Promise.all([probe(file), probe(file, { containerOnly: true }), decodedFrameCounts(file)]);
      source.tracks.forEach((track, i) => {
        for (const p of [probed, container]) expect(packetsOf(p, i)).toEqual(timesOf(plan.samples, track));
        const packets = probed.packets.filter((p) => p.stream_index === i);
        expect(packets[0]!.dts).toBe(plan.baseDecodeTimes.get(track.id));
        expect(counts[i]!.frames, `segment ${k} ${track.kind} frames decoded`).toBe(packets.length);
      });
      expect(await decodeErrors(file), `segment ${k}`).toBe('');
    }
  });

  it('readFragmentSummary reads back what each segment says, and the segments follow on without gaps', () => {
    const { segments, plans, source } = rec();
    segments.forEach((segment, k) => {
      expect(readFragmentSummary(segment.bytes)).toEqual({ sequenceNumber: k + 1, tracks: segment.tracks });
      expect(segment.tracks.map((t) => t.trackId)).toEqual(source.tracks.map((t) => t.id));
      for (const t of segment.tracks) {
        const own = plans[k]!.samples.filter((f) => f.trackId === t.trackId);
        expect(t).toMatchObject({ baseDecodeTime: own[0]!.dts, sampleCount: own.length, firstSampleIsSync: true });
        const next = segments[k + 1]?.tracks.find((n) => n.trackId === t.trackId);
        if (next) expect(t.baseDecodeTime + t.duration).toBe(next.baseDecodeTime);
      }
    });
  });

  it('payloadOffsets point at each sample payload in the segment bytes', () => {
    const { segments, plans } = rec();
    segments.forEach((segment, k) => {
      plans[k]!.samples.forEach((f, i) => {
        const at = segment.payloadOffsets[i]!;
        expect(Buffer.from(segment.bytes.subarray(at, at + f.data.length)).equals(f.data)).toBe(true);
      });
    });
  });
});

describe('readFragmentSummary on damaged real segments', () => {
  it('throws only Fmp4ParseError on truncated, bit-flipped and overwritten copies (bounded to ~1.5 s)', () => {
    const segments = [...recordings.values()].flatMap((r) => r.segments.map((s) => s.bytes));
    const random = seededRandom(0x5e9);
    const deadline = performance.now() + 1500;
    let rounds = 0;
    let truncations = 0;
    while (performance.now() < deadline) {
      const original = segments[rounds % segments.length]!;
      rounds++;
      // Any cut is a segment a crash left half-written: it must be refused, never summarized.
      const cut = original.subarray(0, Math.floor(random() * original.length));
      expect(() => readFragmentSummary(cut)).toThrow(Fmp4ParseError);
      truncations++;
      // Damage where the parser looks hardest: bit flips inside styp + moof, keeping the mdat.
      const damaged = original.slice();
      const headerEnd = headerLength(original);
      for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) damaged[Math.floor(random() * headerEnd)]! ^= 1 << Math.floor(random() * 8);
      for (const input of [damaged, mutate(original, random)]) {
        try {
          readFragmentSummary(input);
        } catch (error) {
          if (!(error instanceof Fmp4ParseError)) throw new Error(`round ${rounds}: ${String(error)}`, { cause: error });
        }
      }
    }
    console.log(`readFragmentSummary fuzz: ${rounds} rounds (${truncations} truncations, ${rounds * 2} damaged copies) in 1.5 s`);
    expect(rounds).toBeGreaterThan(50);
  });
});

/** Bytes before the mdat's payload: styp + moof + mdat header. */
function headerLength(segment: Uint8Array): number {
  const view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength);
  let at = 0;
  while (at + 8 <= segment.length && String.fromCharCode(...segment.subarray(at + 4, at + 8)) !== 'mdat') at += view.getUint32(at);
  return at + 8;
}
