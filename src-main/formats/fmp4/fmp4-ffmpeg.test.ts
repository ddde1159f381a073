// The writer against the real tools: ffmpeg encodes, our demuxers take it apart, the
// DVR's SegmentRecorder cuts and writes CMAF, and ffprobe/ffmpeg must read back every
// packet as it went in.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Track } from '../../media/frame.js';
import { mutate, seededRandom } from '../../media/codecs/testing/bytes.js';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { recordWithSegmentRecorder, type Recording as RecorderOutput } from '../../test-support/segment-recording.js';
import { buildInitSegment, buildMediaSegment, Fmp4ParseError, lastDurationsBefore, readFragmentSummary } from './index.js';
import { decodeErrors, lavfiInputs } from '../../test-support/ffmpeg-tools.js';
import { av1Source, decodedFrameCounts, probe, tsSource, type MediaSource, type ProbedFile } from './testing/sources.js';

let dir: string;
let cleanup: () => Promise<void>;

/** The recorder's segment target in these tests: short, so a few seconds of source make several segments. */
const targetMs = 1000;

interface Recording extends RecorderOutput {
  source: MediaSource;
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
  const folder = path.join(dir, name.replace(/[^a-z0-9]+/gi, '-'));
  await fs.mkdir(folder);
  return { source, ...(await recordWithSegmentRecorder(folder, source.tracks, source.frames, targetMs)) };
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

  it('the recorder cuts the source into several segments, each led by a keyframe and cut at the first one after the target', () => {
    const { segments, source, kept, dropped, init } = rec();
    expect(init).toEqual(buildInitSegment(source.tracks));
    expect(segments.length).toBeGreaterThanOrEqual(3);
    const video = source.tracks.find((t) => t.kind === 'video')!;
    // Nothing lost between segments: every frame from the first keyframe on, each once, in order.
    expect(segments.flatMap((s) => s.samples)).toEqual(kept);
    // Only audio can come before the first video keyframe, and only a little (the muxer's interleaving).
    expect(dropped.filter((f) => f.trackId === video.id)).toEqual([]);
    expect(dropped.length).toBeLessThan(10);
    const ms = (f: Frame) => (f.dts * 1000) / video.timescale;
    segments.forEach(({ samples, record }, k) => {
      const own = samples.filter((f) => f.trackId === video.id);
      expect(own[0]!.keyframe, `segment ${k} starts on a keyframe`).toBe(true);
      expect(record).toMatchObject({ firstKeyframe: true, discontinuity: k === 0 });
      // Inside a segment, no keyframe at or after the target: the cut would have been there.
      for (const f of own.slice(1)) if (f.keyframe) expect(ms(f) - ms(own[0]!), `segment ${k}`).toBeLessThan(targetMs);
      const next = segments[k + 1]?.samples.find((f) => f.trackId === video.id);
      if (next) expect(ms(next) - ms(own[0]!), `segment ${k} reaches the target`).toBeGreaterThanOrEqual(targetMs);
    });
  });

  it('ffprobe reads init + all segments: streams as the source, every packet time and key flag as written', async () => {
    const { file, source, kept } = rec();
    const [ours, container, original] = await Promise.all([probe(file), probe(file, { containerOnly: true }), probe(source.file)]);
    expect(ours.streams).toHaveLength(source.tracks.length);
    const written = kept;
    source.tracks.forEach((track, i) => {
      const stream = ours.streams[i]!;
      expect(streamFields(stream)).toEqual(streamFields(original.streams.find((s) => s.codec_type === track.kind)!));
      expect(stream.time_base).toBe(`1/${track.timescale}`); // so packet times compare in ticks, unconverted
      // As players get them (codec parsers on), and as the moof says them (key flags from trun's sample_flags).
      for (const probed of [ours, container]) expect(packetsOf(probed, i)).toEqual(timesOf(written, track));
      expect(ours.packets.filter((p) => p.stream_index === i).map((p) => Number(p.size))).toEqual(written.filter((f) => f.trackId === track.id).map((f) => f.data.length));
    });
  });

  it('ffmpeg decodes every frame without an error, as many as from the source less those before the first keyframe', async () => {
    const { file, source, dropped } = rec();
    expect(await decodeErrors(file)).toBe('');
    const [ours, original] = await Promise.all([decodedFrameCounts(file), decodedFrameCounts(source.file)]);
    expect(ours.map((s) => s.kind)).toEqual(source.tracks.map((t) => t.kind));
    expect(ours.every((s) => s.frames > 0)).toBe(true);
    const droppedOf = (kind: string) => dropped.filter((f) => source.tracks.find((t) => t.id === f.trackId)!.kind === kind).length;
    expect(ours).toEqual(original.map((s) => ({ kind: s.kind, frames: s.frames - droppedOf(s.kind) })));
  });

  it('each segment alone with the init probes and decodes: tfdt places it, no frame needs another segment', async () => {
    const { segments, source } = rec();
    for (const [k, { file, samples }] of segments.entries()) {
      const [probed, container, counts] = await Promise.all([probe(file), probe(file, { containerOnly: true }), decodedFrameCounts(file)]);
      source.tracks.forEach((track, i) => {
        for (const p of [probed, container]) expect(packetsOf(p, i)).toEqual(timesOf(samples, track));
        const packets = probed.packets.filter((p) => p.stream_index === i);
        expect(packets[0]!.dts).toBe(samples.find((f) => f.trackId === track.id)!.dts);
        expect(counts[i]!.frames, `segment ${k} ${track.kind} frames decoded`).toBe(packets.length);
      });
      expect(await decodeErrors(file), `segment ${k}`).toBe('');
    }
  });

  it('readFragmentSummary reads back what each segment says, and the segments follow on without gaps', () => {
    const { segments, source } = rec();
    segments.forEach(({ bytes, samples }, k) => {
      const summary = readFragmentSummary(bytes);
      expect(summary.sequenceNumber).toBe(k + 1);
      expect(summary.tracks.map((t) => t.trackId)).toEqual(source.tracks.map((t) => t.id));
      for (const t of summary.tracks) {
        const own = samples.filter((f) => f.trackId === t.trackId);
        expect(t).toMatchObject({ baseDecodeTime: own[0]!.dts, sampleCount: own.length, firstSampleIsSync: true });
        const next = segments[k + 1] && readFragmentSummary(segments[k + 1]!.bytes).tracks.find((n) => n.trackId === t.trackId);
        if (!next) continue;
        // The video track cuts: the keyframe that starts the next segment gives its last duration, so it joins exactly.
        // Other tracks' next frame has not arrived when the recorder cuts; their last duration repeats the step before,
        // so they join within the rounding of a frame duration to whole ticks (AAC at 44.1 kHz in 90 kHz ticks: 2089 or 2090).
        const video = source.tracks.find((v) => v.id === t.trackId)!.kind === 'video';
        expect(Math.abs(t.baseDecodeTime + t.duration - next.baseDecodeTime), `segment ${k} track ${t.trackId}`).toBeLessThanOrEqual(video ? 0 : 1);
      }
    });
  });

  it('the recorder wrote what buildMediaSegment builds from those frames, and payloadOffsets point at each sample payload', () => {
    const { segments, source } = rec();
    segments.forEach(({ bytes, samples }, k) => {
      // The frame that started the next segment gives the last duration of its track (the recorder's cut).
      const next = segments[k + 1]?.samples[0] ?? null;
      const built = buildMediaSegment({ sequenceNumber: k + 1, tracks: source.tracks, samples, lastDurations: lastDurationsBefore(samples, next) });
      expect(Buffer.from(built.bytes).equals(Buffer.from(bytes)), `segment ${k}`).toBe(true);
      samples.forEach((f, i) => {
        const at = built.payloadOffsets[i]!;
        expect(Buffer.from(bytes.subarray(at, at + f.data.length)).equals(f.data)).toBe(true);
      });
    });
  });
});

describe('readFragmentSummary on damaged real segments', () => {
  // A fixed number of seeded rounds, not "as many as fit in a time": the same inputs on any machine, so a failure replays.
  const fuzzRounds = 1500;
  it(`throws only Fmp4ParseError on truncated, bit-flipped and overwritten copies (${fuzzRounds} seeded rounds)`, () => {
    const segments = [...recordings.values()].flatMap((r) => r.segments.map((s) => s.bytes));
    const random = seededRandom(0x5e9);
    let rounds = 0;
    let truncations = 0;
    while (rounds < fuzzRounds) {
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
    expect(truncations).toBe(fuzzRounds);
  });
});

/** Bytes before the mdat's payload: styp + moof + mdat header. */
function headerLength(segment: Uint8Array): number {
  const view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength);
  let at = 0;
  while (at + 8 <= segment.length && String.fromCharCode(...segment.subarray(at + 4, at + 8)) !== 'mdat') at += view.getUint32(at);
  return at + 8;
}
