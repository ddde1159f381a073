import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import type { AudioTrack, Frame, VideoTrack } from '../../media/frame.js';
import { forEachNal, parseAudioSpecificConfig, parseAvcC, parseH264Sps, parseHevcSps, parseHvcC } from '../../media/codecs/index.js';
import { seededRandom } from '../../media/codecs/testing/bytes.js';
import { ffmpeg, ffprobe, type Probe } from '../../media/codecs/testing/media-fixtures.js';
import { lavfiInputs, parseRate } from '../../test-support/ffmpeg-tools.js';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { TIMESTAMP_WRAP } from './timeline.js';
import { TsDemuxer } from './ts-demuxer.js';
import { PACKET, demux, filterPackets, frameDigest, packetPid } from './testing/ts-fixtures.js';
import { TsWriter, pesPacket } from './testing/ts-writer.js';

interface Fixture {
  file: string;
  bytes: Uint8Array;
  probe: Probe;
}

let dir: string;
let cleanup: () => Promise<void>;
let h264: Fixture;
let hevc: Fixture;
let small: Fixture;

async function fixture(name: string, args: string[]): Promise<Fixture> {
  const file = await ffmpeg(dir, name, [...args, '-f', 'mpegts']);
  return { file, bytes: new Uint8Array(await fs.readFile(file)), probe: await ffprobe(file) };
}

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('framehouse-mpegts-'));
  [h264, hevc, small] = await Promise.all([
    fixture('h264.ts', [...lavfiInputs({ size: '640x360', rate: 30, seconds: 3, audioRate: 48000 }), '-c:v', 'libx264', '-bf', '2', '-g', '30', '-c:a', 'aac']),
    fixture('hevc.ts', [
      ...lavfiInputs({ size: '854x480', rate: 25, seconds: 2, audioRate: 44100 }),
      ...['-c:v', 'libx265', '-pix_fmt', 'yuv420p10le', '-x265-params', 'log-level=error:keyint=25', '-c:a', 'aac', '-ac', '2'],
    ]),
    fixture('small.ts', [...lavfiInputs({ size: '320x240', rate: 30, seconds: 1, audioRate: 48000 }), '-c:v', 'libx264', '-g', '15', '-c:a', 'aac']),
  ]);
});
afterAll(() => cleanup());

function framesOf(frames: Frame[], trackId: number): Frame[] {
  return frames.filter((f) => f.trackId === trackId);
}

/** Our frames against ffprobe's packets of one stream: count, times, key flags (and sizes for audio, ADTS header removed). */
function expectMatchesProbe(frames: Frame[], probe: Probe, streamIndex: number, kind: 'video' | 'audio'): void {
  const packets = probe.packets.filter((p) => p.stream_index === streamIndex);
  expect(frames.length).toBe(packets.length);
  const rate = Number(probe.streams[streamIndex]!.sample_rate);
  if (kind === 'audio' && (1024 * 90000) % rate !== 0) {
    // The frame duration is not a whole number of ticks (44.1 kHz: 2089.8). We place the
    // k-th frame of a PES at PES pts + round(k × duration); ffmpeg snaps to a grid of
    // durations counted from time 0 (av_add_stable). Both stay within one tick of exact.
    frames.forEach((f, i) => {
      expect(Math.abs(f.pts - packets[i]!.pts!)).toBeLessThanOrEqual(1);
      expect(f.dts).toBe(f.pts);
    });
  } else {
    expect(frames.map((f) => f.pts)).toEqual(packets.map((p) => p.pts));
    expect(frames.map((f) => f.dts)).toEqual(packets.map((p) => p.dts));
  }
  expect(frames.map((f) => f.keyframe)).toEqual(packets.map((p) => p.flags.includes('K')));
  if (kind === 'audio') expect(frames.map((f) => f.data.length)).toEqual(packets.map((p) => Number(p.size) - 7));
}

describe('TsDemuxer against ffprobe', () => {
  it('H.264 with B-frames and AAC 48 kHz: tracks, every frame time and key flag', () => {
    const { trackEvents, frames, errors, stats } = demux(h264.bytes);
    expect(errors).toEqual([]);
    expect(trackEvents).toHaveLength(1);
    const [video, audio] = trackEvents[0]! as [VideoTrack, AudioTrack];
    const [vs, as] = h264.probe.streams;
    expect(video).toMatchObject({ id: 0, kind: 'video', codec: 'h264', timescale: 90000, width: vs!.width, height: vs!.height, profile: vs!.profile, level: '3.0' });
    expect(video.declaredFps).toBe(parseRate(vs!.r_frame_rate));
    expect(parseH264Sps(parseAvcC(video.config).sps[0]!).width).toBe(640);
    expect(audio).toMatchObject({ id: 1, kind: 'audio', codec: 'aac', timescale: 90000, sampleRate: 48000, channels: as!.channels, profile: 'LC' });
    expect(parseAudioSpecificConfig(audio.config)).toMatchObject({ sampleRate: 48000, channels: as!.channels });

    expectMatchesProbe(framesOf(frames, 0), h264.probe, 0, 'video');
    expectMatchesProbe(framesOf(frames, 1), h264.probe, 1, 'audio');
    expect(stats.continuityErrors).toBe(0);
    expect(stats.frames).toBe(frames.length);
  });

  it('frames are 4-byte length-prefixed NAL units without AUDs or parameter sets', () => {
    const { frames } = demux(h264.bytes);
    for (const frame of framesOf(frames, 0)) {
      const types: number[] = [];
      for (let at = 0; at < frame.data.length; ) {
        const length = new DataView(frame.data.buffer, frame.data.byteOffset + at).getUint32(0);
        types.push(frame.data[at + 4]! & 0x1f);
        at += 4 + length;
        expect(at).toBeLessThanOrEqual(frame.data.length);
      }
      expect(types.filter((t) => t === 7 || t === 8 || t === 9)).toEqual([]);
      expect(types.includes(5)).toBe(frame.keyframe);
    }
  });

  it('HEVC Main 10 and AAC 44.1 kHz stereo', () => {
    const { trackEvents, frames, errors } = demux(hevc.bytes);
    expect(errors).toEqual([]);
    expect(trackEvents).toHaveLength(1);
    const [video, audio] = trackEvents[0]! as [VideoTrack, AudioTrack];
    const [vs, as] = hevc.probe.streams;
    expect(video).toMatchObject({ codec: 'hevc', width: 854, height: 480, profile: 'Main 10', level: (vs!.level! / 30).toFixed(1) });
    expect(video.declaredFps).toBe(25);
    expect(parseHevcSps(parseHvcC(video.config).sps[0]!).bitDepth).toBe(10);
    expect(audio).toMatchObject({ sampleRate: 44100, channels: 2, profile: as!.profile });
    expectMatchesProbe(framesOf(frames, 0), hevc.probe, 0, 'video');
    expectMatchesProbe(framesOf(frames, 1), hevc.probe, 1, 'audio');
  });
});

describe('TsDemuxer input handling', () => {
  it('gives identical frames whatever the chunking: 1, 7, 188 bytes and random sizes', () => {
    const whole = frameDigest(demux(small.bytes).frames);
    expect(whole.length).toBeGreaterThan(50);
    const random = seededRandom(42);
    for (const chunk of [() => 1, () => 7, () => 188, () => 1 + Math.floor(random() * 3000)]) {
      const result = demux(small.bytes, chunk);
      expect(result.errors).toEqual([]);
      expect(frameDigest(result.frames)).toEqual(whole);
    }
  });

  it('a new resolution mid-stream gives a second onTracks and a timeline that keeps going', () => {
    const joined = Buffer.concat([h264.bytes, small.bytes]);
    const { trackEvents, frames, errors } = demux(joined);
    expect(trackEvents.map((tracks) => tracks.filter((t) => t.kind === 'video').map((t) => `${(t as VideoTrack).width}x${(t as VideoTrack).height}`))).toEqual([['640x360'], ['320x240']]);
    // At the splice the counters jump, so the demuxer cannot tell whether the last video
    // frame of the first file (a PES of unbounded length) lost its tail: it drops it.
    const expected = h264.probe.packets.length + small.probe.packets.length;
    expect(frames.length).toBeGreaterThanOrEqual(expected - 1);
    expect(frames.length).toBeLessThanOrEqual(expected);
    // The second file starts its clock again: one reported jump, and DTS still rises per track.
    expect(errors.filter((e) => e.kind === 'timestamp').length).toBeGreaterThanOrEqual(1);
    for (const trackId of [0, 1]) {
      const dts = framesOf(frames, trackId).map((f) => f.dts);
      for (let i = 1; i < dts.length; i++) expect(dts[i]!).toBeGreaterThan(dts[i - 1]!);
    }
  });

  it('a new audio sample rate gives a second onTracks with the new AudioSpecificConfig', async () => {
    const audioOnly = (name: string, rate: number, channels: number) =>
      ffmpeg(dir, name, [...lavfiInputs({ seconds: 1, audioRate: rate, video: false }), '-c:a', 'aac', '-ac', String(channels), '-f', 'mpegts']);
    const [first, second] = await Promise.all([audioOnly('a48.ts', 48000, 1), audioOnly('a441.ts', 44100, 2)]);
    const joined = Buffer.concat([await fs.readFile(first), await fs.readFile(second)]);
    const { trackEvents, frames } = demux(joined);
    const described = trackEvents.map((tracks) => tracks.map((t) => t as AudioTrack).map((t) => `${t.sampleRate}/${t.channels}/${Buffer.from(t.config).toString('hex')}`));
    expect(described).toEqual([['48000/1/1188'], ['44100/2/1210']]);
    const dts = frames.map((f) => f.dts);
    for (let i = 1; i < dts.length; i++) expect(dts[i]!).toBeGreaterThan(dts[i - 1]!);
  });

  it('counts continuity errors for removed packets and still delivers the frames around them', () => {
    // Every 40th video packet after the first 100, so the first keyframe arrives whole and
    // each loss costs at most the frame it falls in.
    const videoPid = 0x100;
    let seen = 0;
    let removed = 0;
    const damaged = filterPackets(h264.bytes, (offset) => {
      if (packetPid(h264.bytes, offset) !== videoPid || ++seen <= 100 || seen % 40 !== 0) return true;
      removed++;
      return false;
    });
    const { frames, errors, stats } = demux(damaged);
    expect(stats.continuityErrors).toBe(removed);
    expect(errors.filter((e) => e.kind === 'continuity')).toHaveLength(removed);
    const clean = demux(h264.bytes).frames;
    const video = framesOf(frames, 0).length;
    expect(video).toBeGreaterThanOrEqual(framesOf(clean, 0).length - removed);
    expect(video).toBeLessThan(framesOf(clean, 0).length);
    expect(framesOf(frames, 1)).toHaveLength(framesOf(clean, 1).length);
  });

  it('skips duplicated packets without errors', () => {
    const doubled = Buffer.concat(Array.from({ length: small.bytes.length / PACKET }, (_, i) => {
      const packet = small.bytes.subarray(i * PACKET, (i + 1) * PACKET);
      return packetPid(small.bytes, i * PACKET) === 0x100 && i % 3 === 0 ? Buffer.concat([packet, packet]) : packet;
    }));
    const result = demux(doubled);
    expect(result.errors).toEqual([]);
    expect(frameDigest(result.frames)).toEqual(frameDigest(demux(small.bytes).frames));
  });

  it('resyncs after garbage in front and in the middle', () => {
    const garbage = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);
    const middle = 300 * PACKET;
    const dirty = Buffer.concat([garbage(1000), small.bytes.subarray(0, middle), garbage(517), Uint8Array.of(0x47, 1, 2), small.bytes.subarray(middle)]);
    const { frames, errors, stats } = demux(dirty, () => 1000);
    expect(errors.map((e) => e.kind)).toEqual(['sync', 'sync']);
    expect(stats.syncLosses).toBe(2);
    expect(stats.skippedBytes).toBe(1000 + 517 + 3);
    expect(frameDigest(frames)).toEqual(frameDigest(demux(small.bytes).frames));
  });

  it('unwraps 33-bit timestamps across the wrap', async () => {
    // Start 0.5 s before 2^33 ticks: PTS wrap to 0 mid-stream.
    const wrapAt = TIMESTAMP_WRAP / 90000;
    const file = await ffmpeg(dir, 'wrap.ts', [...lavfiInputs({ size: '160x120', seconds: 1.5, audioRate: 48000 }), '-c:v', 'libx264', '-c:a', 'aac', '-output_ts_offset', String(wrapAt - 2), '-f', 'mpegts']);
    const probe = await ffprobe(file);
    const { frames, errors } = demux(new Uint8Array(await fs.readFile(file)));
    expect(errors).toEqual([]);
    for (const trackId of [0, 1]) {
      const ours = framesOf(frames, trackId);
      const packets = probe.packets.filter((p) => p.stream_index === trackId);
      expect(ours.length).toBe(packets.length);
      // ffprobe moves the times before the wrap below zero instead; the same 33-bit values either way.
      const mod = (t: number) => ((t % TIMESTAMP_WRAP) + TIMESTAMP_WRAP) % TIMESTAMP_WRAP;
      expect(ours.map((f) => mod(f.pts))).toEqual(packets.map((p) => mod(p.pts!)));
      expect(ours.some((f) => f.dts >= TIMESTAMP_WRAP)).toBe(true);
      for (let i = 1; i < ours.length; i++) expect(ours[i]!.dts).toBeGreaterThan(ours[i - 1]!.dts);
    }
  });
});

describe('TsDemuxer program handling', () => {
  it('reports an unsupported stream type once and demuxes the rest', async () => {
    const file = await ffmpeg(dir, 'mp2.ts', [...lavfiInputs({ size: '160x120', seconds: 1, audioRate: 48000 }), '-c:v', 'libx264', '-c:a', 'mp2', '-f', 'mpegts']);
    const probe = await ffprobe(file);
    const { trackEvents, frames, errors } = demux(new Uint8Array(await fs.readFile(file)));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.kind).toBe('unsupported');
    expect(errors[0]!.detail).toMatch(/stream type 0x0[34] \(MPEG-[12] audio\)/);
    expect(trackEvents).toHaveLength(1);
    expect(trackEvents[0]!.map((t) => t.kind)).toEqual(['video']);
    expect(frames).toHaveLength(probe.packets.filter((p) => p.stream_index === 0).length);
  });

  it('announces the ready tracks after 2 s of stream time when a listed stream never sends', () => {
    const silent = filterPackets(h264.bytes, (offset) => packetPid(h264.bytes, offset) !== 0x101);
    const { trackEvents, frames } = demux(silent);
    expect(trackEvents).toHaveLength(1);
    expect(trackEvents[0]!.map((t) => t.id)).toEqual([0]);
    expect(frames).toHaveLength(h264.probe.packets.filter((p) => p.stream_index === 0).length);
  });

  it('announces what is ready at end() for input shorter than the wait', () => {
    const silent = filterPackets(small.bytes, (offset) => packetPid(small.bytes, offset) !== 0x101);
    const { trackEvents, frames } = demux(silent);
    expect(trackEvents.map((tracks) => tracks.map((t) => t.kind))).toEqual([['video']]);
    expect(frames.length).toBe(small.probe.packets.filter((p) => p.stream_index === 0).length);
  });

  it('drops a PES over the size cap with an error and goes on with the other streams', () => {
    const { frames, errors, stats } = demux(small.bytes, undefined, { maxVideoPesBytes: 2000 });
    expect(errors.some((e) => e.kind === 'pes' && /larger than 2000 bytes/.test(e.detail))).toBe(true);
    expect(stats.droppedPes).toBeGreaterThan(0);
    expect(framesOf(frames, 1).length).toBe(small.probe.packets.filter((p) => p.stream_index === 1).length);
  });

  it('lets an exception from a handler through to the caller', () => {
    const boom = new Error('consumer failed');
    const demuxer = new TsDemuxer({
      onTracks: () => {},
      onFrame: () => {
        throw boom;
      },
      onError: () => {},
    });
    expect(() => {
      demuxer.push(small.bytes, 0);
      demuxer.end();
    }).toThrow(boom);
  });
});

describe('TsDemuxer on hand-built streams', () => {
  /** The small fixture's video frames written again as Annex B access units, each cut into PES of at most `split` bytes. */
  function rewrite(split: number, bounded: boolean) {
    const reference = demux(small.bytes);
    const track = reference.trackEvents[0]![0] as VideoTrack;
    const frames = framesOf(reference.frames, 0);
    const { sps, pps } = parseAvcC(track.config);
    const writer = new TsWriter().program(0x1000, [[0x1b, 0x100]]);
    for (const frame of frames) {
      const nals = frame.keyframe ? [...sps, ...pps] : [];
      forEachNal(frame.data, 4, (nal) => nals.push(nal));
      const annexB = Buffer.concat(nals.flatMap((nal) => [Uint8Array.of(0, 0, 0, 1), nal]));
      for (let at = 0; at < annexB.length; at += split) {
        const timing = at === 0 ? { pts: frame.pts, dts: frame.dts } : {};
        writer.pes(0x100, pesPacket(0xe0, annexB.subarray(at, at + split), { ...timing, bounded }));
      }
    }
    return { bytes: writer.bytes(), track, frames };
  }

  it.each([
    ['bounded PES, one per access unit', 1e9],
    ['access units split over bounded PES, continued without PTS', 1000],
  ])('%s: the same frames and config', (_, split) => {
    const { bytes, track, frames } = rewrite(split, true);
    const random = seededRandom(split);
    const result = demux(bytes, () => 1 + Math.floor(random() * 500));
    expect(result.errors).toEqual([]);
    expect(result.trackEvents).toHaveLength(1);
    expect(result.trackEvents[0]![0]!.config).toEqual(track.config);
    expect(frameDigest(result.frames)).toEqual(frameDigest(frames));
  });

  it('drops an access unit that lost a packet of one of its PES, never a part of one', () => {
    const { bytes, frames } = rewrite(1000, true);
    const damaged = filterPackets(bytes, (_, index) => index !== 40); // inside the first, split, keyframe
    const result = demux(damaged);
    expect(result.errors.map((e) => e.kind)).toEqual(['continuity']);
    const reference = new Set(frameDigest(frames));
    const digests = frameDigest(result.frames);
    expect(digests.every((digest) => reference.has(digest))).toBe(true);
    // the keyframe is gone, and with it what depends on it until the next keyframe
    expect(result.frames[0]!.keyframe).toBe(true);
    expect(result.frames.length).toBeLessThan(frames.length);
  });

  it('drops a video PES without PTS that continues nothing, with a timestamp error', () => {
    const { bytes } = rewrite(1000, false); // unbounded: each access unit is taken whole, so continuations are orphans
    const result = demux(bytes);
    expect(result.errors.length).toBeGreaterThan(0);
    expect(new Set(result.errors.map((e) => e.kind))).toEqual(new Set(['timestamp']));
  });
});

describe('TsDemuxer fuzz', () => {
  it('never throws on damaged input: 480 cases of truncation, bit flips, random bytes and chunking', async () => {
    const [avc, hvc] = await Promise.all([
      ffmpeg(dir, 'fuzz-h264.ts', [...lavfiInputs({ size: '160x120', seconds: 0.6, audioRate: 48000 }), '-c:v', 'libx264', '-g', '5', '-c:a', 'aac', '-f', 'mpegts']),
      ffmpeg(dir, 'fuzz-hevc.ts', [...lavfiInputs({ size: '160x120', seconds: 0.6, audioRate: 44100 }), '-c:v', 'libx265', '-x265-params', 'log-level=error:keyint=5', '-c:a', 'aac', '-f', 'mpegts']),
    ]);
    const originals = [new Uint8Array(await fs.readFile(avc)), new Uint8Array(await fs.readFile(hvc))];
    const random = seededRandom(2024);
    const pick = (n: number) => Math.floor(random() * n);
    const kinds = new Set(['sync', 'continuity', 'pes', 'codec', 'timestamp', 'unsupported']);
    // A fixed number of rounds: a hang is caught by the test's timeout; speed is not this test's business.
    for (let round = 0; round < 480; round++) {
      const data = Uint8Array.from(originals[round % 2]!);
      let input: Uint8Array = data;
      switch (Math.floor(round / 2) % 6) {
        case 0: // truncated anywhere
          input = data.subarray(0, pick(data.length));
          break;
        case 1: // bit flips anywhere
          for (let i = 0, n = 1 + pick(200); i < n; i++) data[pick(data.length)]! ^= 1 << pick(8);
          break;
        case 2: // a run of random bytes
          for (let i = pick(data.length), end = Math.min(data.length, i + pick(5000)); i < end; i++) data[i] = pick(256);
          break;
        case 3: // scattered random bytes
          for (let i = 0; i < data.length; i += 1 + pick(400)) data[i] = pick(256);
          break;
        case 4: // bit flips in packet, PES and PSI headers, where parsing decisions are made
          for (let i = 0, n = 1 + pick(60); i < n; i++) data[pick(data.length / PACKET) * PACKET + 1 + pick(20)]! ^= 1 << pick(8);
          break;
        default: // random bytes spliced in and packets cut out
          input = Buffer.concat([data.subarray(0, pick(data.length)), Uint8Array.from({ length: pick(600) }, () => pick(256)), data.subarray(pick(data.length))]);
      }
      const maxChunk = 1 + pick(2000);
      let result;
      try {
        result = demux(input, () => 1 + pick(maxChunk));
      } catch (error) {
        throw new Error(`round ${round} threw`, { cause: error });
      }
      for (const error of result.errors) {
        expect(kinds.has(error.kind), `round ${round}: ${error.kind}`).toBe(true);
        expect(error.detail, `round ${round}`).not.toMatch(/internal error/);
      }
      for (const frame of result.frames) {
        expect(frame.pts, `round ${round}`).toBeGreaterThanOrEqual(frame.dts);
        expect(Number.isInteger(frame.dts) && Number.isInteger(frame.pts), `round ${round}`).toBe(true);
      }
    }
  });
});
