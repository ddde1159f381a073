// The muxer against the real tools: ffmpeg encodes, our demuxer takes it apart, we mux
// it again, and ffprobe/ffmpeg (and our own demuxer) must read every frame as it went in.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudioTrack, Frame, Track, VideoTrack } from '../../media/frame.js';
import { makeTempDir } from '../../test-support/temp-dir.js';
import { decodeErrors, lavfiInputs } from '../../test-support/ffmpeg-tools.js';
import { probe, tsSource, type MediaSource, type ProbedFile } from '../fmp4/testing/sources.js';
import { parsePmt } from './psi.js';
import { demux, frameDigest } from './testing/ts-fixtures.js';
import { TsMuxError, TsMuxer, defaultTsMuxerOptions, toTicks } from './ts-muxer.js';

let dir: string;
let cleanup: () => Promise<void>;
let h264: MediaSource;
let hevc: MediaSource;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('framehouse-ts-muxer-'));
  [h264, hevc] = await Promise.all([
    // A low QP makes keyframes larger than one PES_packet_length can say (64 KiB).
    tsSource(dir, 'h264.ts', [...lavfiInputs({ size: '1280x720', rate: 30, seconds: 2, audioRate: 48000 }), '-c:v', 'libx264', '-qp', '4', '-bf', '2', '-g', '30', '-c:a', 'aac', '-ac', '2']),
    tsSource(dir, 'hevc.ts', [
      ...lavfiInputs({ size: '854x480', rate: 25, seconds: 2, audioRate: 44100 }),
      ...['-c:v', 'libx265', '-pix_fmt', 'yuv420p10le', '-x265-params', 'log-level=error:keyint=25', '-c:a', 'aac', '-ac', '1'],
    ]),
  ]);
}, 60_000);
afterAll(() => cleanup());

function muxAll(tracks: readonly Track[], frames: readonly Frame[]): { bytes: Uint8Array; chunks: Uint8Array[]; muxer: TsMuxer } {
  const muxer = new TsMuxer(tracks);
  const chunks = frames.map((f) => muxer.mux(f));
  return { bytes: Buffer.concat(chunks), chunks, muxer };
}

async function writeTs(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, bytes);
  return file;
}

const packetsOf = (probed: ProbedFile, index: number) => probed.packets.filter((p) => p.stream_index === index);
const shifted = (frames: readonly Frame[], trackId: number, by: number) => frames.filter((f) => f.trackId === trackId).map((f) => ({ dts: f.dts + by, pts: f.pts + by }));

/** Each 188-byte packet's PID, flags and fields the checks below look at. */
function tsPackets(bytes: Uint8Array) {
  const out: { pid: number; unitStart: boolean; cc: number; hasPayload: boolean; discontinuity: boolean; randomAccess: boolean; pcr: number | null; offset: number }[] = [];
  for (let at = 0; at < bytes.length; at += 188) {
    expect(bytes[at]).toBe(0x47);
    const afc = (bytes[at + 3]! >> 4) & 3;
    const hasField = (afc & 2) !== 0 && bytes[at + 4]! > 0;
    const flags = hasField ? bytes[at + 5]! : 0;
    const pcr = flags & 0x10 ? bytes[at + 6]! * 2 ** 25 + bytes[at + 7]! * 2 ** 17 + bytes[at + 8]! * 2 ** 9 + bytes[at + 9]! * 2 + (bytes[at + 10]! >> 7) : null;
    out.push({
      pid: ((bytes[at + 1]! & 0x1f) << 8) | bytes[at + 2]!,
      unitStart: (bytes[at + 1]! & 0x40) !== 0,
      cc: bytes[at + 3]! & 0x0f,
      hasPayload: (afc & 1) !== 0,
      discontinuity: (flags & 0x80) !== 0,
      randomAccess: (flags & 0x40) !== 0,
      pcr,
      offset: at,
    });
  }
  return out;
}

describe('TsMuxer against ffprobe and ffmpeg', () => {
  it.each([
    ['H.264 High with B-frames + AAC-LC 48 kHz stereo', () => h264, 'h264'],
    ['HEVC Main 10 + AAC-LC 44.1 kHz mono', () => hevc, 'hevc'],
  ] as const)('%s: streams, every packet time and key flag; decodes cleanly', async (name, source, codec) => {
    const { tracks, frames, file: original } = source();
    const { bytes, chunks } = muxAll(tracks, frames);
    for (const chunk of chunks) expect(chunk.length % 188).toBe(0);
    const file = await writeTs(`${codec}-out.ts`, bytes);
    const [ours, theirs] = await Promise.all([probe(file), probe(original)]);
    expect(ours.streams.map((s) => s.codec_name)).toEqual([codec, 'aac']);
    const fields = (s: ProbedFile['streams'][number]) => ({ codec_name: s.codec_name, profile: s.profile, width: s.width, height: s.height, sample_rate: s.sample_rate, channels: s.channels });
    expect(ours.streams.map(fields)).toEqual(theirs.streams.map(fields));
    // The first frame lands on startTicks; every other keeps its distance from it, to the tick.
    const by = defaultTsMuxerOptions.startTicks - frames[0]!.dts;
    tracks.forEach((track, i) => {
      const packets = packetsOf(ours, i);
      expect(packets.map((p) => ({ dts: p.dts, pts: p.pts }))).toEqual(shifted(frames, track.id, by));
      if (track.kind === 'video') expect(packets.map((p) => p.flags.includes('K'))).toEqual(frames.filter((f) => f.trackId === track.id).map((f) => f.keyframe));
    });
    expect(await decodeErrors(file)).toBe('');
    if (codec === 'h264') expect(Math.max(...frames.map((f) => f.data.length))).toBeGreaterThan(0xffff);
  });

  it('our demuxer reads the output back to the same tracks and frames, without continuity errors', () => {
    for (const { tracks, frames } of [h264, hevc]) {
      const back = demux(muxAll(tracks, frames).bytes, () => 1000);
      expect(back.errors).toEqual([]);
      expect(back.stats.continuityErrors).toBe(0);
      expect(back.trackEvents).toEqual([tracks]);
      const by = defaultTsMuxerOptions.startTicks - frames[0]!.dts;
      // Per track: a demuxer completes an unbounded video PES only when the next one starts, so tracks interleave differently.
      for (const track of tracks) {
        const own = (list: readonly Frame[]) => list.filter((f) => f.trackId === track.id);
        expect(frameDigest(own(back.frames))).toEqual(frameDigest(own(frames).map((f) => ({ ...f, dts: f.dts + by, pts: f.pts + by }))));
      }
    }
  });

  it('converts millisecond and sample-rate timescales to 90 kHz exactly, without drift', async () => {
    const { tracks, frames } = h264;
    // As RTMP delivers them: video in ms; audio here in samples (1024 per frame at 48 kHz).
    const rescaled: Track[] = tracks.map((t) => (t.kind === 'video' ? { ...t, timescale: 1000 } : { ...t, timescale: 48_000 }));
    const scale = (f: Frame) => (f.trackId === 0 ? (t: number) => Math.round(t / 90) : (t: number) => Math.round((t * 48_000) / 90_000));
    const input = frames.map((f) => ({ ...f, dts: scale(f)(f.dts), pts: scale(f)(f.pts) }));
    const file = await writeTs('rescaled.ts', muxAll(rescaled, input).bytes);
    const probed = await probe(file);
    const by = defaultTsMuxerOptions.startTicks - toTicks(input[0]!.dts, 1000);
    rescaled.forEach((track, i) => {
      expect(packetsOf(probed, i).map((p) => p.dts)).toEqual(input.filter((f) => f.trackId === track.id).map((f) => toTicks(f.dts, track.timescale) + by));
    });
    expect(toTicks(123_456_789, 1000)).toBe(123_456_789 * 90);
    // 44.1 kHz: each value converted on its own stays within half a tick of exact after 10^7 frames (~2.7 days).
    for (const n of [1, 7, 1_000_003, 10_000_000]) expect(Math.abs(toTicks(n * 1024, 44_100) - (n * 1024 * 90_000) / 44_100)).toBeLessThanOrEqual(0.5);
  });
});

describe('TsMuxer program and timing', () => {
  it('PAT/PMT open the stream and come before every keyframe and at least every 100 ms; PCR on the video PID, behind the DTS', () => {
    const { tracks, frames } = h264;
    const muxer = new TsMuxer(tracks);
    let lastPsiDts = -Infinity;
    let lastPcr = -Infinity;
    for (const frame of frames) {
      const packets = tsPackets(muxer.mux(frame));
      const dts = frame.dts + defaultTsMuxerOptions.startTicks - frames[0]!.dts;
      const psi = packets[0]!.pid === 0;
      if (psi) {
        expect(packets[1]!.pid).toBe(0x1000);
        lastPsiDts = dts;
      }
      if (frame.keyframe && frame.trackId === 0) expect(psi).toBe(true);
      expect(dts - lastPsiDts).toBeLessThan(9000);
      const start = packets.find((p) => p.unitStart && p.pid >= 0x100 && p.pid < 0x1000)!;
      if (frame.trackId === 0) {
        // Behind the DTS by the delay, or a little more where audio ahead of it already moved the clock on.
        expect(start.pcr).toBe(Math.max(lastPcr, dts - defaultTsMuxerOptions.pcrDelayTicks));
        expect(start.randomAccess).toBe(frame.keyframe);
      }
      for (const p of packets) if (p.pcr !== null) lastPcr = p.pcr;
    }
    const first = tsPackets(new TsMuxer(tracks).mux(frames[0]!));
    const pmtPacket = new TsMuxer(tracks).mux(frames[0]!).subarray(188, 376);
    const sectionLength = ((pmtPacket[6]! & 0x0f) << 8) | pmtPacket[7]!;
    expect(first.map((p) => p.pid).slice(0, 2)).toEqual([0, 0x1000]);
    expect(parsePmt(pmtPacket.subarray(5, 5 + 3 + sectionLength))).toEqual({ programNumber: 1, pcrPid: 0x100, streams: [{ streamType: 0x1b, pid: 0x100 }, { streamType: 0x0f, pid: 0x101 }] });
  });

  it('sends PCR-only packets between the frames of slow video so the PCR never lags 100 ms; audio-only streams carry it on the audio PID', async () => {
    const { tracks, frames } = h264;
    // One picture a second, interleaved by time as a live source sends it (ffmpeg's TS carries audio in bursts of ~200 ms).
    const slow = frames.filter((f) => f.trackId !== 0 || f.keyframe).sort((a, b) => a.dts - b.dts);
    const packets = tsPackets(muxAll(tracks, slow).bytes);
    const pcrs = packets.filter((p) => p.pcr !== null);
    expect(pcrs.every((p) => p.pid === 0x100)).toBe(true);
    expect(pcrs.some((p) => !p.hasPayload)).toBe(true);
    for (let i = 1; i < pcrs.length; i++) expect(pcrs[i]!.pcr! - pcrs[i - 1]!.pcr!).toBeLessThan(9000);
    // Counters count payload packets only: PCR-only packets repeat the last one.
    const back = demux(muxAll(tracks, slow).bytes);
    expect(back.stats.continuityErrors).toBe(0);

    const audio = tracks.find((t) => t.kind === 'audio')!;
    const audioOnly = muxAll([audio], frames.filter((f) => f.trackId === audio.id)).bytes;
    const audioPackets = tsPackets(audioOnly);
    expect(audioPackets.filter((p) => p.pcr !== null).every((p) => p.pid === 0x100)).toBe(true);
    expect(audioPackets.some((p) => p.pcr !== null)).toBe(true);
    const probed = await probe(await writeTs('audio-only.ts', audioOnly));
    expect(probed.streams.map((s) => s.codec_name)).toEqual(['aac']);
    expect(packetsOf(probed, 0)).toHaveLength(frames.filter((f) => f.trackId === audio.id).length);
  });

  it('discontinuity(): timestamps continue monotonic on a new timeline, and each PID says so in its next packet', async () => {
    const { tracks, frames } = h264;
    const muxer = new TsMuxer(tracks);
    const firstHalf = frames.slice(0, 45).map((f) => muxer.mux(f));
    muxer.discontinuity();
    // The same frames again: their times go back, as after a gap in a recording or a restarted source.
    const secondHalf = frames.map((f) => muxer.mux(f));
    const after = tsPackets(Buffer.concat(secondHalf));
    for (const pid of [0x100, 0x101]) expect(after.find((p) => p.pid === pid)!.discontinuity).toBe(true);
    expect(after.filter((p) => p.discontinuity)).toHaveLength(2);
    expect(muxer.stats).toMatchObject({ discontinuities: 1, droppedFrames: 0, frames: 45 + frames.length });
    const probed = await probe(await writeTs('discontinuity.ts', Buffer.concat([...firstHalf, ...secondHalf])));
    for (const i of [0, 1]) {
      const dts = packetsOf(probed, i).map((p) => p.dts);
      for (let k = 1; k < dts.length; k++) expect(dts[k]).toBeGreaterThan(dts[k - 1]!);
    }
    const videoFrames = (list: readonly Frame[]) => list.filter((f) => f.trackId === 0).length;
    expect(packetsOf(probed, 0)).toHaveLength(videoFrames(frames.slice(0, 45)) + videoFrames(frames));
  });

  it('a clock stepping back within a PID: small steps drop the frame, large ones start a new timeline', () => {
    const { tracks, frames } = h264;
    const muxer = new TsMuxer(tracks);
    const video = frames.filter((f) => f.trackId === 0).slice(0, 10);
    for (const f of video) muxer.mux(f);
    expect(muxer.mux({ ...video[9]!, dts: video[9]!.dts - 3000, pts: video[9]!.pts - 3000 })).toHaveLength(0);
    expect(muxer.stats.droppedFrames).toBe(1);
    expect(muxer.mux({ ...video[0]!, dts: video[0]!.dts - 180_000, pts: video[0]!.pts - 180_000 })).not.toHaveLength(0);
    expect(muxer.stats.discontinuities).toBe(1);
  });

  it('setTracks mid-stream: a new PMT version, the same PIDs, and our demuxer follows the change', () => {
    const muxer = new TsMuxer(h264.tracks);
    const chunks = h264.frames.slice(0, 60).map((f) => muxer.mux(f));
    muxer.setTracks(hevc.tracks);
    chunks.push(...hevc.frames.map((f) => muxer.mux(f)));
    const bytes = Buffer.concat(chunks);
    const versions = new Set(tsPackets(bytes).filter((p) => p.pid === 0x1000).map((p) => (bytes[p.offset + 10]! >> 1) & 0x1f)); // version_number
    expect([...versions]).toEqual([0, 1]);
    const back = demux(bytes);
    expect(back.errors).toEqual([]);
    expect(back.trackEvents.map((t) => t.map((track) => (track.kind === 'video' ? track.codec : track.channels)))).toEqual([
      ['h264', 2],
      ['hevc', 1],
    ]);
    // The last H.264 PES is unbounded: it ends only when the next PES on its PID starts, after the new PMT made our demuxer start over.
    expect(back.frames.length).toBe(60 - 1 + hevc.frames.length);
    const dts = back.frames.filter((f) => f.trackId === 0).map((f) => f.dts);
    for (let k = 1; k < dts.length; k++) expect(dts[k]).toBeGreaterThan(dts[k - 1]!);
  });

  it('leaves out tracks it cannot carry, and refuses a stream with none left', () => {
    const [video, audio] = h264.tracks as [VideoTrack, AudioTrack];
    const opus: AudioTrack = { ...audio, id: 1, codec: 'opus', config: new Uint8Array(0) };
    const muxer = new TsMuxer([video, opus]);
    expect(muxer.skipped.map((s) => s.reason)).toEqual(['track 1: opus audio cannot be sent as MPEG-TS here (AAC and MP3 only)']);
    expect(muxer.mux({ trackId: 1, dts: 0, pts: 0, keyframe: true, data: new Uint8Array(10), arrivedAt: 0 })).toHaveLength(0);
    const av1: VideoTrack = { ...video, codec: 'av1' };
    expect(() => new TsMuxer([av1])).toThrow(TsMuxError);
    expect(() => new TsMuxer([av1, opus])).toThrow(/av1 video cannot be sent as MPEG-TS.*opus audio/);
    expect(() => new TsMuxer([])).toThrow(/no tracks/);
  });

  it('drops a video frame whose NAL lengths do not tile it', () => {
    const muxer = new TsMuxer(h264.tracks);
    expect(muxer.mux({ trackId: 0, dts: 0, pts: 0, keyframe: true, data: Uint8Array.of(0, 0, 0, 9, 0x65, 1, 2), arrivedAt: 0 })).toHaveLength(0);
    expect(muxer.stats.droppedFrames).toBe(1);
  });

  it('muxes a 6 Mbit/s stream quickly (micro-benchmark, logged)', () => {
    const { tracks, frames } = h264;
    // 25 kB pictures at 30 fps (6 Mbit/s) with AAC between them; the NAL layout of a real frame, scaled up.
    const picture = new Uint8Array(25_000);
    new DataView(picture.buffer).setUint32(0, picture.length - 4);
    picture[4] = 0x41;
    const audio = frames.filter((f) => f.trackId === 1).slice(0, 3);
    const seconds = 60;
    const muxer = new TsMuxer(tracks);
    let bytesIn = 0;
    let bytesOut = 0;
    const started = performance.now();
    for (let i = 0; i < seconds * 30; i++) {
      const dts = i * 3000;
      const out = muxer.mux({ trackId: 0, dts, pts: dts, keyframe: i % 60 === 0, data: picture, arrivedAt: 0 });
      bytesIn += picture.length;
      bytesOut += out.length;
      for (const [k, a] of audio.entries()) bytesOut += muxer.mux({ ...a, dts: dts + k * 1000, pts: dts + k * 1000 }).length;
    }
    const ms = performance.now() - started;
    const mbPerSecond = bytesIn / 1e6 / (ms / 1000);
    console.log(`ts muxer: ${seconds} s of 6 Mbit/s video + AAC in ${ms.toFixed(1)} ms: ${mbPerSecond.toFixed(0)} MB/s of video in, ${(bytesOut / bytesIn).toFixed(3)}× out (${(seconds * 1000 / ms).toFixed(0)}× real time)`);
    expect(muxer.stats.droppedFrames).toBe(0);
  });
});
